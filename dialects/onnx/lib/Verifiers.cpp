//===- Verifiers.cpp - Verifiers of onnx ops ------------------------------===//
//
// ODS checks operand counts and element types. These check the attribute
// constraints the ONNX spec states and that hold whatever the shapes are;
// shape-dependent checks live in the ops' inferShapes().
//
//===----------------------------------------------------------------------===//

#include "onnxc/Dialect/ONNX/ONNXOps.h"
#include "onnxc/Dialect/ONNX/ShapeUtils.h"

#include "llvm/ADT/StringExtras.h"

using namespace mlir;

namespace onnxc::onnx_ir {
namespace {

/// Checks that `axis` is valid for the ranked type of `v`, if it has one.
LogicalResult verifyAxis(Operation *op, Value v, int64_t axis,
                         bool allowRank = false) {
  auto type = getRankedType(v);
  if (!type)
    return success();
  int64_t rank = type.getRank() + (allowRank ? 1 : 0);
  if (axis < -rank || axis >= rank)
    return op->emitOpError() << "axis " << axis << " is out of range for rank "
                             << type.getRank();
  return success();
}

LogicalResult verifyAutoPad(Operation *op, StringRef autoPad) {
  if (autoPad != "NOTSET" && autoPad != "SAME_UPPER" &&
      autoPad != "SAME_LOWER" && autoPad != "VALID")
    return op->emitOpError() << "auto_pad must be NOTSET, SAME_UPPER, "
                                "SAME_LOWER or VALID, got '"
                             << autoPad << "'";
  return success();
}

template <typename RecurrentOp>
LogicalResult verifyRecurrent(RecurrentOp op) {
  StringRef direction = op.getDirection();
  if (direction != "forward" && direction != "reverse" &&
      direction != "bidirectional")
    return op.emitOpError() << "direction must be forward, reverse or "
                               "bidirectional, got '"
                            << direction << "'";
  if (op.getLayout() != 0 && op.getLayout() != 1)
    return op.emitOpError("layout must be 0 or 1");
  if (std::optional<int64_t> hidden = op.getHiddenSize(); hidden && *hidden <= 0)
    return op.emitOpError("hidden_size must be positive");
  return success();
}

} // namespace

LogicalResult ConcatOp::verify() {
  if (getInputs().empty())
    return emitOpError("needs at least one input");
  return verifyAxis(*this, getInputs()[0], getAxis());
}

LogicalResult ConstantOp::verify() {
  int count = (getValue() ? 1 : 0) + (getValueFloat() ? 1 : 0) +
              (getValueFloats() ? 1 : 0) + (getValueInt() ? 1 : 0) +
              (getValueInts() ? 1 : 0) + (getValueString() ? 1 : 0) +
              (getValueStrings() ? 1 : 0) + (getSparseValue() ? 1 : 0);
  if (count != 1)
    return emitOpError() << "must have exactly one value attribute, has "
                         << count;
  if (getValueString() || getValueStrings() || getSparseValue())
    return emitOpError("string and sparse constants are not supported");
  return success();
}

LogicalResult ConvOp::verify() {
  if (getGroup() <= 0)
    return emitOpError("group must be positive");
  return verifyAutoPad(*this, getAutoPad());
}

LogicalResult ConvTransposeOp::verify() {
  if (getGroup() <= 0)
    return emitOpError("group must be positive");
  return verifyAutoPad(*this, getAutoPad());
}

LogicalResult MaxPoolOp::verify() {
  if (getStorageOrder() != 0 && getStorageOrder() != 1)
    return emitOpError("storage_order must be 0 or 1");
  return verifyAutoPad(*this, getAutoPad());
}

LogicalResult AveragePoolOp::verify() {
  return verifyAutoPad(*this, getAutoPad());
}

LogicalResult EinsumOp::verify() {
  StringRef equation = getEquation();
  for (char c : equation)
    if (!llvm::isAlpha(c) && c != ',' && c != '-' && c != '>' && c != '.' &&
        c != ' ')
      return emitOpError() << "invalid character '" << c << "' in equation";
  if (getInputs().empty())
    return emitOpError("needs at least one input");
  return success();
}

LogicalResult FlattenOp::verify() {
  return verifyAxis(*this, getInput(), getAxis(), /*allowRank=*/true);
}

LogicalResult GatherOp::verify() {
  return verifyAxis(*this, getData(), getAxis());
}

LogicalResult GemmOp::verify() {
  for (Value v : {getA(), getB()})
    if (auto type = getRankedType(v); type && type.getRank() != 2)
      return emitOpError() << "A and B must be 2-D, got rank "
                           << type.getRank();
  return success();
}

LogicalResult LSTMOp::verify() { return verifyRecurrent(*this); }
LogicalResult GRUOp::verify() { return verifyRecurrent(*this); }
LogicalResult RNNOp::verify() { return verifyRecurrent(*this); }

LogicalResult SoftmaxOp::verify() {
  return verifyAxis(*this, getInput(), getAxis());
}
LogicalResult LogSoftmaxOp::verify() {
  return verifyAxis(*this, getInput(), getAxis());
}
LogicalResult HardmaxOp::verify() {
  return verifyAxis(*this, getInput(), getAxis());
}

LogicalResult CumSumOp::verify() {
  if (auto axis = getRankedType(getAxis()); axis && axis.getRank() > 1)
    return emitOpError("axis must be a scalar or 1-element tensor");
  return success();
}

LogicalResult TransposeOp::verify() {
  std::optional<ArrayRef<int64_t>> perm = getPerm();
  if (!perm)
    return success();
  SmallVector<bool> seen(perm->size(), false);
  for (int64_t p : *perm) {
    if (p < 0 || p >= static_cast<int64_t>(perm->size()) || seen[p])
      return emitOpError() << "perm is not a permutation of [0, "
                           << perm->size() << ")";
    seen[p] = true;
  }
  if (auto type = getRankedType(getData());
      type && type.getRank() != static_cast<int64_t>(perm->size()))
    return emitOpError() << "perm has " << perm->size()
                         << " entries for an input of rank "
                         << type.getRank();
  return success();
}

LogicalResult CastOp::verify() {
  if (!getElementTypeForDataType(getContext(), getTo()))
    return emitOpError() << "unsupported target data type " << getTo();
  return success();
}

LogicalResult LayerNormalizationOp::verify() {
  if (getStashType() != 1 && getStashType() != 0 && getStashType() != 11 &&
      getStashType() != 10 && getStashType() != 16)
    return emitOpError() << "unsupported stash_type " << getStashType();
  return verifyAxis(*this, getX(), getAxis());
}

LogicalResult SplitOp::verify() {
  if (getNumResults() == 0)
    return emitOpError("needs at least one output");
  if (std::optional<int64_t> n = getNumOutputs()) {
    if (!isNone(getSplit()))
      return emitOpError("split and num_outputs cannot both be given");
    if (*n != static_cast<int64_t>(getNumResults()))
      return emitOpError() << "num_outputs is " << *n << " but the op has "
                           << getNumResults() << " results";
  }
  return verifyAxis(*this, getInput(), getAxis());
}

/// The reductions the loss ops define.
static LogicalResult verifyLossReduction(Operation *op, StringRef reduction) {
  if (reduction != "none" && reduction != "sum" && reduction != "mean")
    return op->emitOpError() << "reduction must be none, sum or mean, got '"
                             << reduction << "'";
  return success();
}

LogicalResult NegativeLogLikelihoodLossOp::verify() {
  return verifyLossReduction(*this, getReduction());
}

LogicalResult SoftmaxCrossEntropyLossOp::verify() {
  return verifyLossReduction(*this, getReduction());
}

LogicalResult QuantizeLinearOp::verify() {
  if (getBlockSize() < 0)
    return emitOpError() << "block_size must be 0 or positive, got "
                         << getBlockSize();
  return success();
}

LogicalResult DequantizeLinearOp::verify() {
  if (getBlockSize() < 0)
    return emitOpError() << "block_size must be 0 or positive, got "
                         << getBlockSize();
  return success();
}

} // namespace onnxc::onnx_ir
