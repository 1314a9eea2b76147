//===- Signature.cpp - The inputs and outputs a compiled model exposes ----===//

#include "onnxc/Target/CPU/CPUTarget.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/StringMap.h"

using namespace mlir;

namespace onnxc {

/// ONNX TensorProto data type of an element type; 0 if the runtime has none.
static int32_t getONNXDataType(Type type) {
  if (type.isF32())
    return 1;
  if (type.isF16())
    return 10;
  if (type.isF64())
    return 11;
  if (type.isBF16())
    return 16;
  auto integer = dyn_cast<IntegerType>(type);
  if (!integer)
    return 0;
  bool isUnsigned = integer.isUnsigned();
  switch (integer.getWidth()) {
  case 1:
    return 9;
  case 8:
    return isUnsigned ? 2 : 3;
  case 16:
    return isUnsigned ? 4 : 5;
  case 32:
    return isUnsigned ? 12 : 6;
  case 64:
    return isUnsigned ? 13 : 7;
  default:
    return 0;
  }
}

static FailureOr<TensorSignature>
getTensorSignature(Location loc, Type type, StringAttr name,
                   ArrayAttr dimParams, StringRef kind, unsigned index) {
  TensorSignature tensor;
  tensor.name = name ? name.str() : (kind + Twine(index)).str();
  auto ranked = dyn_cast<RankedTensorType>(type);
  if (!ranked)
    return emitError(loc) << kind << " '" << tensor.name << "' has type "
                          << type
                          << "; the CPU back end needs its rank known at "
                             "compile time"
                          << (kind == "input" ? " (give its shape with "
                                                "--input-shape=NAME=DxDx...)"
                                              : "");
  tensor.elementType = ranked.getElementType();
  tensor.dtype = getONNXDataType(tensor.elementType);
  if (!tensor.dtype)
    return emitError(loc) << kind << " '" << tensor.name
                          << "' has element type " << tensor.elementType
                          << ", which the runtime has no type for";
  for (int64_t d = 0; d < ranked.getRank(); ++d) {
    bool dynamic = ranked.isDynamicDim(d);
    tensor.shape.push_back(dynamic ? -1 : ranked.getDimSize(d));
    StringAttr param;
    if (dynamic && dimParams && d < static_cast<int64_t>(dimParams.size()))
      param = dyn_cast<StringAttr>(dimParams[d]);
    tensor.dimParams.push_back(param ? param.str() : "");
  }
  return tensor;
}

ModelSignature::RunTimeDims ModelSignature::getRunTimeDims() const {
  RunTimeDims dims;
  llvm::StringMap<int> byName;
  for (const TensorSignature &input : inputs) {
    llvm::SmallVector<int> &indices = dims.inputDims.emplace_back();
    for (auto [d, size] : llvm::enumerate(input.shape)) {
      if (size >= 0) {
        indices.push_back(-1);
        continue;
      }
      const std::string &param = input.dimParams[d];
      std::string name =
          param.empty() ? input.name + "_dim" + std::to_string(d) : param;
      auto [it, inserted] = byName.try_emplace(name, dims.names.size());
      if (inserted)
        dims.names.push_back(name);
      indices.push_back(it->second);
    }
  }
  return dims;
}

FailureOr<ModelSignature> getModelSignature(func::FuncOp graph,
                                            StringRef name) {
  ModelSignature signature;
  signature.name = name.str();
  for (unsigned i = 0; i < graph.getNumArguments(); ++i) {
    FailureOr<TensorSignature> tensor = getTensorSignature(
        graph.getLoc(), graph.getArgument(i).getType(),
        graph.getArgAttrOfType<StringAttr>(i, "onnx.name"),
        graph.getArgAttrOfType<ArrayAttr>(i, "onnx.dim_params"), "input", i);
    if (failed(tensor))
      return failure();
    signature.inputs.push_back(std::move(*tensor));
  }
  for (unsigned i = 0; i < graph.getNumResults(); ++i) {
    FailureOr<TensorSignature> tensor = getTensorSignature(
        graph.getLoc(), graph.getResultTypes()[i],
        graph.getResultAttrOfType<StringAttr>(i, "onnx.name"),
        graph.getResultAttrOfType<ArrayAttr>(i, "onnx.dim_params"), "output",
        i);
    if (failed(tensor))
      return failure();
    signature.outputs.push_back(std::move(*tensor));
  }
  return signature;
}

} // namespace onnxc
