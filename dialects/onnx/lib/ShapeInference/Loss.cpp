//===- Loss.cpp - Shape inference of the loss ops -------------------------===//
//
// NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss share one form:
// class scores (N, C, d1, ..., dk), labels (N, d1, ..., dk) and optional
// per-class weights (C). The loss is (N, d1, ..., dk) with reduction "none",
// a scalar otherwise.
//
//===----------------------------------------------------------------------===//

#include "onnxc/Dialect/ONNX/ONNXOps.h"
#include "onnxc/Dialect/ONNX/ShapeUtils.h"

using namespace mlir;

namespace onnxc::onnx_ir {
namespace {

/// Checks the scores/labels/weights shapes and sets result 0 (the loss).
LogicalResult inferLossShape(Operation *op, Value scores, Value labels,
                             Value weights, StringRef reduction) {
  Type element = getElementType(scores);
  auto scoresType = getRankedType(scores);
  auto labelsType = getRankedType(labels);
  if (scoresType && scoresType.getRank() < 2)
    return op->emitOpError() << "the scores must have rank 2 or more "
                                "(N, C, d1, ..., dk), got rank "
                             << scoresType.getRank();
  if (scoresType && labelsType) {
    if (labelsType.getRank() != scoresType.getRank() - 1)
      return op->emitOpError()
             << "the labels must have rank " << scoresType.getRank() - 1
             << " (N, d1, ..., dk) for scores of rank " << scoresType.getRank()
             << ", got rank " << labelsType.getRank();
    for (int64_t d = 0; d < labelsType.getRank(); ++d) {
      int64_t s = scoresType.getDimSize(d == 0 ? 0 : d + 1);
      int64_t l = labelsType.getDimSize(d);
      if (s != kDynamic && l != kDynamic && s != l)
        return op->emitOpError()
               << "labels dim " << d << " is " << l << " but scores dim "
               << (d == 0 ? 0 : d + 1) << " is " << s;
    }
  }
  if (auto weightsType = getRankedType(weights)) {
    if (weightsType.getRank() != 1)
      return op->emitOpError() << "the weights must be 1-D (C), got rank "
                               << weightsType.getRank();
    if (scoresType && !scoresType.isDynamicDim(1) &&
        !weightsType.isDynamicDim(0) &&
        weightsType.getDimSize(0) != scoresType.getDimSize(1))
      return op->emitOpError()
             << "the weights have " << weightsType.getDimSize(0)
             << " elements for " << scoresType.getDimSize(1) << " classes";
  }
  if (reduction != "none") {
    setResultType(op, 0, {}, element);
    return success();
  }
  if (labelsType)
    setResultType(op, 0, labelsType.getShape(), element);
  else if (scoresType) {
    SmallVector<int64_t> shape(scoresType.getShape());
    shape.erase(shape.begin() + 1);
    setResultType(op, 0, shape, element);
  } else {
    setUnrankedResultType(op, 0, element);
  }
  return success();
}

} // namespace

LogicalResult NegativeLogLikelihoodLossOp::inferShapes() {
  return inferLossShape(*this, getInput(), getTarget(), getWeight(),
                        getReduction());
}

LogicalResult SoftmaxCrossEntropyLossOp::inferShapes() {
  if (failed(inferLossShape(*this, getScores(), getLabels(), getWeights(),
                            getReduction())))
    return failure();
  if (!isNone(getLogProb()))
    getLogProb().setType(getScores().getType());
  return success();
}

} // namespace onnxc::onnx_ir
