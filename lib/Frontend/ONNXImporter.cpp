//===- ONNXImporter.cpp - ModelProto to the onnx dialect ------------------===//
//
// The importer checks the whole graph before building anything, so a model
// with several unsupported ops gets one error listing all of them. It then
// builds one func.func in graph order: initializers become onnx.Constant ops,
// each node becomes its onnx op (older op versions rewritten into the newest
// form first), and each new op's result types are inferred at once, so the
// module is valid IR at every step.
//
//===----------------------------------------------------------------------===//

#include "onnxc/Frontend/ONNXImporter.h"

#include "Tensors.h"

#include "onnxc/Dialect/ONNX/Locations.h"
#include "onnxc/Dialect/ONNX/ONNXOps.h"
#include "onnxc/Dialect/ONNX/ShapeUtils.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <google/protobuf/io/coded_stream.h>

#include <map>

using namespace mlir;

namespace onnxc {
namespace {

/// What the generated table says about one op.
struct OpInfo {
  StringRef inputs;  // one letter per formal input: S, O or V
  StringRef outputs; // same for outputs
  StringRef attributes;
  SmallVector<int, 8> sinceVersions;
};

const llvm::StringMap<OpInfo> &getOpTable() {
  static const llvm::StringMap<OpInfo> table = [] {
    llvm::StringMap<OpInfo> t;
#define ONNXC_OP(NAME, INS, OUTS, ATTRS, ...)                                   \
  t[#NAME] = OpInfo{INS, OUTS, ATTRS, {__VA_ARGS__}};
#include "onnxc/Dialect/ONNX/ONNXOpVersions.inc"
#undef ONNXC_OP
    return t;
  }();
  return table;
}

constexpr int kMinOpset = ONNXC_MIN_OPSET;
constexpr int kMaxOpset = ONNXC_MAX_OPSET;

bool isDefaultDomain(StringRef domain) {
  return domain.empty() || domain == "ai.onnx";
}

/// The since-version of `op` in force at `opset`, or 0 if none.
int resolveVersion(const OpInfo &info, int opset) {
  int version = 0;
  for (int v : info.sinceVersions)
    if (v <= opset)
      version = v;
  return version;
}

/// Whether an imported attribute is of the AttributeProto kind `kind`.
bool attributeHasKind(Attribute attr, StringRef kind) {
  if (kind == "INT")
    return isa<IntegerAttr>(attr);
  if (kind == "FLOAT")
    return isa<FloatAttr>(attr);
  if (kind == "STRING")
    return isa<StringAttr>(attr);
  if (kind == "INTS")
    return isa<DenseI64ArrayAttr>(attr);
  if (kind == "FLOATS")
    return isa<DenseF32ArrayAttr>(attr);
  if (kind == "STRINGS")
    return isa<ArrayAttr>(attr);
  if (kind == "TENSOR" || kind == "SPARSE_TENSOR")
    return isa<ElementsAttr>(attr);
  return false;
}

std::string describeNode(const onnx::NodeProto &node, int index) {
  std::string name = node.name().empty()
                         ? (node.op_type() + "_" + std::to_string(index))
                         : node.name();
  return "node '" + name + "' (" +
         (isDefaultDomain(node.domain()) ? "" : node.domain() + "::") +
         node.op_type() + ")";
}

class GraphImporter {
public:
  GraphImporter(MLIRContext &context, const onnx::ModelProto &model,
                StringRef modelDir, StringRef sourceName,
                const ImportOptions &options)
      : context(context), model(model), modelDir(modelDir.str()),
        sourceName(sourceName.str()), options(options), builder(&context) {}

  OwningOpRef<ModuleOp> run();

private:
  LogicalResult readOpsets();
  LogicalResult checkNodes();
  void collectUnsupported(const onnx::GraphProto &graph,
                          const std::string &scope,
                          SmallVectorImpl<std::string> &problems);
  FailureOr<Type> convertValueType(const onnx::ValueInfoProto &info);
  LogicalResult importInitializers(const onnx::GraphProto &graph);
  LogicalResult importNode(const onnx::NodeProto &node, int index);
  LogicalResult collectInputs(const onnx::NodeProto &node,
                              const std::string &where, Location loc,
                              SmallVectorImpl<Value> &inputs);
  LogicalResult importControlFlow(const onnx::NodeProto &node, int index);
  LogicalResult importSubgraph(const onnx::GraphProto &graph, Block &block,
                               Location loc, const std::string &where,
                               const std::string &path);
  FailureOr<Attribute> convertAttribute(const onnx::AttributeProto &attr,
                                        const std::string &where);
  LogicalResult upgradeNode(StringRef opType, int version, Location loc,
                            SmallVectorImpl<Value> &inputs,
                            std::map<std::string, Attribute> &attrs,
                            const std::string &where);
  LogicalResult inferAndVerify(Operation *op, const std::string &where);
  LogicalResult upgradeUpsample(Location loc, SmallVectorImpl<Value> &inputs,
                                std::map<std::string, Attribute> &attrs,
                                const std::string &where);
  LogicalResult reportAtNode(const std::string &where,
                             llvm::function_ref<LogicalResult()> check);
  LogicalResult initializeBody(Operation *op, const std::string &where);
  Value makeI64Constant(Location loc, ArrayRef<int64_t> values, bool scalar);
  Value makeScalarConstant(Location loc, Type elementType, double value);
  Value noValue(Location loc);
  Location nodeLoc(const onnx::NodeProto &node, int index);

  /// Importer messages name the node themselves, so they are reported at
  /// the model file.
  InFlightDiagnostic error(Location) { return emitError(fileLoc()); }
  InFlightDiagnostic error() { return emitError(fileLoc()); }
  Location fileLoc() { return FileLineColLoc::get(&context, sourceName, 0, 0); }

  MLIRContext &context;
  const onnx::ModelProto &model;
  std::string modelDir, sourceName;
  /// The external data files, mapped once each.
  frontend::ExternalDataFiles externalFiles;
  const ImportOptions &options;
  OpBuilder builder;
  int opset = 0;
  llvm::StringMap<Value> values;
  /// Inside a subgraph: what messages say before a node ("node 'L' (Loop)
  /// subgraph 'body': "), and what its location's name starts with
  /// ("L/body/"), so that a node of a subgraph is told from the graph's.
  std::string subgraphScope, subgraphPath;
};

Location GraphImporter::nodeLoc(const onnx::NodeProto &node, int index) {
  std::string name = node.name().empty()
                         ? (node.op_type() + "_" + std::to_string(index))
                         : node.name();
  return NameLoc::get(StringAttr::get(&context, subgraphPath + name),
                      fileLoc());
}

LogicalResult GraphImporter::readOpsets() {
  for (const onnx::OperatorSetIdProto &id : model.opset_import())
    if (isDefaultDomain(id.domain()))
      opset = static_cast<int>(id.version());
  if (opset == 0)
    return error() << "the model imports no ai.onnx opset";
  if (opset > kMaxOpset)
    return error() << "ai.onnx opset " << opset
                   << " is newer than the newest supported, " << kMaxOpset;
  if (opset < kMinOpset)
    return error() << "ai.onnx opset " << opset
                   << " is older than the oldest supported, " << kMinOpset
                   << " (convert the model with onnx.version_converter)";
  return success();
}

/// Deprecated ops that are a special case of another: the op the importer
/// builds for them and the version of it whose form they take (Scatter is
/// ScatterElements-11; Upsample is a Resize by scales with asymmetric
/// coordinates, rewritten in importNode).
std::optional<std::pair<StringRef, int>> getDeprecatedAlias(StringRef opType) {
  if (opType == "Scatter")
    return std::pair<StringRef, int>{"ScatterElements", 11};
  if (opType == "Upsample")
    return std::pair<StringRef, int>{"Resize", 13};
  return std::nullopt;
}

/// Whether `opType` is an op with subgraphs that the importer builds itself.
bool isControlFlow(StringRef opType) {
  return opType == "If" || opType == "Loop" || opType == "Scan";
}

/// The GRAPH attribute names each control-flow op takes.
SmallVector<StringRef, 2> getGraphAttributeNames(StringRef opType) {
  if (opType == "If")
    return {"then_branch", "else_branch"};
  return {"body"};
}

/// Adds a line to `problems` for every node of `graph`, and of the
/// subgraphs of its If, Loop and Scan nodes, that the importer cannot map.
void GraphImporter::collectUnsupported(const onnx::GraphProto &graph,
                                       const std::string &scope,
                                       SmallVectorImpl<std::string> &problems) {
  const llvm::StringMap<OpInfo> &table = getOpTable();
  for (auto [index, node] : llvm::enumerate(graph.node())) {
    std::string where = scope + describeNode(node, index);
    if (!isDefaultDomain(node.domain())) {
      problems.push_back(where + ": domain '" + node.domain() +
                         "' is not supported");
      continue;
    }
    StringRef opType = node.op_type();
    if (isControlFlow(opType)) {
      if (opType == "Scan" && opset < 9) {
        problems.push_back(where + ": Scan-8 (the batched form with "
                                   "sequence_lens) is not supported; convert "
                                   "the model to opset 9 or later");
        continue;
      }
      for (const onnx::AttributeProto &attr : node.attribute())
        if (attr.type() == onnx::AttributeProto::GRAPH)
          collectUnsupported(attr.g(), where + " subgraph '" + attr.name() +
                                           "': ",
                             problems);
      continue;
    }
    if (getDeprecatedAlias(opType))
      continue;
    auto it = table.find(opType);
    if (it == table.end()) {
      problems.push_back(where + ": operator is not supported");
      continue;
    }
    if (resolveVersion(it->second, opset) == 0)
      problems.push_back(where + ": operator is not defined in ai.onnx opset " +
                         std::to_string(opset) + " (first defined in " +
                         std::to_string(it->second.sinceVersions.front()) +
                         ")");
  }
}

/// Collects every node the importer cannot map, so the user sees them all.
LogicalResult GraphImporter::checkNodes() {
  SmallVector<std::string> problems;
  collectUnsupported(model.graph(), "", problems);
  if (problems.empty())
    return success();
  InFlightDiagnostic diag = error();
  diag << problems.size() << " unsupported node"
       << (problems.size() == 1 ? "" : "s") << ":";
  for (const std::string &p : problems)
    diag << "\n  " << p;
  return failure();
}

/// The symbolic names of a graph input's or output's dims (`onnx.dim_params`:
/// one string per dim, "" where the dim has a value or no name); null when
/// no dim is named. Dims of one name are equal at run time: the runtime
/// checks it across the inputs.
static ArrayAttr getDimParams(Builder &builder,
                              const onnx::ValueInfoProto *info) {
  if (!info->type().has_tensor_type() ||
      !info->type().tensor_type().has_shape())
    return {};
  SmallVector<Attribute> names;
  bool any = false;
  for (const onnx::TensorShapeProto_Dimension &dim :
       info->type().tensor_type().shape().dim()) {
    bool named = !(dim.has_dim_value() && dim.dim_value() >= 0) &&
                 dim.has_dim_param() && !dim.dim_param().empty();
    any |= named;
    names.push_back(builder.getStringAttr(named ? dim.dim_param() : ""));
  }
  return any ? builder.getArrayAttr(names) : ArrayAttr();
}

FailureOr<Type> GraphImporter::convertValueType(const onnx::ValueInfoProto &info) {
  if (!info.type().has_tensor_type())
    return error() << "graph value '" << info.name()
                   << "' is not a tensor (sequences, maps and optionals are "
                      "not supported)";
  const onnx::TypeProto_Tensor &tensor = info.type().tensor_type();
  llvm::Expected<Type> elementType =
      frontend::convertElementType(context, tensor.elem_type());
  if (!elementType)
    return error() << "graph value '" << info.name()
                   << "': " << llvm::toString(elementType.takeError());
  if (!tensor.has_shape())
    return Type(UnrankedTensorType::get(*elementType));
  SmallVector<int64_t> shape;
  for (const onnx::TensorShapeProto_Dimension &dim : tensor.shape().dim())
    shape.push_back(dim.has_dim_value() && dim.dim_value() >= 0
                        ? dim.dim_value()
                        : ShapedType::kDynamic);
  return Type(RankedTensorType::get(shape, *elementType));
}

LogicalResult GraphImporter::importInitializers(const onnx::GraphProto &graph) {
  for (const onnx::TensorProto &tensor : graph.initializer()) {
    llvm::Expected<ElementsAttr> attr = frontend::convertTensor(
        context, tensor, modelDir, options.inlineLimitBytes, &externalFiles);
    if (!attr)
      return error() << llvm::toString(attr.takeError());
    // Marked as an initializer: diagnostics must not call it a node.
    Location loc = onnx_ir::getInitializerLoc(tensor.name(), fileLoc());
    OperationState state(loc, onnx_ir::ConstantOp::getOperationName());
    state.addTypes(attr->getType());
    state.addAttribute("value", *attr);
    values[tensor.name()] = builder.create(state)->getResult(0);
  }
  return success();
}

Value GraphImporter::noValue(Location loc) {
  return onnx_ir::NoValueOp::create(builder, loc, builder.getNoneType());
}

Value GraphImporter::makeI64Constant(Location loc, ArrayRef<int64_t> data,
                                     bool scalar) {
  auto type = RankedTensorType::get(
      scalar ? ArrayRef<int64_t>{} : ArrayRef<int64_t>{(int64_t)data.size()},
      builder.getI64Type());
  OperationState state(loc, onnx_ir::ConstantOp::getOperationName());
  state.addTypes(type);
  state.addAttribute("value", DenseElementsAttr::get(type, data));
  return builder.create(state)->getResult(0);
}

Value GraphImporter::makeScalarConstant(Location loc, Type elementType,
                                        double value) {
  auto type = RankedTensorType::get({}, elementType);
  Attribute element;
  if (auto floatType = dyn_cast<FloatType>(elementType))
    element = builder.getFloatAttr(floatType, value);
  else
    element = builder.getIntegerAttr(elementType, static_cast<int64_t>(value));
  OperationState state(loc, onnx_ir::ConstantOp::getOperationName());
  state.addTypes(type);
  state.addAttribute("value", DenseElementsAttr::get(type, element));
  return builder.create(state)->getResult(0);
}

FailureOr<Attribute>
GraphImporter::convertAttribute(const onnx::AttributeProto &attr,
                                const std::string &where) {
  switch (attr.type()) {
  case onnx::AttributeProto::FLOAT:
    return Attribute(builder.getF32FloatAttr(attr.f()));
  case onnx::AttributeProto::INT:
    return Attribute(builder.getI64IntegerAttr(attr.i()));
  case onnx::AttributeProto::STRING:
    return Attribute(builder.getStringAttr(attr.s()));
  case onnx::AttributeProto::INTS:
    return Attribute(builder.getDenseI64ArrayAttr(
        SmallVector<int64_t>(attr.ints().begin(), attr.ints().end())));
  case onnx::AttributeProto::FLOATS:
    return Attribute(builder.getDenseF32ArrayAttr(
        SmallVector<float>(attr.floats().begin(), attr.floats().end())));
  case onnx::AttributeProto::STRINGS: {
    SmallVector<StringRef> strings(attr.strings().begin(), attr.strings().end());
    return Attribute(builder.getStrArrayAttr(strings));
  }
  case onnx::AttributeProto::TENSOR: {
    llvm::Expected<ElementsAttr> tensor = frontend::convertTensor(
        context, attr.t(), modelDir, options.inlineLimitBytes, &externalFiles);
    if (!tensor)
      return error() << where << ": attribute '" << attr.name()
                     << "': " << llvm::toString(tensor.takeError()),
             failure();
    return Attribute(*tensor);
  }
  default:
    return error() << where << ": attribute '" << attr.name()
                   << "' has an unsupported kind ("
                   << onnx::AttributeProto_AttributeType_Name(attr.type())
                   << ")",
           failure();
  }
}

/// Rewrites an op of an older opset into the newest form the dialect
/// models: attributes that opsets 10, 11, 12, 13 and 18 turned into inputs
/// become constant inputs.
LogicalResult GraphImporter::upgradeNode(StringRef opType, int version,
                                         Location loc,
                                         SmallVectorImpl<Value> &inputs,
                                         std::map<std::string, Attribute> &attrs,
                                         const std::string &where) {
  auto takeInts = [&](StringRef name) -> std::optional<SmallVector<int64_t>> {
    auto it = attrs.find(name.str());
    if (it == attrs.end())
      return std::nullopt;
    auto array = dyn_cast<DenseI64ArrayAttr>(it->second);
    attrs.erase(it);
    if (!array)
      return std::nullopt;
    return SmallVector<int64_t>(array.asArrayRef());
  };
  auto takeFloat = [&](StringRef name) -> std::optional<double> {
    auto it = attrs.find(name.str());
    if (it == attrs.end())
      return std::nullopt;
    auto value = dyn_cast<FloatAttr>(it->second);
    attrs.erase(it);
    return value ? std::optional<double>(value.getValueAsDouble())
                 : std::nullopt;
  };
  auto intsInput = [&](std::optional<SmallVector<int64_t>> values) {
    return values ? makeI64Constant(loc, *values, false) : noValue(loc);
  };
  Type dataElementType =
      inputs.empty() ? Type() : onnx_ir::getElementType(inputs[0]);
  if (!dataElementType && (opType == "Pad" || opType == "Clip") && version < 11)
    return error(loc) << where << ": input #0 is required", failure();

  bool axesMoved = (opType == "Squeeze" || opType == "Unsqueeze" ||
                    opType == "ReduceSum")
                       ? version < 13
                       : (opType.starts_with("Reduce") && version < 18);
  if (axesMoved) {
    std::optional<SmallVector<int64_t>> axes = takeInts("axes");
    if (opType == "Unsqueeze" && !axes)
      return error(loc) << where << ": attribute 'axes' is required",
             failure();
    inputs.push_back(intsInput(axes));
  }
  if (opType == "Split" && version < 13) {
    std::optional<SmallVector<int64_t>> split = takeInts("split");
    inputs.push_back(intsInput(split));
  }
  if (opType == "Slice" && version < 10) {
    std::optional<SmallVector<int64_t>> starts = takeInts("starts"),
                                        ends = takeInts("ends"),
                                        axes = takeInts("axes");
    if (!starts || !ends)
      return error(loc) << where << ": attributes 'starts' and 'ends' are "
                                    "required",
             failure();
    inputs.append({intsInput(starts), intsInput(ends), intsInput(axes)});
  }
  if (opType == "Pad" && version < 11) {
    std::optional<SmallVector<int64_t>> pads = takeInts("pads");
    if (!pads)
      return error(loc) << where << ": attribute 'pads' is required",
             failure();
    double value = takeFloat("value").value_or(0.0);
    inputs.append({intsInput(pads),
                   makeScalarConstant(loc, dataElementType, value)});
  }
  if (opType == "Clip" && version < 11) {
    std::optional<double> min = takeFloat("min"), max = takeFloat("max");
    inputs.push_back(min ? makeScalarConstant(loc, dataElementType, *min)
                         : noValue(loc));
    inputs.push_back(max ? makeScalarConstant(loc, dataElementType, *max)
                         : noValue(loc));
  }
  if (opType == "TopK" && version < 10) {
    auto it = attrs.find("k");
    if (it == attrs.end())
      return error(loc) << where << ": attribute 'k' is required", failure();
    auto kAttr = dyn_cast<IntegerAttr>(it->second);
    if (!kAttr)
      return error(loc) << where << ": attribute 'k' must be INT", failure();
    int64_t k = kAttr.getInt();
    attrs.erase(it);
    inputs.push_back(makeI64Constant(loc, {k}, false));
  }
  if (opType == "Dropout" && version < 12) {
    std::optional<double> ratio = takeFloat("ratio");
    attrs.erase("is_test");
    inputs.push_back(ratio ? makeScalarConstant(loc, builder.getF32Type(), *ratio)
                           : noValue(loc));
  }
  if (opType == "Resize" && version < 11) {
    // Resize-10 maps coordinates as "asymmetric" and, in nearest mode,
    // truncates them when upsampling and rounds them up when downsampling
    // (onnxruntime's reading): floor or ceil for the whole op.
    attrs["coordinate_transformation_mode"] =
        builder.getStringAttr("asymmetric");
    auto modeIt = attrs.find("mode");
    auto mode = modeIt == attrs.end() ? StringAttr()
                                      : dyn_cast<StringAttr>(modeIt->second);
    if (!mode || mode.getValue() == "nearest") {
      bool down = false, up = false;
      if (inputs.size() == 2)
        if (std::optional<onnx_ir::ConstantValues> scales =
                onnx_ir::getConstantValues(inputs[1]))
          for (int64_t i = 0; i < scales->size(); ++i) {
            down |= scales->asDouble(i) < 1.0;
            up |= scales->asDouble(i) > 1.0;
          }
      if (down && up)
        return error(loc) << where
                          << ": nearest Resize-10 that both up- and "
                             "downsamples is not supported",
               failure();
      attrs["nearest_mode"] = builder.getStringAttr(down ? "ceil" : "floor");
    }
    // (X, scales) -> (X, roi, scales, sizes)
    if (inputs.size() == 2)
      inputs.insert(inputs.begin() + 1, noValue(loc));
  }
  if (opType == "DFT" && version < 20) {
    // DFT-17's axis attribute (default 1) is DFT-20's axis input.
    int64_t axis = 1;
    if (auto it = attrs.find("axis"); it != attrs.end()) {
      auto axisAttr = dyn_cast<IntegerAttr>(it->second);
      if (!axisAttr)
        return error(loc) << where << ": attribute 'axis' must be INT",
               failure();
      axis = axisAttr.getInt();
      attrs.erase(it);
    }
    while (inputs.size() < 2)
      inputs.push_back(noValue(loc));
    inputs.push_back(makeI64Constant(loc, {axis}, /*scalar=*/true));
  }
  if (opType == "GridSample" && version < 20) {
    // GridSample-16 names the 2-D modes; 20 generalized them to N-D.
    if (auto it = attrs.find("mode"); it != attrs.end())
      if (auto mode = dyn_cast<StringAttr>(it->second))
        if (mode.getValue() == "bilinear" || mode.getValue() == "bicubic")
          it->second = builder.getStringAttr(
              mode.getValue() == "bilinear" ? "linear" : "cubic");
  }
  if (opType == "BatchNormalization" && version < 9) {
    auto it = attrs.find("spatial");
    if (it != attrs.end()) {
      auto spatial = dyn_cast<IntegerAttr>(it->second);
      if (!spatial || spatial.getInt() != 1)
        return error(loc) << where << ": spatial=0 is not supported", failure();
      attrs.erase(it);
    }
  }
  return success();
}

LogicalResult
GraphImporter::reportAtNode(const std::string &where,
                            llvm::function_ref<LogicalResult()> check) {
  // Collect what the check says, then report it once at the node, naming
  // it and its op.
  std::string message;
  LogicalResult result = success();
  {
    ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
      if (diag.getSeverity() == DiagnosticSeverity::Error && message.empty())
        message = diag.str();
      return success();
    });
    result = check();
  }
  if (failed(result))
    error() << where << ": " << message;
  return result;
}

/// Upsample (X, scales) or, before opset 9, (X) with a `scales` attribute:
/// Resize's (X, roi, scales) with the coordinates Upsample uses (asymmetric,
/// nearest rounding down).
LogicalResult
GraphImporter::upgradeUpsample(Location loc, SmallVectorImpl<Value> &inputs,
                               std::map<std::string, Attribute> &attrs,
                               const std::string &where) {
  if (auto it = attrs.find("scales"); it != attrs.end()) {
    auto scales = dyn_cast<DenseF32ArrayAttr>(it->second);
    if (!scales)
      return error(loc) << where << ": attribute 'scales' must be FLOATS",
             failure();
    auto type = RankedTensorType::get({(int64_t)scales.size()},
                                      builder.getF32Type());
    OperationState state(loc, onnx_ir::ConstantOp::getOperationName());
    state.addTypes(type);
    state.addAttribute("value",
                       DenseElementsAttr::get(type, scales.asArrayRef()));
    inputs.push_back(builder.create(state)->getResult(0));
    attrs.erase(it);
  }
  if (inputs.size() != 2 || onnx_ir::isNone(inputs[1]))
    return error(loc) << where << ": expects X and scales", failure();
  inputs.insert(inputs.begin() + 1, noValue(loc));
  attrs["coordinate_transformation_mode"] = builder.getStringAttr("asymmetric");
  attrs["nearest_mode"] = builder.getStringAttr("floor");
  return success();
}

LogicalResult GraphImporter::inferAndVerify(Operation *op,
                                            const std::string &where) {
  return reportAtNode(where, [&] {
    if (auto inference = dyn_cast<onnx_ir::ShapeInferenceOpInterface>(op))
      if (failed(inference.inferShapes()))
        return failure();
    return verify(op, /*verifyRecursively=*/false);
  });
}

LogicalResult GraphImporter::initializeBody(Operation *op,
                                            const std::string &where) {
  return reportAtNode(where, [&] {
    if (auto loop = dyn_cast<onnx_ir::LoopOp>(op))
      loop.initializeBodyArguments();
    if (auto scan = dyn_cast<onnx_ir::ScanOp>(op))
      return scan.initializeBodyArguments();
    return success();
  });
}

LogicalResult GraphImporter::collectInputs(const onnx::NodeProto &node,
                                           const std::string &where,
                                           Location loc,
                                           SmallVectorImpl<Value> &inputs) {
  for (auto [i, name] : llvm::enumerate(node.input())) {
    if (name.empty()) {
      inputs.push_back(noValue(loc));
      continue;
    }
    auto it = values.find(name);
    if (it == values.end())
      return error(loc) << where << ": input #" << i << " '" << name
                        << "' is not a graph input, an initializer, the "
                           "output of an earlier node or a value of an "
                           "enclosing graph",
             failure();
    inputs.push_back(it->second);
  }
  return success();
}

LogicalResult GraphImporter::importNode(const onnx::NodeProto &node,
                                        int index) {
  StringRef opType = node.op_type();
  if (isControlFlow(opType))
    return importControlFlow(node, index);
  std::string where = subgraphScope + describeNode(node, index);
  Location loc = nodeLoc(node, index);
  std::optional<std::pair<StringRef, int>> alias = getDeprecatedAlias(opType);
  if (alias)
    opType = alias->first;
  const OpInfo &info = getOpTable().find(opType)->second;
  int version = alias ? alias->second : resolveVersion(info, opset);

  SmallVector<Value> inputs;
  if (failed(collectInputs(node, where, loc, inputs)))
    return failure();

  std::map<std::string, Attribute> attrs;
  for (const onnx::AttributeProto &attr : node.attribute()) {
    if (!attr.ref_attr_name().empty())
      return error(loc) << where << ": attribute references are only valid "
                                    "inside functions",
             failure();
    FailureOr<Attribute> converted = convertAttribute(attr, where);
    if (failed(converted))
      return failure();
    attrs[attr.name()] = *converted;
  }

  if (node.op_type() == "Upsample" &&
      failed(upgradeUpsample(loc, inputs, attrs, where)))
    return failure();
  if (failed(upgradeNode(opType, version, loc, inputs, attrs, where)))
    return failure();

  // Softmax-like ops before opset 13 flatten around `axis` (default 1).
  bool coerced2D = (opType == "Softmax" || opType == "LogSoftmax" ||
                    opType == "Hardmax") &&
                   version < 13;
  Value original;
  if (coerced2D) {
    int64_t axis = 1;
    if (auto it = attrs.find("axis"); it != attrs.end()) {
      auto axisAttr = dyn_cast<IntegerAttr>(it->second);
      if (!axisAttr)
        return error(loc) << where << ": attribute 'axis' must be INT",
               failure();
      axis = axisAttr.getInt();
    }
    original = inputs[0];
    OperationState flatten(loc, onnx_ir::FlattenOp::getOperationName());
    flatten.addOperands(original);
    flatten.addAttribute("axis", builder.getI64IntegerAttr(axis));
    flatten.addTypes(original.getType());
    Operation *flat = builder.create(flatten);
    if (failed(inferAndVerify(flat, where)))
      return failure();
    inputs[0] = flat->getResult(0);
    attrs["axis"] = builder.getI64IntegerAttr(-1);
  }

  // Match inputs against the formal parameters.
  SmallVector<Value> operands;
  size_t next = 0;
  StringRef formals = info.inputs;
  for (size_t f = 0; f < formals.size(); ++f) {
    char kind = formals[f];
    if (kind == 'V') {
      if (next >= inputs.size())
        return error(loc) << where << ": expects at least one input for "
                                      "variadic input #"
                          << f,
               failure();
      while (next < inputs.size()) {
        if (onnx_ir::isNone(inputs[next]))
          return error(loc) << where << ": input #" << next
                            << " is empty, but variadic inputs are required",
                 failure();
        operands.push_back(inputs[next++]);
      }
      continue;
    }
    if (next >= inputs.size()) {
      if (kind == 'S')
        return error(loc) << where << ": missing required input #" << f,
               failure();
      operands.push_back(noValue(loc));
      continue;
    }
    Value v = inputs[next++];
    if (kind == 'S' && onnx_ir::isNone(v))
      return error(loc) << where << ": required input #" << f
                        << " is empty",
             failure();
    operands.push_back(v);
  }
  if (next < inputs.size())
    return error(loc) << where << ": has " << inputs.size()
                      << " inputs, at most " << next << " expected",
           failure();

  // Attributes must have the kind the schema gives (accessors rely on it)
  // and required ones must be present.
  llvm::StringMap<std::pair<StringRef, bool>> known;
  SmallVector<StringRef> specs;
  info.attributes.split(specs, ',', -1, false);
  for (StringRef spec : specs) {
    auto [name, kind] = spec.split(':');
    bool required = kind.consume_back("!");
    known[name] = {kind, required};
  }
  OperationState state(loc, ("onnx." + opType).str());
  state.addOperands(operands);
  for (auto &[name, value] : attrs) {
    auto it = known.find(name);
    if (it == known.end())
      return error(loc) << where << ": unknown attribute '" << name << "'",
             failure();
    if (!attributeHasKind(value, it->second.first))
      return error(loc) << where << ": attribute '" << name << "' must be "
                        << it->second.first,
             failure();
    state.addAttribute(name, value);
  }
  for (auto &entry : known)
    if (entry.second.second && !attrs.count(entry.first().str()))
      return error(loc) << where << ": missing required attribute '"
                        << entry.first() << "'",
             failure();
  // Result placeholders; inferShapes() sets the real types.
  Type placeholder = UnrankedTensorType::get(builder.getF32Type());
  SmallVector<std::string> resultNames;
  StringRef outs = info.outputs;
  int nodeOutputs = node.output_size();
  for (size_t f = 0, o = 0; f < outs.size(); ++f) {
    if (outs[f] == 'V') {
      for (; o < static_cast<size_t>(nodeOutputs); ++o) {
        state.addTypes(placeholder);
        resultNames.push_back(node.output(o));
      }
      continue;
    }
    bool present = o < static_cast<size_t>(nodeOutputs) &&
                   !node.output(o).empty();
    if (!present && outs[f] == 'S')
      return error(loc) << where << ": missing required output #" << f,
             failure();
    state.addTypes(present ? placeholder : builder.getNoneType());
    resultNames.push_back(present ? node.output(o) : "");
    ++o;
  }
  if (nodeOutputs > static_cast<int>(resultNames.size()))
    return error(loc) << where << ": has " << nodeOutputs
                      << " outputs, at most " << resultNames.size()
                      << " expected",
           failure();

  Operation *op = builder.create(state);
  if (failed(inferAndVerify(op, where)))
    return failure();

  SmallVector<Value> results(op->getResults());
  if (coerced2D) {
    OperationState shape(loc, onnx_ir::ShapeOp::getOperationName());
    shape.addOperands(original);
    shape.addTypes(placeholder);
    Operation *shapeOp = builder.create(shape);
    if (failed(inferAndVerify(shapeOp, where)))
      return failure();
    OperationState reshape(loc, onnx_ir::ReshapeOp::getOperationName());
    reshape.addOperands({results[0], shapeOp->getResult(0)});
    reshape.addTypes(placeholder);
    Operation *reshapeOp = builder.create(reshape);
    if (failed(inferAndVerify(reshapeOp, where)))
      return failure();
    results[0] = reshapeOp->getResult(0);
  }
  for (auto [name, value] : llvm::zip(resultNames, results))
    if (!name.empty())
      values[name] = value;
  return success();
}

/// The type of a Loop body's iteration number or condition input: its
/// declared type when that is a tensor of one `element`, else a 0-d tensor.
static Type getLoopCounterType(const onnx::GraphProto &body, int index,
                               Type element) {
  if (body.input_size() > index) {
    const onnx::TypeProto &type = body.input(index).type();
    if (type.has_tensor_type() && type.tensor_type().has_shape()) {
      SmallVector<int64_t> shape;
      for (const onnx::TensorShapeProto_Dimension &dim :
           type.tensor_type().shape().dim())
        shape.push_back(dim.has_dim_value() ? dim.dim_value() : -1);
      if (llvm::all_of(shape, [](int64_t d) { return d == 1; }))
        return RankedTensorType::get(shape, element);
    }
  }
  return RankedTensorType::get({}, element);
}

/// Imports `graph` into `block`, whose arguments are its inputs in order,
/// and ends the block with an onnx.Yield (at `loc`, the node's) of its
/// outputs. The subgraph sees the enclosing graphs' values by name. `where`
/// names the subgraph in messages; `path` is the node's location name and
/// the attribute's ("L/body/"), which its nodes' location names start with.
LogicalResult GraphImporter::importSubgraph(const onnx::GraphProto &graph,
                                            Block &block, Location loc,
                                            const std::string &where,
                                            const std::string &path) {
  if (graph.input_size() != static_cast<int>(block.getNumArguments()))
    return error() << where << " has " << graph.input_size() << " inputs; "
                   << block.getNumArguments() << " expected",
           failure();
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToEnd(&block);
  // Names the subgraph defines shadow the enclosing graph's only inside it.
  llvm::StringMap<Value> enclosing = values;
  std::string enclosingScope = subgraphScope, enclosingPath = subgraphPath;
  llvm::scope_exit restore([&] {
    values = std::move(enclosing);
    subgraphScope = std::move(enclosingScope);
    subgraphPath = std::move(enclosingPath);
  });
  subgraphScope = where + ": ";
  subgraphPath = path;
  for (auto [i, input] : llvm::enumerate(graph.input())) {
    BlockArgument arg = block.getArgument(i);
    const onnx::TypeProto &declared = input.type();
    if (declared.has_tensor_type() && declared.tensor_type().elem_type() != 0) {
      llvm::Expected<Type> element = frontend::convertElementType(
          context, declared.tensor_type().elem_type());
      if (!element)
        return error() << where << " input '" << input.name()
                       << "': " << llvm::toString(element.takeError()),
               failure();
      if (*element != getElementTypeOrSelf(arg.getType()))
        return error() << where << " input '" << input.name()
                       << "' is declared " << *element << " but receives "
                       << arg.getType(),
               failure();
    } else if (declared.has_sequence_type() || declared.has_optional_type() ||
               declared.has_map_type()) {
      return error() << where << " input '" << input.name()
                     << "' is not a tensor (sequences, maps and optionals "
                        "are not supported)",
             failure();
    }
    values[input.name()] = arg;
  }
  if (failed(importInitializers(graph)))
    return failure();
  for (auto [index, node] : llvm::enumerate(graph.node()))
    if (failed(importNode(node, index)))
      return failure();
  SmallVector<Value> outputs;
  for (const onnx::ValueInfoProto &output : graph.output()) {
    auto it = values.find(output.name());
    if (it == values.end())
      return error() << where << " output '" << output.name()
                     << "' is not produced by any node or value in scope",
             failure();
    outputs.push_back(it->second);
  }
  onnx_ir::YieldOp::create(builder, loc, outputs);
  return success();
}

LogicalResult GraphImporter::importControlFlow(const onnx::NodeProto &node,
                                               int index) {
  std::string where = subgraphScope + describeNode(node, index);
  Location loc = nodeLoc(node, index);
  StringRef opType = node.op_type();
  SmallVector<Value> inputs;
  if (failed(collectInputs(node, where, loc, inputs)))
    return failure();

  // Subgraphs by attribute name; Scan's INT/INTS attributes.
  SmallVector<StringRef, 2> graphNames = getGraphAttributeNames(opType);
  SmallVector<const onnx::GraphProto *, 2> graphs(graphNames.size(), nullptr);
  OperationState state(loc, ("onnx." + opType).str());
  for (const onnx::AttributeProto &attr : node.attribute()) {
    auto graphIt = llvm::find(graphNames, attr.name());
    if (graphIt != graphNames.end()) {
      if (attr.type() != onnx::AttributeProto::GRAPH)
        return error(loc) << where << ": attribute '" << attr.name()
                          << "' must be GRAPH",
               failure();
      graphs[graphIt - graphNames.begin()] = &attr.g();
      continue;
    }
    bool isInt = attr.name() == "num_scan_inputs";
    bool isInts = attr.name() == "scan_input_axes" ||
                  attr.name() == "scan_input_directions" ||
                  attr.name() == "scan_output_axes" ||
                  attr.name() == "scan_output_directions";
    if (opType != "Scan" || (!isInt && !isInts))
      return error(loc) << where << ": unknown attribute '" << attr.name()
                        << "'",
             failure();
    if (attr.type() != (isInt ? onnx::AttributeProto::INT
                              : onnx::AttributeProto::INTS))
      return error(loc) << where << ": attribute '" << attr.name()
                        << "' must be " << (isInt ? "INT" : "INTS"),
             failure();
    FailureOr<Attribute> converted = convertAttribute(attr, where);
    if (failed(converted))
      return failure();
    state.addAttribute(attr.name(), *converted);
  }
  for (auto [name, graph] : llvm::zip(graphNames, graphs))
    if (!graph)
      return error(loc) << where << ": missing required attribute '" << name
                        << "'",
             failure();
  if (opType == "Scan" && !state.attributes.get("num_scan_inputs"))
    return error(loc) << where
                      << ": missing required attribute 'num_scan_inputs'",
           failure();

  // Operands as the op takes them: Loop's M and cond may be left out.
  if (opType == "If" && inputs.size() != 1)
    return error(loc) << where << ": has " << inputs.size()
                      << " inputs; 1 (the condition) expected",
           failure();
  if (opType == "Loop") {
    if (inputs.size() < 2)
      return error(loc) << where << ": has " << inputs.size()
                        << " inputs; at least 2 (M, cond) expected",
             failure();
  }
  for (auto [i, v] : llvm::enumerate(inputs))
    if (onnx_ir::isNone(v) && !(opType == "Loop" && i < 2))
      return error(loc) << where << ": input #" << i << " is empty",
             failure();
  state.addOperands(inputs);

  // One result per output; an unused output (empty name) is still computed.
  // Results are typed by inferShapes() once the regions are built.
  Type placeholder = UnrankedTensorType::get(builder.getF32Type());
  state.addTypes(SmallVector<Type>(node.output_size(), placeholder));
  for (size_t r = 0; r < graphs.size(); ++r)
    state.addRegion();
  Operation *op = builder.create(state);

  // The body's inputs: set from the operands before the body is imported,
  // so that its ops are inferred from real types.
  for (auto [region, graph, name] :
       llvm::zip(op->getRegions(), graphs, graphNames)) {
    Block *block = new Block();
    region.push_back(block);
    SmallVector<Type> argTypes;
    if (opType == "Loop") {
      argTypes.push_back(getLoopCounterType(*graph, 0, builder.getI64Type()));
      argTypes.push_back(getLoopCounterType(*graph, 1, builder.getI1Type()));
      for (Value v : ValueRange(inputs).drop_front(2))
        argTypes.push_back(v.getType());
    } else if (opType == "Scan") {
      for (Value v : inputs)
        argTypes.push_back(v.getType());
    }
    block->addArguments(argTypes, SmallVector<Location>(argTypes.size(), loc));
  }
  if (failed(initializeBody(op, where)))
    return failure();
  for (auto [region, graph, name] :
       llvm::zip(op->getRegions(), graphs, graphNames))
    if (failed(importSubgraph(
            *graph, region.front(), loc,
            where + " subgraph '" + name.str() + "'",
            cast<NameLoc>(loc).getName().str() + "/" + name.str() + "/")))
      return failure();
  if (failed(inferAndVerify(op, where)))
    return failure();
  for (auto [name, value] : llvm::zip(node.output(), op->getResults()))
    if (!name.empty())
      values[name] = value;
  return success();
}

OwningOpRef<ModuleOp> GraphImporter::run() {
  if (!model.has_graph())
    return error() << "the model has no graph", nullptr;
  const onnx::GraphProto &graph = model.graph();
  if (failed(readOpsets()) || failed(checkNodes()))
    return nullptr;

  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc());
  builder.setInsertionPointToEnd(module->getBody());

  llvm::StringSet<> initializerNames;
  for (const onnx::TensorProto &t : graph.initializer())
    initializerNames.insert(t.name());

  SmallVector<Type> inputTypes;
  SmallVector<std::string> inputNames;
  SmallVector<const onnx::ValueInfoProto *> graphInputs;
  for (const onnx::ValueInfoProto &input : graph.input()) {
    if (initializerNames.contains(input.name()))
      continue;
    graphInputs.push_back(&input);
    FailureOr<Type> type = convertValueType(input);
    if (failed(type))
      return nullptr;
    inputTypes.push_back(*type);
    inputNames.push_back(input.name());
  }
  auto func = func::FuncOp::create(builder, fileLoc(), options.functionName,
                                   builder.getFunctionType(inputTypes, {}));
  Block *entry = func.addEntryBlock();
  for (auto [i, name] : llvm::enumerate(inputNames)) {
    func.setArgAttr(i, "onnx.name", builder.getStringAttr(name));
    if (ArrayAttr dimParams = getDimParams(builder, graphInputs[i]))
      func.setArgAttr(i, "onnx.dim_params", dimParams);
    values[name] = entry->getArgument(i);
  }
  builder.setInsertionPointToStart(entry);
  if (failed(importInitializers(graph)))
    return nullptr;
  for (auto [index, node] : llvm::enumerate(graph.node()))
    if (failed(importNode(node, index)))
      return nullptr;

  SmallVector<Value> results;
  SmallVector<Type> resultTypes;
  for (const onnx::ValueInfoProto &output : graph.output()) {
    auto it = values.find(output.name());
    if (it == values.end())
      return error() << "graph output '" << output.name()
                     << "' is not produced by any node",
             nullptr;
    results.push_back(it->second);
    resultTypes.push_back(it->second.getType());
  }
  func::ReturnOp::create(builder, fileLoc(), results);
  func.setType(builder.getFunctionType(inputTypes, resultTypes));
  for (auto [i, output] : llvm::enumerate(graph.output())) {
    func.setResultAttr(i, "onnx.name", builder.getStringAttr(output.name()));
    if (ArrayAttr dimParams = getDimParams(builder, &output))
      func.setResultAttr(i, "onnx.dim_params", dimParams);
  }
  if (failed(verify(*module)))
    return nullptr;
  return module;
}

} // namespace

void registerImportDialects(MLIRContext &context) {
  context.loadDialect<onnx_ir::ONNXDialect, func::FuncDialect>();
}

OwningOpRef<ModuleOp> importONNXModelBytes(MLIRContext &context,
                                           StringRef bytes, StringRef modelDir,
                                           StringRef sourceName,
                                           const ImportOptions &options) {
  registerImportDialects(context);
  Location loc = FileLineColLoc::get(&context, sourceName, 0, 0);
  onnx::ModelProto model;
  google::protobuf::io::CodedInputStream stream(
      reinterpret_cast<const uint8_t *>(bytes.data()),
      static_cast<int>(std::min<size_t>(bytes.size(), INT_MAX)));
  stream.SetTotalBytesLimit(INT_MAX);
  if (bytes.size() > INT_MAX || !model.ParseFromCodedStream(&stream) ||
      !stream.ConsumedEntireMessage()) {
    emitError(loc) << "not a valid ONNX model: the file is truncated or is "
                      "not a serialized ModelProto";
    return nullptr;
  }
  if (model.ir_version() <= 0 || !model.has_graph()) {
    emitError(loc) << "not a valid ONNX model: "
                   << (model.ir_version() <= 0 ? "no IR version" : "no graph");
    return nullptr;
  }
  return GraphImporter(context, model, modelDir, sourceName, options).run();
}

OwningOpRef<ModuleOp> importONNXModelFile(MLIRContext &context, StringRef path,
                                          const ImportOptions &options) {
  registerImportDialects(context);
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    emitError(FileLineColLoc::get(&context, path, 0, 0))
        << "cannot read the model: " << buffer.getError().message();
    return nullptr;
  }
  SmallString<256> dir(path);
  llvm::sys::path::remove_filename(dir);
  if (dir.empty())
    dir = ".";
  return importONNXModelBytes(context, (*buffer)->getBuffer(), dir, path,
                              options);
}

} // namespace onnxc
