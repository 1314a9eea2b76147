//===- ControlFlow.cpp - Verifiers and shape inference of If, Loop, Scan --===//
//
// The result types of an op with subgraphs come from its regions: each
// inferShapes() sets the block arguments from the operands, re-infers the
// region's ops in order and reads the types the onnx.Yield gets. A
// loop-carried value (Loop) or state (Scan) whose yielded type differs from
// its argument's is generalized (the dims that differ become dynamic) and
// the body inferred again, until nothing changes: each round only makes
// types more general, so it ends within rank + 2 rounds.
//
//===----------------------------------------------------------------------===//

#include "onnxc/Dialect/ONNX/ONNXOps.h"
#include "onnxc/Dialect/ONNX/ShapeUtils.h"

#include "mlir/IR/TypeUtilities.h"

using namespace mlir;

namespace onnxc::onnx_ir {
namespace {

/// The most general type of `a` and `b`, tensors of one element type: the
/// dims that differ are dynamic; ranks that differ, or an unranked one,
/// give an unranked type. Null when the element types differ.
Type joinTypes(Type a, Type b) {
  if (a == b)
    return a;
  auto ta = dyn_cast<TensorType>(a), tb = dyn_cast<TensorType>(b);
  if (!ta || !tb || ta.getElementType() != tb.getElementType())
    return {};
  auto ra = dyn_cast<RankedTensorType>(a), rb = dyn_cast<RankedTensorType>(b);
  if (!ra || !rb || ra.getRank() != rb.getRank())
    return UnrankedTensorType::get(ta.getElementType());
  SmallVector<int64_t> shape;
  for (auto [da, db] : llvm::zip(ra.getShape(), rb.getShape()))
    shape.push_back(da == db ? da : kDynamic);
  return RankedTensorType::get(shape, ta.getElementType());
}

/// The onnx.Yield ending `region`'s block, or null.
YieldOp getYield(Region &region) {
  if (region.empty() || region.front().empty())
    return {};
  return dyn_cast<YieldOp>(region.front().back());
}

/// Re-infers the ops of `block` in order, after its arguments changed.
LogicalResult inferBlock(Block &block) {
  for (Operation &op : block.without_terminator())
    if (auto inference = dyn_cast<ShapeInferenceOpInterface>(&op))
      if (failed(inference.inferShapes()))
        return failure();
  return success();
}

/// Infers `body` until the types of its loop-carried arguments
/// `body.getArgument(firstArg + i)`, set to `initial[i]`'s, equal those it
/// yields as `yield.getOperand(firstYield + i)`. Fails, after an error on
/// `op`, when an element type changes or the body cannot be inferred.
LogicalResult inferCarried(Operation *op, Block &body, unsigned firstArg,
                           ValueRange initial, unsigned firstYield,
                           StringRef what) {
  // Generalizing only: ranked static dims, then dynamic dims, then unranked.
  for (int round = 0;; ++round) {
    if (failed(inferBlock(body)))
      return failure();
    auto yield = cast<YieldOp>(body.back());
    bool changed = false;
    for (unsigned i = 0; i < initial.size(); ++i) {
      BlockArgument arg = body.getArgument(firstArg + i);
      Type yielded = yield.getOperand(firstYield + i).getType();
      Type joined = joinTypes(arg.getType(), yielded);
      if (!joined)
        return op->emitOpError()
               << what << " #" << i << " enters the body as " << arg.getType()
               << " and is yielded as " << yielded
               << " (its element type must not change)";
      if (joined != arg.getType()) {
        arg.setType(joined);
        changed = true;
      }
    }
    if (!changed)
      return success();
    if (round > 64)
      return op->emitOpError() << "the types of the " << what
                               << "s do not settle";
  }
}

/// Whether `type` is a tensor of one element (rank 0 or any rank with all
/// dims 1) of `element`.
bool isOneElementOf(Type type, Type element) {
  auto ranked = dyn_cast<RankedTensorType>(type);
  return ranked && ranked.getElementType() == element &&
         ranked.hasStaticShape() && ranked.getNumElements() == 1;
}

/// Whether `v` is a constant that holds exactly one nonzero element.
bool isConstantTrue(Value v) {
  std::optional<double> value = getConstantScalar(v);
  return value && *value != 0;
}

} // namespace

//===----------------------------------------------------------------------===//
// If
//===----------------------------------------------------------------------===//

LogicalResult IfOp::verify() {
  if (auto cond = getRankedType(getCond()); cond && cond.hasStaticShape() &&
                                            cond.getNumElements() != 1)
    return emitOpError() << "the condition must hold one element, got "
                         << cond;
  for (auto [name, region] : {std::pair<StringRef, Region *>{
                                  "then_branch", &getThenBranch()},
                              {"else_branch", &getElseBranch()}}) {
    YieldOp yield = getYield(*region);
    if (!yield)
      return emitOpError() << name << " must end in onnx.Yield";
    if (yield.getNumOperands() != getNumResults())
      return emitOpError() << name << " yields " << yield.getNumOperands()
                           << " values for " << getNumResults() << " outputs";
    for (auto [i, pair] :
         llvm::enumerate(llvm::zip(yield.getOperandTypes(), getResultTypes())))
      if (getElementTypeOrSelf(std::get<0>(pair)) !=
          getElementTypeOrSelf(std::get<1>(pair)))
        return emitOpError() << name << " output #" << i << " is "
                             << std::get<0>(pair) << ", but the result is "
                             << std::get<1>(pair);
  }
  return success();
}

LogicalResult IfOp::inferShapes() {
  if (failed(inferBlock(getThenBranch().front())) ||
      failed(inferBlock(getElseBranch().front())))
    return failure();
  YieldOp thenYield = getYield(getThenBranch());
  YieldOp elseYield = getYield(getElseBranch());
  if (!thenYield || !elseYield)
    return emitOpError() << "each branch must end in onnx.Yield";
  if (thenYield.getNumOperands() != getNumResults() ||
      elseYield.getNumOperands() != getNumResults())
    return emitOpError() << "the branches yield "
                         << thenYield.getNumOperands() << " and "
                         << elseYield.getNumOperands() << " values for "
                         << getNumResults() << " outputs";
  for (unsigned i = 0; i < getNumResults(); ++i) {
    Type a = thenYield.getOperand(i).getType();
    Type b = elseYield.getOperand(i).getType();
    Type joined = joinTypes(a, b);
    if (!joined)
      return emitOpError() << "output #" << i << " is " << a
                           << " in then_branch and " << b
                           << " in else_branch (element types differ)";
    getResult(i).setType(joined);
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Loop
//===----------------------------------------------------------------------===//

LogicalResult LoopOp::verifyStructure() {
  Block &body = getBody().front();
  unsigned n = getNumCarried();
  if (getNumResults() < n)
    return emitOpError() << "has " << n << " loop-carried values but only "
                         << getNumResults() << " outputs";
  if (body.getNumArguments() != 2 + n)
    return emitOpError() << "the body takes " << body.getNumArguments()
                         << " inputs; 2 + " << n
                         << " expected (iteration number, condition, the "
                            "loop-carried values)";
  Builder b(getContext());
  if (!isOneElementOf(body.getArgument(0).getType(), b.getI64Type()) ||
      !isOneElementOf(body.getArgument(1).getType(), b.getI1Type()))
    return emitOpError() << "the body's first two inputs must be an int64 "
                            "and a bool tensor of one element, got "
                         << body.getArgument(0).getType() << " and "
                         << body.getArgument(1).getType();
  for (Value v : {getM(), getCond()})
    if (auto type = getRankedType(v);
        type && type.hasStaticShape() && type.getNumElements() != 1)
      return emitOpError() << "M and cond must hold one element, got "
                           << type;
  YieldOp yield = getYield(getBody());
  if (!yield)
    return emitOpError() << "the body must end in onnx.Yield";
  if (yield.getNumOperands() != 1 + getNumResults())
    return emitOpError() << "the body yields " << yield.getNumOperands()
                         << " values; " << 1 + getNumResults()
                         << " expected (the condition, " << n
                         << " loop-carried values, "
                         << getNumResults() - n << " scan outputs)";
  if (auto cond = getRankedType(yield.getOperand(0));
      cond && (cond.getElementType() != b.getI1Type() ||
               (cond.hasStaticShape() && cond.getNumElements() != 1)))
    return emitOpError() << "the body's first output (the condition) must "
                            "be a bool tensor of one element, got "
                         << cond;
  return success();
}

LogicalResult LoopOp::verify() {
  if (failed(verifyStructure()))
    return failure();
  unsigned n = getNumCarried();
  for (unsigned i = 0; i < n; ++i)
    if (getElementTypeOrSelf(getVInitial()[i].getType()) !=
        getElementTypeOrSelf(getResult(i).getType()))
      return emitOpError() << "loop-carried value #" << i << " starts as "
                           << getVInitial()[i].getType()
                           << " but the result is " << getResult(i).getType();
  return success();
}

void LoopOp::initializeBodyArguments() {
  Block &body = getBody().front();
  if (body.getNumArguments() != 2 + getNumCarried())
    return;
  for (auto [i, value] : llvm::enumerate(getVInitial()))
    body.getArgument(2 + i).setType(value.getType());
}

LogicalResult LoopOp::inferShapes() {
  if (failed(verifyStructure()))
    return failure();
  initializeBodyArguments();
  Block &body = getBody().front();
  unsigned n = getNumCarried();
  if (failed(inferCarried(*this, body, 2, getVInitial(), 1,
                          "loop-carried value")))
    return failure();
  for (unsigned i = 0; i < n; ++i)
    getResult(i).setType(body.getArgument(2 + i).getType());

  // The scan outputs have one row per iteration: M of them when the loop
  // cannot stop early, else a number known only at run time.
  int64_t rows = kDynamic;
  auto yield = cast<YieldOp>(body.back());
  std::optional<SmallVector<int64_t>> tripCount = getConstantInts(getM());
  bool neverStops = (isNone(getCond()) || isConstantTrue(getCond())) &&
                    (yield.getOperand(0) == body.getArgument(1) ||
                     isConstantTrue(yield.getOperand(0)));
  if (tripCount && tripCount->size() == 1 && neverStops)
    rows = std::max<int64_t>(0, tripCount->front());
  for (unsigned k = 0; k < getNumScanOutputs(); ++k) {
    Value slice = yield.getOperand(1 + n + k);
    auto type = getRankedType(slice);
    if (!type) {
      setUnrankedResultType(*this, n + k, getElementType(slice));
      continue;
    }
    SmallVector<int64_t> shape{rows};
    llvm::append_range(shape, type.getShape());
    setResultType(*this, n + k, shape, type.getElementType());
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Scan
//===----------------------------------------------------------------------===//

LogicalResult ScanOp::verifyStructure() {
  int64_t m = getNumScanInputs();
  int64_t operands = getInitialStateAndScanInputs().size();
  if (m < 1 || m > operands)
    return emitOpError() << "num_scan_inputs is " << m
                         << "; it must be between 1 and the number of "
                            "operands, "
                         << operands;
  unsigned n = getNumStates();
  Block &body = getBody().front();
  if (body.getNumArguments() != operands)
    return emitOpError() << "the body takes " << body.getNumArguments()
                         << " inputs; " << operands << " expected (" << n
                         << " states, " << m << " scan input slices)";
  YieldOp yield = getYield(getBody());
  if (!yield)
    return emitOpError() << "the body must end in onnx.Yield";
  if (yield.getNumOperands() != getNumResults())
    return emitOpError() << "the body yields " << yield.getNumOperands()
                         << " values for " << getNumResults() << " outputs";
  if (getNumResults() < n)
    return emitOpError() << "has " << getNumResults() << " outputs for " << n
                         << " states";
  int64_t k = getNumScanOutputs();
  for (auto [name, values, count] :
       {std::tuple<StringRef, std::optional<ArrayRef<int64_t>>, int64_t>{
            "scan_input_axes", getScanInputAxes(), m},
        {"scan_input_directions", getScanInputDirections(), m},
        {"scan_output_axes", getScanOutputAxes(), k},
        {"scan_output_directions", getScanOutputDirections(), k}}) {
    if (!values)
      continue;
    if (static_cast<int64_t>(values->size()) != count)
      return emitOpError() << name << " has " << values->size()
                           << " entries; " << count << " expected";
    if (name.ends_with("directions"))
      for (int64_t d : *values)
        if (d != 0 && d != 1)
          return emitOpError() << name << " entries must be 0 (forward) or "
                                  "1 (reverse), got "
                               << d;
  }
  return success();
}

LogicalResult ScanOp::verify() {
  if (failed(verifyStructure()))
    return failure();
  unsigned n = getNumStates();
  for (unsigned i = 0; i < n; ++i)
    if (getElementTypeOrSelf(getInitialStateAndScanInputs()[i].getType()) !=
        getElementTypeOrSelf(getResult(i).getType()))
      return emitOpError() << "state #" << i << " starts as "
                           << getInitialStateAndScanInputs()[i].getType()
                           << " but the result is " << getResult(i).getType();
  return success();
}

int64_t ScanOp::getStaticLength() {
  ValueRange operands = getInitialStateAndScanInputs();
  if (getNumScanInputs() < 1 ||
      getNumScanInputs() > static_cast<int64_t>(operands.size()))
    return kDynamic;
  unsigned n = getNumStates();
  for (unsigned j = 0; j < operands.size() - n; ++j) {
    auto type = getRankedType(operands[n + j]);
    if (!type)
      continue;
    int64_t axis = getEntry(getScanInputAxes(), j, 0);
    if (axis < 0)
      axis += type.getRank();
    if (axis >= 0 && axis < type.getRank() && !type.isDynamicDim(axis))
      return type.getDimSize(axis);
  }
  return kDynamic;
}

LogicalResult ScanOp::initializeBodyArguments() {
  Block &body = getBody().front();
  ValueRange operands = getInitialStateAndScanInputs();
  int64_t m = getNumScanInputs();
  if (m < 1 || m > static_cast<int64_t>(operands.size()))
    return emitOpError() << "num_scan_inputs is " << m
                         << "; it must be between 1 and the number of "
                            "operands, "
                         << operands.size();
  if (body.getNumArguments() != operands.size())
    return emitOpError() << "the body takes " << body.getNumArguments()
                         << " inputs; " << operands.size() << " expected";
  unsigned n = getNumStates();
  for (unsigned i = 0; i < n; ++i)
    body.getArgument(i).setType(operands[i].getType());
  int64_t length = kDynamic;
  for (unsigned j = 0; j < operands.size() - n; ++j) {
    Value input = operands[n + j];
    auto type = getRankedType(input);
    BlockArgument arg = body.getArgument(n + j);
    if (!type) {
      arg.setType(UnrankedTensorType::get(getElementType(input)));
      continue;
    }
    FailureOr<int64_t> axis = normalizeAxis(
        *this, getEntry(getScanInputAxes(), j, 0), type.getRank(),
        "scan_input_axes");
    if (failed(axis))
      return failure();
    SmallVector<int64_t> shape(type.getShape());
    int64_t dim = shape[*axis];
    if (dim != kDynamic && length != kDynamic && dim != length)
      return emitOpError() << "the scan inputs have lengths " << length
                           << " and " << dim << " along their scan axes";
    if (dim != kDynamic)
      length = dim;
    shape.erase(shape.begin() + *axis);
    arg.setType(RankedTensorType::get(shape, type.getElementType()));
  }
  return success();
}

LogicalResult ScanOp::inferShapes() {
  if (failed(verifyStructure()) || failed(initializeBodyArguments()))
    return failure();
  Block &body = getBody().front();
  unsigned n = getNumStates();
  ValueRange operands = getInitialStateAndScanInputs();
  int64_t length = getStaticLength();
  if (failed(inferCarried(*this, body, 0, operands.take_front(n), 0,
                          "state")))
    return failure();
  for (unsigned i = 0; i < n; ++i)
    getResult(i).setType(body.getArgument(i).getType());
  auto yield = cast<YieldOp>(body.back());
  for (unsigned k = 0; k < getNumScanOutputs(); ++k) {
    Value slice = yield.getOperand(n + k);
    auto type = getRankedType(slice);
    if (!type) {
      setUnrankedResultType(*this, n + k, getElementType(slice));
      continue;
    }
    FailureOr<int64_t> axis =
        normalizeAxis(*this, getEntry(getScanOutputAxes(), k, 0),
                      type.getRank() + 1, "scan_output_axes");
    if (failed(axis))
      return failure();
    SmallVector<int64_t> shape(type.getShape());
    shape.insert(shape.begin() + *axis, length);
    setResultType(*this, n + k, shape, type.getElementType());
  }
  return success();
}

} // namespace onnxc::onnx_ir
