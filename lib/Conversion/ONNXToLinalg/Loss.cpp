//===- Loss.cpp - NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss ---===//
//
// NegativeLogLikelihoodLoss of log-probabilities x (N, C, d1..dk), labels
// t (N, d1..dk) and optional class weights w (C):
//
//   loss[n, d] = -x[n, t[n, d], d] * w[t[n, d]]   (0 where t == ignore_index)
//
// is one parallel linalg.generic over the labels that gathers the labelled
// class with tensor.extract and also yields the weight each element counts
// with (w[t], 1 without weights, 0 when ignored). reduction = "sum" adds the
// losses, "mean" divides that sum by the sum of the weights (onnxruntime's and
// the ONNX reference's weighted mean), both reducing to a 0-d tensor in one
// generic. Everything accumulates in f32 for f16/bf16. A label outside
// [0, C) that is not ignore_index is invalid input (onnxruntime reports an
// error): its loss is NaN, so that it poisons a reduction visibly instead of
// reading out of bounds.
//
// SoftmaxCrossEntropyLoss is the same loss over LogSoftmax(scores, axis 1),
// whose tensor is also the optional log_prob result.
//
//===----------------------------------------------------------------------===//

#include "Common.h"
#include "IndexingUtils.h"

#include "onnxc/Conversion/Passes.h"
#include "onnxc/Dialect/ONNX/ONNXOps.h"
#include "onnxc/Dialect/ONNX/ShapeUtils.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace onnxc::onnx_ir;

namespace onnxc::linalg_lowering {
namespace {

/// The loss of `logProb` (N, C, d...) against `labels` (N, d...), weighted
/// by `weights` (C) or a null Value, reduced as `reduction` says; of
/// `resultType`. Emits the run-time checks that dims only known at run time
/// agree. Fails (with a reason) for shapes no labels can index.
FailureOr<Value> buildNegativeLogLikelihood(
    ConversionPatternRewriter &rewriter, Operation *op, Value logProb,
    Value labels, Value weights, std::optional<int64_t> ignoreIndex,
    StringRef reduction, Type resultType) {
  Location loc = op->getLoc();
  auto xType = dyn_cast<RankedTensorType>(logProb.getType());
  auto labelsType = dyn_cast<RankedTensorType>(labels.getType());
  auto result = dyn_cast<RankedTensorType>(resultType);
  if (!xType || !labelsType || !result ||
      labelsType.getRank() != xType.getRank() - 1)
    return rewriter.notifyMatchFailure(op, "unranked or mismatched operands");
  int64_t rank = labelsType.getRank();
  if (xType.getDimSize(1) == 0 && labelsType.getNumElements() != 0)
    return failOutOfBoundsShapes(op, "there are no classes (C = 0) to label",
                                 rewriter);

  // Run-time agreement of the dims that are only known at run time.
  for (int64_t d = 0; d < rank; ++d) {
    int64_t xd = d == 0 ? 0 : d + 1;
    emitDimCheck(rewriter, loc, op,
                 tensor::getMixedSize(rewriter, loc, labels, d),
                 tensor::getMixedSize(rewriter, loc, logProb, xd),
                 "labels dim " + Twine(d) + " differs from scores dim " +
                     Twine(xd));
  }
  OpFoldResult classes = tensor::getMixedSize(rewriter, loc, logProb, 1);
  Value numClasses = getValueOrCreateConstantIndexOp(rewriter, loc, classes);
  if (xType.isDynamicDim(1))
    emitCheck(rewriter, loc, op,
              arith::CmpIOp::create(
                  rewriter, loc, arith::CmpIPredicate::sgt, numClasses,
                  arith::ConstantIndexOp::create(rewriter, loc, 0)),
              "there are no classes (C = 0) to label");
  if (weights)
    emitDimCheck(rewriter, loc, op,
                 tensor::getMixedSize(rewriter, loc, weights, 0), classes,
                 "the weights' length differs from the number of classes C");

  Type element = xType.getElementType();
  Type acc = accumulatorType(rewriter, element);
  auto accType = RankedTensorType::get(labelsType.getShape(), acc);
  MLIRContext *ctx = rewriter.getContext();
  AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
  Value empty = emptyLike(rewriter, loc, accType, labels);
  auto generic = linalg::GenericOp::create(
      rewriter, loc, TypeRange{accType, accType}, ValueRange{labels},
      ValueRange{empty, empty}, SmallVector<AffineMap>(3, identity),
      SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
      [&](OpBuilder &b, Location l, ValueRange args) {
        Value label = args[0];
        Type labelType = label.getType();
        Value zero = scalarConstant(b, l, acc, 0.0);
        Value one = scalarConstant(b, l, acc, 1.0);
        Value c = arith::IndexCastOp::create(b, l, b.getIndexType(), label);
        Value cZero = arith::ConstantIndexOp::create(b, l, 0);
        Value inRange = arith::AndIOp::create(
            b, l,
            arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge, c, cZero),
            arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, c,
                                  numClasses));
        Value safeClass = arith::SelectOp::create(b, l, inRange, c, cZero);
        SmallVector<Value> coords = loopIndices(b, l, rank);
        SmallVector<Value> xCoords = {coords[0], safeClass};
        xCoords.append(coords.begin() + 1, coords.end());
        Value x = tensor::ExtractOp::create(b, l, logProb, xCoords);
        if (x.getType() != acc)
          x = arith::ExtFOp::create(b, l, acc, x);
        Value w = one;
        if (weights) {
          w = tensor::ExtractOp::create(b, l, weights, ValueRange{safeClass});
          if (w.getType() != acc)
            w = arith::ExtFOp::create(b, l, acc, w);
        }
        Value loss = arith::NegFOp::create(b, l, arith::MulFOp::create(b, l, x, w));
        Value nan = scalarConstant(b, l, acc, std::nan(""));
        loss = arith::SelectOp::create(b, l, inRange, loss, nan);
        if (ignoreIndex) {
          Value ignored = arith::CmpIOp::create(
              b, l, arith::CmpIPredicate::eq, label,
              arith::ConstantOp::create(
                  b, l, b.getIntegerAttr(labelType, *ignoreIndex)));
          loss = arith::SelectOp::create(b, l, ignored, zero, loss);
          w = arith::SelectOp::create(b, l, ignored, zero, w);
        }
        linalg::YieldOp::create(b, l, ValueRange{loss, w});
      });
  Value losses = generic.getResult(0), counted = generic.getResult(1);

  auto round = [&](OpBuilder &b, Location l, Value v) -> Value {
    return v.getType() == element ? v
                                  : Value(arith::TruncFOp::create(b, l, element, v));
  };
  if (reduction == "none") {
    Value out = losses;
    if (acc != element) {
      SmallVector<Value> sizes;
      for (int64_t d = 0; d < rank; ++d)
        if (labelsType.isDynamicDim(d))
          sizes.push_back(tensor::DimOp::create(rewriter, loc, labels, d));
      out = buildParallelGeneric(
          rewriter, loc, RankedTensorType::get(labelsType.getShape(), element),
          losses, {identity},
          [&](OpBuilder &b, Location l, ValueRange args) {
            return round(b, l, args[0]);
          },
          sizes);
    }
    if (out.getType() != result)
      out = tensor::CastOp::create(rewriter, loc, result, out);
    return out;
  }

  // Both sums in one reduction to 0-d tensors.
  auto scalarAcc = RankedTensorType::get({}, acc);
  Value zeroInit =
      filledTensor(rewriter, loc, scalarAcc, rewriter.getFloatAttr(acc, 0.0));
  AffineMap toScalar = AffineMap::get(rank, 0, {}, ctx);
  auto sums = linalg::GenericOp::create(
      rewriter, loc, TypeRange{scalarAcc, scalarAcc},
      ValueRange{losses, counted}, ValueRange{zeroInit, zeroInit},
      SmallVector<AffineMap>{identity, identity, toScalar, toScalar},
      SmallVector<utils::IteratorType>(rank, utils::IteratorType::reduction),
      [&](OpBuilder &b, Location l, ValueRange args) {
        linalg::YieldOp::create(
            b, l,
            ValueRange{arith::AddFOp::create(b, l, args[2], args[0]),
                       arith::AddFOp::create(b, l, args[3], args[1])});
      });
  bool mean = reduction == "mean";
  auto scalarType = RankedTensorType::get({}, element);
  Value out = buildParallelGeneric(
      rewriter, loc, scalarType, sums.getResults(),
      {AffineMap::get(0, 0, {}, ctx), AffineMap::get(0, 0, {}, ctx)},
      [&](OpBuilder &b, Location l, ValueRange args) {
        Value v = mean ? Value(arith::DivFOp::create(b, l, args[0], args[1]))
                       : args[0];
        return round(b, l, v);
      });
  if (out.getType() != result)
    out = tensor::CastOp::create(rewriter, loc, result, out);
  return out;
}

/// `v` unless it is an absent optional operand (none), then a null Value.
Value optionalOperand(Value v) { return isNone(v) ? Value() : v; }

struct NegativeLogLikelihoodLossLowering
    : OpConversionPattern<NegativeLogLikelihoodLossOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(NegativeLogLikelihoodLossOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    FailureOr<Value> loss = buildNegativeLogLikelihood(
        rewriter, op, adaptor.getInput(), adaptor.getTarget(),
        optionalOperand(adaptor.getWeight()), op.getIgnoreIndex(),
        op.getReduction(), op.getLoss().getType());
    if (failed(loss))
      return failure();
    rewriter.replaceOp(op, *loss);
    return success();
  }
};

struct SoftmaxCrossEntropyLossLowering
    : OpConversionPattern<SoftmaxCrossEntropyLossOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SoftmaxCrossEntropyLossOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto scoresType = dyn_cast<RankedTensorType>(adaptor.getScores().getType());
    if (!scoresType || scoresType.getRank() < 2)
      return rewriter.notifyMatchFailure(op, "unranked scores");
    Value logProb = buildSoftmax(rewriter, op.getLoc(), adaptor.getScores(),
                                 /*axis=*/1, /*isLog=*/true);
    FailureOr<Value> loss = buildNegativeLogLikelihood(
        rewriter, op, logProb, adaptor.getLabels(),
        optionalOperand(adaptor.getWeights()), op.getIgnoreIndex(),
        op.getReduction(), op.getOutput().getType());
    if (failed(loss))
      return failure();
    Value logProbResult;
    if (!isNone(op.getLogProb())) {
      logProbResult = logProb;
      if (logProb.getType() != op.getLogProb().getType())
        logProbResult = tensor::CastOp::create(
            rewriter, op.getLoc(), op.getLogProb().getType(), logProb);
    }
    rewriter.replaceOp(op, {*loss, logProbResult});
    return success();
  }
};

} // namespace

void populateONNXLossToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<NegativeLogLikelihoodLossLowering,
               SoftmaxCrossEntropyLossLowering>(patterns.getContext());
}

} // namespace onnxc::linalg_lowering
