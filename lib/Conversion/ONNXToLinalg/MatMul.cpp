//===- MatMul.cpp - MatMul and Gemm to linalg -----------------------------===//
//
// 2-D MatMul becomes linalg.matmul and equal-batch 3-D linalg.batch_matmul;
// other ranks (numpy broadcasting of batch dims, 1-D operands) become one
// contraction linalg.generic. Gemm's transposes are folded into the
// contraction's indexing maps, then alpha and beta * C are applied in one
// elementwise epilogue. f16/bf16 accumulate in f32, unsigned integers in the
// signless type of their width (as a generic: the named ops would read them
// as signed).
//
//===----------------------------------------------------------------------===//

#include "Common.h"
#include "ComputeTypes.h"

#include "onnxc/Conversion/Passes.h"
#include "onnxc/Dialect/ONNX/Locations.h"
#include "onnxc/Dialect/ONNX/ONNXOps.h"
#include "onnxc/Dialect/ONNX/ShapeUtils.h"

#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"

using namespace mlir;
using namespace onnxc::onnx_ir;
using namespace onnxc::linalg_lowering;

namespace onnxc {
namespace {

/// Adds `lhs * rhs` into the block's accumulator argument.
void multiplyAccumulate(OpBuilder &b, Location loc, ValueRange args) {
  Type accType = args[2].getType();
  Value lhs = toComputeType(b, loc, args[0], accType);
  Value rhs = toComputeType(b, loc, args[1], accType);
  Value sum = isa<FloatType>(accType)
                  ? Value(arith::AddFOp::create(
                        b, loc, args[2], arith::MulFOp::create(b, loc, lhs, rhs)))
                  : Value(arith::AddIOp::create(
                        b, loc, args[2], arith::MulIOp::create(b, loc, lhs, rhs)));
  linalg::YieldOp::create(b, loc, sum);
}

struct MatMulLowering : OpConversionPattern<MatMulOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value a = adaptor.getA(), b = adaptor.getB();
    auto aType = dyn_cast<RankedTensorType>(a.getType());
    auto bType = dyn_cast<RankedTensorType>(b.getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!aType || !bType || !resultType ||
        !isSupportedElement(resultType.getElementType()))
      return rewriter.notifyMatchFailure(op, "unsupported types");
    Type accType = accumulatorType(rewriter, resultType.getElementType());

    // Promote 1-D operands to matrices; the added dims are dropped at the end.
    auto promote = [&](Value v, RankedTensorType type, bool front) -> Value {
      if (type.getRank() != 1)
        return v;
      SmallVector<int64_t> shape =
          front ? SmallVector<int64_t>{1, type.getDimSize(0)}
                : SmallVector<int64_t>{type.getDimSize(0), 1};
      return tensor::ExpandShapeOp::create(
          rewriter, loc, RankedTensorType::get(shape, type.getElementType()), v,
          SmallVector<ReassociationIndices>{{0, 1}});
    };
    a = promote(a, aType, /*front=*/true);
    b = promote(b, bType, /*front=*/false);
    aType = cast<RankedTensorType>(a.getType());
    bType = cast<RankedTensorType>(b.getType());
    int64_t aBatch = aType.getRank() - 2, bBatch = bType.getRank() - 2;
    int64_t batch = std::max(aBatch, bBatch);

    // Full result shape [batch..., M, N] and its dynamic sizes.
    SmallVector<int64_t> shape;
    SmallVector<Value> sizes;
    for (int64_t d = 0; d < batch; ++d) {
      int64_t ia = d - (batch - aBatch), ib = d - (batch - bBatch);
      int64_t da = ia >= 0 ? aType.getDimSize(ia) : 1;
      int64_t db = ib >= 0 ? bType.getDimSize(ib) : 1;
      int64_t size = da == 1 ? db : da;
      shape.push_back(size);
      if (ShapedType::isDynamic(size))
        sizes.push_back(da == 1 ? tensor::DimOp::create(rewriter, loc, b, ib)
                                : tensor::DimOp::create(rewriter, loc, a, ia));
    }
    shape.push_back(aType.getDimSize(aType.getRank() - 2));
    if (ShapedType::isDynamic(shape.back()))
      sizes.push_back(tensor::DimOp::create(rewriter, loc, a, aType.getRank() - 2));
    shape.push_back(bType.getDimSize(bType.getRank() - 1));
    if (ShapedType::isDynamic(shape.back()))
      sizes.push_back(tensor::DimOp::create(rewriter, loc, b, bType.getRank() - 1));
    auto fullType = RankedTensorType::get(shape, accType);
    Value acc = zeroAccumulator(rewriter, loc, shape, accType, sizes);

    // Dims known only at run time must agree: the inner ones, and batch
    // dims where neither side is statically 1.
    auto sizeOf = [&](Value v, RankedTensorType type, int64_t i) {
      return type.isDynamicDim(i)
                 ? OpFoldResult(tensor::DimOp::create(rewriter, loc, v, i)
                                    .getResult())
                 : OpFoldResult(rewriter.getIndexAttr(type.getDimSize(i)));
    };
    emitDimCheck(rewriter, loc, op, sizeOf(a, aType, aType.getRank() - 1),
                 sizeOf(b, bType, bType.getRank() - 2),
                 "the inner dims of A and B differ at run time");
    for (int64_t d = 0; d < batch; ++d) {
      int64_t ia = d - (batch - aBatch), ib = d - (batch - bBatch);
      if (ia < 0 || ib < 0 || aType.getDimSize(ia) == 1 ||
          bType.getDimSize(ib) == 1)
        continue;
      emitDimCheck(rewriter, loc, op, sizeOf(a, aType, ia),
                   sizeOf(b, bType, ib),
                   "batch dim " + Twine(d) +
                       " of A and B differs at run time (dynamic dims must "
                       "be equal; one that broadcasts from 1 is not "
                       "supported)");
    }

    Value product;
    bool isUnsigned = resultType.getElementType().isUnsignedInteger();
    if (aType.getRank() == 2 && bType.getRank() == 2 && !isUnsigned) {
      product = linalg::MatmulOp::create(rewriter, loc, TypeRange{fullType},
                                         ValueRange{a, b}, ValueRange{acc})
                    .getResult(0);
    } else if (aType.getRank() == 3 && bType.getRank() == 3 &&
               aType.getDimSize(0) == bType.getDimSize(0) &&
               !aType.isDynamicDim(0) && !isUnsigned) {
      product = linalg::BatchMatmulOp::create(rewriter, loc, TypeRange{fullType},
                                              ValueRange{a, b}, ValueRange{acc})
                    .getResult(0);
    } else {
      // Loops: batch..., m, n, k.
      int64_t loops = batch + 3;
      MLIRContext *ctx = rewriter.getContext();
      auto dim = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
      auto operandMap = [&](RankedTensorType type, int64_t ownBatch,
                            AffineExpr row, AffineExpr col) {
        SmallVector<AffineExpr> exprs;
        for (int64_t i = 0; i < ownBatch; ++i) {
          int64_t d = i + batch - ownBatch;
          bool broadcast = type.getDimSize(i) == 1 && shape[d] != 1;
          exprs.push_back(broadcast ? getAffineConstantExpr(0, ctx) : dim(d));
        }
        exprs.push_back(row);
        exprs.push_back(col);
        return AffineMap::get(loops, 0, exprs, ctx);
      };
      SmallVector<AffineExpr> outExprs;
      for (int64_t d = 0; d < batch + 2; ++d)
        outExprs.push_back(dim(d));
      SmallVector<AffineMap> maps = {
          operandMap(aType, aBatch, dim(batch), dim(batch + 2)),
          operandMap(bType, bBatch, dim(batch + 2), dim(batch + 1)),
          AffineMap::get(loops, 0, outExprs, ctx)};
      SmallVector<utils::IteratorType> iterators(loops - 1,
                                                 utils::IteratorType::parallel);
      iterators.push_back(utils::IteratorType::reduction);
      product = linalg::GenericOp::create(rewriter, loc, fullType,
                                          ValueRange{a, b}, acc, maps, iterators,
                                          multiplyAccumulate)
                    .getResult(0);
    }
    product = castTensor(rewriter, loc, product,
                         RankedTensorType::get(shape, resultType.getElementType()));
    if (static_cast<int64_t>(shape.size()) != resultType.getRank()) {
      // Drop the dims added for 1-D operands by merging them into a neighbour.
      SmallVector<ReassociationIndices> groups;
      int64_t full = shape.size();
      for (int64_t d = 0; d < resultType.getRank(); ++d)
        groups.push_back({d});
      if (groups.empty())
        groups.push_back({});
      for (int64_t d = resultType.getRank(); d < full; ++d)
        groups.back().push_back(d);
      if (resultType.getRank() == 0)
        groups.clear();
      product = tensor::CollapseShapeOp::create(rewriter, loc, resultType,
                                                product, groups);
    }
    rewriter.replaceOp(op, product);
    return success();
  }
};

struct GemmLowering : OpConversionPattern<GemmOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GemmOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    Value a = adaptor.getA(), b = adaptor.getB();
    auto aType = dyn_cast<RankedTensorType>(a.getType());
    auto bType = dyn_cast<RankedTensorType>(b.getType());
    if (!resultType || !aType || !bType || resultType.getRank() != 2 ||
        aType.getRank() != 2 || bType.getRank() != 2 ||
        !isSupportedElement(resultType.getElementType()))
      return rewriter.notifyMatchFailure(op, "unsupported types");
    // Dims known only at run time: M from A, N from B, and A's K must be
    // B's.
    int64_t aM = op.getTransA() ? 1 : 0, bN = op.getTransB() ? 0 : 1;
    emitDimCheck(rewriter, loc, op, tensor::getMixedSize(rewriter, loc, a, 1 - aM),
                 tensor::getMixedSize(rewriter, loc, b, 1 - bN),
                 "the inner dims (K) of A and B differ at run time");
    SmallVector<OpFoldResult> outSizes = {
        tensor::getMixedSize(rewriter, loc, a, aM),
        tensor::getMixedSize(rewriter, loc, b, bN)};
    SmallVector<Value> sizes;
    for (int64_t d = 0; d < 2; ++d) {
      if (resultType.isDynamicDim(d))
        sizes.push_back(
            getValueOrCreateConstantIndexOp(rewriter, loc, outSizes[d]));
      else
        emitDimCheck(rewriter, loc, op, outSizes[d],
                     rewriter.getIndexAttr(resultType.getDimSize(d)),
                     "output dim " + Twine(d) + " differs from its inferred "
                     "size " + Twine(resultType.getDimSize(d)) +
                     " at run time");
    }
    Type element = resultType.getElementType();
    Type accType = accumulatorType(rewriter, element);
    MLIRContext *ctx = rewriter.getContext();
    AffineExpr m = getAffineDimExpr(0, ctx), n = getAffineDimExpr(1, ctx),
               k = getAffineDimExpr(2, ctx);
    SmallVector<AffineMap> maps = {
        AffineMap::get(3, 0, op.getTransA() ? ArrayRef<AffineExpr>{k, m}
                                            : ArrayRef<AffineExpr>{m, k}, ctx),
        AffineMap::get(3, 0, op.getTransB() ? ArrayRef<AffineExpr>{n, k}
                                            : ArrayRef<AffineExpr>{k, n}, ctx),
        AffineMap::get(3, 0, {m, n}, ctx)};
    SmallVector<utils::IteratorType> iterators = {
        utils::IteratorType::parallel, utils::IteratorType::parallel,
        utils::IteratorType::reduction};
    auto accTensor = RankedTensorType::get(resultType.getShape(), accType);
    Value acc =
        zeroAccumulator(rewriter, loc, resultType.getShape(), accType, sizes);
    Value product =
        linalg::GenericOp::create(rewriter, loc, accTensor, ValueRange{a, b}, acc,
                                  maps, iterators, multiplyAccumulate)
            .getResult(0);

    // Epilogue: alpha * product + beta * C, in the accumulator type.
    float alpha = op.getAlpha().convertToFloat();
    float beta = op.getBeta().convertToFloat();
    Value c = adaptor.getC();
    bool hasC = !isa<NoneType>(c.getType()) && beta != 0.0f;
    SmallVector<Value> inputs = {product};
    SmallVector<AffineMap> epilogueMaps = {rewriter.getMultiDimIdentityMap(2)};
    // C broadcasts unidirectionally to [M, N]. A dim of C known only at
    // run time may be 1 or the result's: the check allows both, and the
    // epilogue reads C by tensor.extract at index 0 or the result's index,
    // chosen at run time (C is a bias: small, read once per element).
    SmallVector<Value> cIsOne;
    bool extractC = false;
    if (hasC) {
      auto cType = cast<RankedTensorType>(c.getType());
      extractC = !cType.hasStaticShape();
      for (int64_t i = 0; i < cType.getRank(); ++i) {
        int64_t d = i + 2 - cType.getRank();
        if (!cType.isDynamicDim(i)) {
          cIsOne.push_back(Value());
          if (cType.getDimSize(i) != 1)
            emitDimCheck(rewriter, loc, op, rewriter.getIndexAttr(
                                                cType.getDimSize(i)),
                         outSizes[d],
                         "dim " + Twine(i) + " of C differs from the "
                         "result's dim " + Twine(d) + " at run time");
          continue;
        }
        Value size = tensor::DimOp::create(rewriter, loc, c, i);
        Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
        Value isOne = arith::CmpIOp::create(
            rewriter, loc, arith::CmpIPredicate::eq, size, one);
        Value isResult = arith::CmpIOp::create(
            rewriter, loc, arith::CmpIPredicate::eq, size,
            getValueOrCreateConstantIndexOp(rewriter, loc, outSizes[d]));
        Value valid = arith::OrIOp::create(rewriter, loc, isOne, isResult);
        std::string node = describeLocation(op.getLoc());
        cf::AssertOp::create(
            rewriter, loc, valid,
            (node.empty() ? std::string("node '?'") : node) +
                " (Gemm): dim " + std::to_string(i) +
                " of C is neither 1 nor the result's dim " +
                std::to_string(d) + " at run time");
        cIsOne.push_back(isOne);
      }
      if (!extractC) {
        inputs.push_back(c);
        epilogueMaps.push_back(
            getBroadcastMap(cType, resultType.getShape(), ctx));
      }
    }
    epilogueMaps.push_back(rewriter.getMultiDimIdentityMap(2));
    Value init = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                         element, sizes);
    Value result =
        linalg::GenericOp::create(
            rewriter, loc, resultType, inputs, init, epilogueMaps,
            SmallVector<utils::IteratorType>(2, utils::IteratorType::parallel),
            [&](OpBuilder &b, Location l, ValueRange args) {
              bool isFloat = isa<FloatType>(accType);
              auto mul = [&](Value x, Value y) -> Value {
                return isFloat ? Value(arith::MulFOp::create(b, l, x, y))
                               : Value(arith::MulIOp::create(b, l, x, y));
              };
              Value v = args[0];
              if (alpha != 1.0f)
                v = mul(scalarConstant(b, l, accType, alpha), v);
              if (hasC) {
                Value cv = extractC ? Value() : args[1];
                if (extractC) {
                  auto cType = cast<RankedTensorType>(c.getType());
                  SmallVector<Value> indices;
                  for (int64_t i = 0; i < cType.getRank(); ++i) {
                    int64_t d = i + 2 - cType.getRank();
                    Value zero = arith::ConstantIndexOp::create(b, l, 0);
                    if (!cIsOne[i]) {
                      indices.push_back(cType.getDimSize(i) == 1
                                            ? zero
                                            : Value(linalg::IndexOp::create(
                                                  b, l, d)));
                      continue;
                    }
                    indices.push_back(arith::SelectOp::create(
                        b, l, cIsOne[i], zero, linalg::IndexOp::create(b, l, d)));
                  }
                  cv = tensor::ExtractOp::create(b, l, c, indices);
                }
                cv = toComputeType(b, l, cv, accType);
                if (beta != 1.0f)
                  cv = mul(scalarConstant(b, l, accType, beta), cv);
                v = isFloat ? Value(arith::AddFOp::create(b, l, v, cv))
                            : Value(arith::AddIOp::create(b, l, v, cv));
              }
              linalg::YieldOp::create(b, l, fromComputeType(b, l, v, element));
            })
            .getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateONNXMatMulToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<MatMulLowering, GemmLowering>(patterns.getContext());
}

} // namespace onnxc
