//===- DataDependent.cpp - Ops whose output size depends on input values --===//
//
// NonZero, and Compress with a condition known only at run time: the output
// is sized by a first pass that counts, then filled by a second that walks
// the input in row-major order (the order ONNX defines). The result's
// dynamic dim is allocated at run time and returned with its size
// (runtime ABI 3).
//
//   NonZero   count of x != 0 (NaN counts), then [rank, count] int64
//             coordinates ([1, count] for a scalar, as onnxruntime).
//   Compress  count of true among the first min(len(condition), n)
//             entries, the selected positions, then a gather along the
//             axis (or of the flattened input without one).
//
//===----------------------------------------------------------------------===//

#include "Common.h"
#include "ComputeTypes.h"
#include "IndexingUtils.h"

#include "onnxc/Conversion/Passes.h"
#include "onnxc/Dialect/ONNX/ONNXOps.h"
#include "onnxc/Dialect/ONNX/ShapeUtils.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"

using namespace mlir;
using namespace onnxc::onnx_ir;

namespace onnxc::linalg_lowering {
namespace {

/// Whether scalar `v` of tensor element type `element` is nonzero (NaN is).
Value isNonZero(OpBuilder &b, Location loc, Value v, Type element) {
  Type compute = getComputeType(element);
  v = toComputeType(b, loc, v, compute);
  if (isa<FloatType>(compute))
    return arith::CmpFOp::create(
        b, loc, arith::CmpFPredicate::UNE, v,
        arith::ConstantOp::create(b, loc, b.getFloatAttr(compute, 0.0)));
  return arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::ne, v,
      arith::ConstantOp::create(b, loc, b.getIntegerAttr(compute, 0)));
}

/// The sizes of `x`'s dims as index values.
SmallVector<Value> dimSizes(OpBuilder &b, Location loc, Value x) {
  auto type = cast<RankedTensorType>(x.getType());
  SmallVector<Value> sizes;
  for (int64_t d = 0; d < type.getRank(); ++d)
    sizes.push_back(tensor::DimOp::create(b, loc, x, d));
  return sizes;
}

/// Visits every element of `x` in row-major order, carrying `init`:
/// `body(builder, loc, coordinates, element, carried)` returns the next
/// carried values.
SmallVector<Value> forEachElement(
    OpBuilder &b, Location loc, Value x, ValueRange init,
    function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange, Value,
                                    ValueRange)>
        body) {
  auto type = cast<RankedTensorType>(x.getType());
  if (type.getRank() == 0) {
    Value element = tensor::ExtractOp::create(b, loc, x, ValueRange{});
    return body(b, loc, ValueRange{}, element, init);
  }
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  SmallVector<Value> lbs(type.getRank(), zero), steps(type.getRank(), one);
  scf::LoopNest nest = scf::buildLoopNest(
      b, loc, lbs, dimSizes(b, loc, x), steps, init,
      [&](OpBuilder &nb, Location nl, ValueRange ivs,
          ValueRange carried) -> scf::ValueVector {
        Value element = tensor::ExtractOp::create(nb, nl, x, ivs);
        return body(nb, nl, ivs, element, carried);
      });
  return nest.results;
}

/// NonZero: the coordinates of the nonzero elements, [rank, count] int64.
struct NonZeroLowering : OpConversionPattern<NonZeroOp> {
  NonZeroLowering(MLIRContext *ctx)
      : OpConversionPattern(ctx, /*benefit=*/2) {}
  LogicalResult
  matchAndRewrite(NonZeroOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value x = adaptor.getX();
    auto type = dyn_cast<RankedTensorType>(x.getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!type || !resultType || resultType.getRank() != 2)
      return rewriter.notifyMatchFailure(op, "ranked input only");
    Location loc = op.getLoc();
    Type element = type.getElementType();
    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    // Pass 1: the count.
    Value count =
        forEachElement(rewriter, loc, x, ValueRange{zero},
                       [&](OpBuilder &b, Location l, ValueRange, Value v,
                           ValueRange carried) -> SmallVector<Value> {
                         Value next = arith::AddIOp::create(b, l, carried[0], one);
                         return {arith::SelectOp::create(
                             b, l, isNonZero(b, l, v, element), next,
                             carried[0])};
                       })[0];
    // Pass 2: each nonzero element's coordinates into column `count`.
    // A scalar is read as a 1-element vector (coordinate 0), as
    // onnxruntime does.
    int64_t rank = type.getRank();
    int64_t rows = std::max<int64_t>(rank, 1);
    SmallVector<Value> sizes;
    if (resultType.isDynamicDim(0))
      sizes.push_back(arith::ConstantIndexOp::create(rewriter, loc, rows));
    sizes.push_back(count);
    Value init = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                         resultType.getElementType(), sizes);
    Value result =
        forEachElement(
            rewriter, loc, x, ValueRange{init, zero},
            [&](OpBuilder &b, Location l, ValueRange ivs, Value v,
                ValueRange carried) -> SmallVector<Value> {
              auto branch = scf::IfOp::create(
                  b, l, isNonZero(b, l, v, element),
                  [&](OpBuilder &t, Location tl) {
                    Value out = carried[0];
                    for (int64_t d = 0; d < rows; ++d) {
                      Value coordinate =
                          rank == 0
                              ? Value(arith::ConstantIntOp::create(t, tl, 0, 64))
                              : Value(arith::IndexCastOp::create(
                                    t, tl, t.getI64Type(), ivs[d]));
                      Value row = arith::ConstantIndexOp::create(t, tl, d);
                      out = tensor::InsertOp::create(
                          t, tl, coordinate, out, ValueRange{row, carried[1]});
                    }
                    Value next =
                        arith::AddIOp::create(t, tl, carried[1], one);
                    scf::YieldOp::create(t, tl, ValueRange{out, next});
                  },
                  [&](OpBuilder &e, Location el) {
                    scf::YieldOp::create(e, el, carried);
                  });
              return {branch.getResult(0), branch.getResult(1)};
            })[0];
    if (result.getType() != resultType)
      result = tensor::CastOp::create(rewriter, loc, resultType, result);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Compress with a condition known only at run time, or without an axis.
struct RunTimeCompressLowering : OpConversionPattern<CompressOp> {
  RunTimeCompressLowering(MLIRContext *ctx)
      : OpConversionPattern(ctx, /*benefit=*/2) {}
  LogicalResult
  matchAndRewrite(CompressOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    // A constant condition along an axis has its own lowering (sizes known
    // at compile time).
    if (op.getAxis() && getConstantInts(op.getCondition()))
      return rewriter.notifyMatchFailure(op, "constant condition");
    Value input = adaptor.getInput();
    Value condition = adaptor.getCondition();
    auto inputType = dyn_cast<RankedTensorType>(input.getType());
    auto conditionType = dyn_cast<RankedTensorType>(condition.getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!inputType || !conditionType || conditionType.getRank() != 1 ||
        !resultType)
      return rewriter.notifyMatchFailure(op, "ranked tensors only");
    Location loc = op.getLoc();
    // Without an axis, the input is read flattened.
    int64_t axis = 0;
    if (op.getAxis()) {
      axis = *op.getAxis() < 0 ? *op.getAxis() + inputType.getRank()
                               : *op.getAxis();
    } else if (inputType.getRank() != 1) {
      SmallVector<ReassociationIndices> all(1);
      for (int64_t d = 0; d < inputType.getRank(); ++d)
        all[0].push_back(d);
      input = tensor::CollapseShapeOp::create(rewriter, loc, input, all);
      inputType = cast<RankedTensorType>(input.getType());
    }
    if (inputType.getRank() == 0 || resultType.getRank() != inputType.getRank())
      return rewriter.notifyMatchFailure(op, "result rank differs");
    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    // Entries past the axis are ignored (ONNX allows a shorter condition).
    Value length = arith::MinUIOp::create(
        rewriter, loc, tensor::DimOp::create(rewriter, loc, condition, 0),
        tensor::DimOp::create(rewriter, loc, input, axis));
    auto selected = [&](OpBuilder &b, Location l, Value i) {
      Value c = tensor::ExtractOp::create(b, l, condition, ValueRange{i});
      return isNonZero(b, l, c, conditionType.getElementType());
    };
    auto countLoop = scf::ForOp::create(
        rewriter, loc, zero, length, one, ValueRange{zero},
        [&](OpBuilder &b, Location l, Value i, ValueRange carried) {
          Value next = arith::AddIOp::create(b, l, carried[0], one);
          scf::YieldOp::create(
              b, l,
              ValueRange{arith::SelectOp::create(b, l, selected(b, l, i),
                                                 next, carried[0])});
        });
    Value count = countLoop.getResult(0);
    auto positionsType =
        RankedTensorType::get({ShapedType::kDynamic}, rewriter.getI64Type());
    Value positions = tensor::EmptyOp::create(
        rewriter, loc, positionsType.getShape(), rewriter.getI64Type(),
        ValueRange{count});
    auto fill = scf::ForOp::create(
        rewriter, loc, zero, length, one, ValueRange{positions, zero},
        [&](OpBuilder &b, Location l, Value i, ValueRange carried) {
          auto branch = scf::IfOp::create(
              b, l, selected(b, l, i),
              [&](OpBuilder &t, Location tl) {
                Value at = arith::IndexCastOp::create(t, tl, t.getI64Type(), i);
                Value out = tensor::InsertOp::create(t, tl, at, carried[0],
                                                     ValueRange{carried[1]});
                scf::YieldOp::create(
                    t, tl,
                    ValueRange{out, arith::AddIOp::create(t, tl, carried[1], one)});
              },
              [&](OpBuilder &e, Location el) {
                scf::YieldOp::create(e, el, carried);
              });
          scf::YieldOp::create(b, l, branch.getResults());
        });
    positions = fill.getResult(0);
    // The gather: the result has the input's dims but `count` on the axis.
    int64_t rank = inputType.getRank();
    SmallVector<int64_t> shape(inputType.getShape());
    shape[axis] = ShapedType::kDynamic;
    auto gatheredType =
        RankedTensorType::get(shape, inputType.getElementType());
    SmallVector<Value> sizes;
    for (int64_t d = 0; d < rank; ++d)
      if (gatheredType.isDynamicDim(d))
        sizes.push_back(d == axis ? count
                                  : tensor::DimOp::create(rewriter, loc,
                                                          input, d)
                                        .getResult());
    MLIRContext *ctx = rewriter.getContext();
    Value result = buildParallelGeneric(
        rewriter, loc, gatheredType, positions,
        AffineMap::get(rank, 0, getAffineDimExpr(axis, ctx)),
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          SmallVector<Value> coords = loopIndices(b, l, rank);
          coords[axis] =
              arith::IndexCastOp::create(b, l, b.getIndexType(), args[0]);
          return tensor::ExtractOp::create(b, l, input, coords);
        },
        sizes);
    if (result.getType() != resultType)
      result = tensor::CastOp::create(rewriter, loc, resultType, result);
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateONNXDataDependentToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<NonZeroLowering, RunTimeCompressLowering>(
      patterns.getContext());
}

} // namespace onnxc::linalg_lowering
