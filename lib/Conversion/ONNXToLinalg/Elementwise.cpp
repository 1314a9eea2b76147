//===- Elementwise.cpp - Elementwise onnx ops to linalg.generic -----------===//
//
// Every elementwise op becomes one linalg.generic over the result's shape.
// Operands broadcast by ONNX's multidirectional rule: trailing dimensions
// align, and an operand dimension that is statically 1 where the result's is
// not is read at index 0. Dynamic dimensions are assumed not to broadcast.
// f16 and bf16 are computed in f32 and rounded once at the end.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

#include "onnxc/Conversion/Passes.h"

#include "onnxc/Dialect/ONNX/ONNXOps.h"
#include "onnxc/Dialect/ONNX/ShapeUtils.h"

#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace onnxc::onnx_ir;
using namespace onnxc::linalg_lowering;

namespace onnxc {
namespace {

/// Builds the scalar computation of one elementwise op.
class ScalarBuilder {
public:
  ScalarBuilder(OpBuilder &b, Location loc, Type computeType)
      : b(b), loc(loc), type(computeType) {}

  bool isFloat() const { return isa<FloatType>(type); }

  Value constant(double value) {
    if (isFloat())
      return arith::ConstantOp::create(b, loc, b.getFloatAttr(type, value));
    return arith::ConstantOp::create(
        b, loc, b.getIntegerAttr(type, static_cast<int64_t>(value)));
  }
  Value add(Value x, Value y) {
    return isFloat() ? Value(arith::AddFOp::create(b, loc, x, y))
                     : Value(arith::AddIOp::create(b, loc, x, y));
  }
  Value sub(Value x, Value y) {
    return isFloat() ? Value(arith::SubFOp::create(b, loc, x, y))
                     : Value(arith::SubIOp::create(b, loc, x, y));
  }
  Value mul(Value x, Value y) {
    return isFloat() ? Value(arith::MulFOp::create(b, loc, x, y))
                     : Value(arith::MulIOp::create(b, loc, x, y));
  }
  Value div(Value x, Value y) {
    return isFloat() ? Value(arith::DivFOp::create(b, loc, x, y))
                     : Value(arith::DivSIOp::create(b, loc, x, y));
  }
  Value max(Value x, Value y) {
    return isFloat() ? Value(arith::MaximumFOp::create(b, loc, x, y))
                     : Value(arith::MaxSIOp::create(b, loc, x, y));
  }
  Value min(Value x, Value y) {
    return isFloat() ? Value(arith::MinimumFOp::create(b, loc, x, y))
                     : Value(arith::MinSIOp::create(b, loc, x, y));
  }
  Value cmp(arith::CmpFPredicate fp, arith::CmpIPredicate ip, Value x,
            Value y) {
    return isFloat() ? Value(arith::CmpFOp::create(b, loc, fp, x, y))
                     : Value(arith::CmpIOp::create(b, loc, ip, x, y));
  }
  Value select(Value c, Value x, Value y) {
    return arith::SelectOp::create(b, loc, c, x, y);
  }
  Value exp(Value x) { return math::ExpOp::create(b, loc, x); }
  Value sigmoid(Value x) {
    Value one = constant(1.0);
    return div(one, add(one, exp(arith::NegFOp::create(b, loc, x))));
  }
  Value softplus(Value x) {
    return math::Log1pOp::create(b, loc, exp(x));
  }

  OpBuilder &b;
  Location loc;
  Type type;
};

float getF32(FloatAttr attr) { return attr.getValueAsDouble(); }

/// The scalar body of `op` over `args` (already in the compute type), or
/// null when the op has no lowering for these types.
Value buildScalarOp(Operation *op, ScalarBuilder &s, ValueRange args) {
  OpBuilder &b = s.b;
  Location loc = s.loc;
  Value x = args.empty() ? Value() : args[0];
  using FP = arith::CmpFPredicate;
  using IP = arith::CmpIPredicate;
  auto floatOnly = [&](auto build) -> Value {
    return s.isFloat() ? Value(build()) : Value();
  };
  return llvm::TypeSwitch<Operation *, Value>(op)
      .Case([&](AddOp) { return s.add(args[0], args[1]); })
      .Case([&](SubOp) { return s.sub(args[0], args[1]); })
      .Case([&](MulOp) { return s.mul(args[0], args[1]); })
      .Case([&](DivOp) { return s.div(args[0], args[1]); })
      .Case([&](PowOp) {
        return floatOnly([&] { return math::PowFOp::create(b, loc, args[0], args[1]); });
      })
      .Case([&](ModOp mod) -> Value {
        if (s.isFloat())
          return arith::RemFOp::create(b, loc, args[0], args[1]);
        Value rem = arith::RemSIOp::create(b, loc, args[0], args[1]);
        if (mod.getFmod())
          return rem;
        // Python-style: the remainder takes the divisor's sign.
        Value zero = s.constant(0);
        Value nonZero = s.cmp(FP::ONE, IP::ne, rem, zero);
        Value signsDiffer =
            arith::XOrIOp::create(b, loc, s.cmp(FP::OLT, IP::slt, rem, zero),
                                  s.cmp(FP::OLT, IP::slt, args[1], zero));
        Value fix = arith::AndIOp::create(b, loc, nonZero, signsDiffer);
        return s.select(fix, s.add(rem, args[1]), rem);
      })
      .Case([&](MaxOp) {
        Value r = args[0];
        for (Value v : args.drop_front())
          r = s.max(r, v);
        return r;
      })
      .Case([&](MinOp) {
        Value r = args[0];
        for (Value v : args.drop_front())
          r = s.min(r, v);
        return r;
      })
      .Case([&](SumOp) {
        Value r = args[0];
        for (Value v : args.drop_front())
          r = s.add(r, v);
        return r;
      })
      .Case([&](MeanOp) {
        Value r = args[0];
        for (Value v : args.drop_front())
          r = s.add(r, v);
        return floatOnly([&] { return s.div(r, s.constant(args.size())); });
      })
      .Case([&](AndOp) { return arith::AndIOp::create(b, loc, args[0], args[1]); })
      .Case([&](OrOp) { return arith::OrIOp::create(b, loc, args[0], args[1]); })
      .Case([&](XorOp) { return arith::XOrIOp::create(b, loc, args[0], args[1]); })
      .Case([&](NotOp) {
        return arith::XOrIOp::create(b, loc, x, arith::ConstantOp::create(b, loc, b.getBoolAttr(true)));
      })
      .Case([&](EqualOp) { return s.cmp(FP::OEQ, IP::eq, args[0], args[1]); })
      .Case([&](LessOp) { return s.cmp(FP::OLT, IP::slt, args[0], args[1]); })
      .Case([&](LessOrEqualOp) { return s.cmp(FP::OLE, IP::sle, args[0], args[1]); })
      .Case([&](GreaterOp) { return s.cmp(FP::OGT, IP::sgt, args[0], args[1]); })
      .Case([&](GreaterOrEqualOp) { return s.cmp(FP::OGE, IP::sge, args[0], args[1]); })
      .Case([&](WhereOp) { return s.select(args[0], args[1], args[2]); })
      .Case([&](AbsOp) {
        return s.isFloat() ? Value(math::AbsFOp::create(b, loc, x))
                           : Value(math::AbsIOp::create(b, loc, x));
      })
      .Case([&](NegOp) {
        return s.isFloat() ? Value(arith::NegFOp::create(b, loc, x))
                           : s.sub(s.constant(0), x);
      })
      .Case([&](SignOp) {
        Value zero = s.constant(0);
        Value positive = s.cmp(FP::OGT, IP::sgt, x, zero);
        Value negative = s.cmp(FP::OLT, IP::slt, x, zero);
        return s.select(positive, s.constant(1),
                        s.select(negative, s.constant(-1), zero));
      })
      .Case([&](ReciprocalOp) { return s.div(s.constant(1.0), x); })
      .Case([&](ExpOp) { return floatOnly([&] { return s.exp(x); }); })
      .Case([&](LogOp) { return floatOnly([&] { return math::LogOp::create(b, loc, x); }); })
      .Case([&](SqrtOp) { return floatOnly([&] { return math::SqrtOp::create(b, loc, x); }); })
      .Case([&](ErfOp) { return floatOnly([&] { return math::ErfOp::create(b, loc, x); }); })
      .Case([&](CeilOp) { return floatOnly([&] { return math::CeilOp::create(b, loc, x); }); })
      .Case([&](FloorOp) { return floatOnly([&] { return math::FloorOp::create(b, loc, x); }); })
      .Case([&](RoundOp) { return floatOnly([&] { return math::RoundEvenOp::create(b, loc, x); }); })
      .Case([&](SinOp) { return floatOnly([&] { return math::SinOp::create(b, loc, x); }); })
      .Case([&](CosOp) { return floatOnly([&] { return math::CosOp::create(b, loc, x); }); })
      .Case([&](TanOp) { return floatOnly([&] { return math::TanOp::create(b, loc, x); }); })
      .Case([&](AsinOp) { return floatOnly([&] { return math::AsinOp::create(b, loc, x); }); })
      .Case([&](AcosOp) { return floatOnly([&] { return math::AcosOp::create(b, loc, x); }); })
      .Case([&](AtanOp) { return floatOnly([&] { return math::AtanOp::create(b, loc, x); }); })
      .Case([&](SinhOp) { return floatOnly([&] { return math::SinhOp::create(b, loc, x); }); })
      .Case([&](CoshOp) { return floatOnly([&] { return math::CoshOp::create(b, loc, x); }); })
      .Case([&](AsinhOp) { return floatOnly([&] { return math::AsinhOp::create(b, loc, x); }); })
      .Case([&](AcoshOp) { return floatOnly([&] { return math::AcoshOp::create(b, loc, x); }); })
      .Case([&](AtanhOp) { return floatOnly([&] { return math::AtanhOp::create(b, loc, x); }); })
      .Case([&](TanhOp) { return floatOnly([&] { return math::TanhOp::create(b, loc, x); }); })
      .Case([&](ReluOp) { return s.max(x, s.constant(0)); })
      .Case([&](SigmoidOp) { return floatOnly([&] { return s.sigmoid(x); }); })
      .Case([&](SoftplusOp) { return floatOnly([&] { return s.softplus(x); }); })
      .Case([&](SoftsignOp) {
        return floatOnly([&] {
          return s.div(x, s.add(s.constant(1.0), math::AbsFOp::create(b, loc, x)));
        });
      })
      .Case([&](MishOp) {
        return floatOnly([&] {
          return s.mul(x, math::TanhOp::create(b, loc, s.softplus(x)));
        });
      })
      .Case([&](HardSigmoidOp hs) {
        Value y = s.add(s.mul(s.constant(getF32(hs.getAlphaAttr())), x),
                        s.constant(getF32(hs.getBetaAttr())));
        return s.max(s.constant(0.0), s.min(s.constant(1.0), y));
      })
      .Case([&](HardSwishOp) {
        Value y = s.add(s.mul(s.constant(1.0 / 6.0), x), s.constant(0.5));
        return s.mul(x, s.max(s.constant(0.0), s.min(s.constant(1.0), y)));
      })
      .Case([&](LeakyReluOp lr) {
        Value negative = s.cmp(FP::OLT, IP::slt, x, s.constant(0.0));
        return s.select(negative, s.mul(s.constant(getF32(lr.getAlphaAttr())), x), x);
      })
      .Case([&](PReluOp) {
        Value negative = s.cmp(FP::OLT, IP::slt, x, s.constant(0));
        return s.select(negative, s.mul(args[1], x), x);
      })
      .Case([&](ThresholdedReluOp tr) {
        Value above = s.cmp(FP::OGT, IP::sgt, x, s.constant(getF32(tr.getAlphaAttr())));
        return s.select(above, x, s.constant(0.0));
      })
      .Case([&](EluOp elu) {
        return floatOnly([&] {
          Value negative = s.cmp(FP::OLT, IP::slt, x, s.constant(0.0));
          Value em1 = math::ExpM1Op::create(b, loc, x);
          return s.select(negative, s.mul(s.constant(getF32(elu.getAlphaAttr())), em1), x);
        });
      })
      .Case([&](SeluOp selu) {
        return floatOnly([&] {
          Value alpha = s.constant(getF32(selu.getAlphaAttr()));
          Value gamma = s.constant(getF32(selu.getGammaAttr()));
          Value nonPositive = s.cmp(FP::OLE, IP::sle, x, s.constant(0.0));
          Value neg = s.sub(s.mul(alpha, s.exp(x)), alpha);
          return s.mul(gamma, s.select(nonPositive, neg, x));
        });
      })
      .Case([&](CeluOp celu) {
        return floatOnly([&] {
          Value alpha = s.constant(getF32(celu.getAlphaAttr()));
          Value em1 = math::ExpM1Op::create(b, loc, s.div(x, alpha));
          return s.add(s.max(s.constant(0.0), x),
                       s.min(s.constant(0.0), s.mul(alpha, em1)));
        });
      })
      .Case([&](GeluOp gelu) {
        return floatOnly([&] {
          Value half = s.mul(s.constant(0.5), x);
          Value inner;
          if (gelu.getApproximate() == "tanh") {
            Value cube = s.mul(x, s.mul(x, x));
            Value arg = s.mul(s.constant(std::sqrt(2.0 / M_PI)),
                              s.add(x, s.mul(s.constant(0.044715), cube)));
            inner = math::TanhOp::create(b, loc, arg);
          } else {
            inner = math::ErfOp::create(b, loc, s.mul(x, s.constant(M_SQRT1_2)));
          }
          return s.mul(half, s.add(s.constant(1.0), inner));
        });
      })
      .Case([&](ClipOp clip) {
        // args: x, then min and max when present.
        Value r = x;
        size_t next = 1;
        if (!isNone(clip.getMin()))
          r = s.max(r, args[next++]);
        if (!isNone(clip.getMax()))
          r = s.min(r, args[next++]);
        return r;
      })
      .Case([&](IsNaNOp) {
        return arith::CmpFOp::create(b, loc, FP::UNO, x, x);
      })
      .Case([&](IsInfOp isInf) -> Value {
        Value inf = s.constant(INFINITY);
        Value positive = arith::CmpFOp::create(b, loc, FP::OEQ, x, inf);
        Value negative = arith::CmpFOp::create(
            b, loc, FP::OEQ, x, arith::NegFOp::create(b, loc, inf));
        Value none = arith::ConstantOp::create(b, loc, b.getBoolAttr(false));
        return arith::OrIOp::create(
            b, loc, isInf.getDetectPositive() ? positive : none,
            isInf.getDetectNegative() ? negative : none);
      })
      .Default([](Operation *) { return Value(); });
}

/// Converts `v` of scalar type `from` to `to` with ONNX Cast semantics
/// (float to int truncates; anything to bool is "!= 0").
Value castScalar(OpBuilder &b, Location loc, Value v, Type to) {
  Type from = v.getType();
  if (from == to)
    return v;
  auto fromFloat = dyn_cast<FloatType>(from), toFloat = dyn_cast<FloatType>(to);
  if (to.isInteger(1)) {
    if (fromFloat)
      return arith::CmpFOp::create(
          b, loc, arith::CmpFPredicate::UNE, v,
          arith::ConstantOp::create(b, loc, b.getFloatAttr(from, 0.0)));
    return arith::CmpIOp::create(
        b, loc, arith::CmpIPredicate::ne, v,
        arith::ConstantOp::create(b, loc, b.getIntegerAttr(from, 0)));
  }
  if (fromFloat && toFloat)
    return fromFloat.getWidth() < toFloat.getWidth()
               ? Value(arith::ExtFOp::create(b, loc, to, v))
               : Value(arith::TruncFOp::create(b, loc, to, v));
  if (fromFloat)
    return arith::FPToSIOp::create(b, loc, to, v);
  if (toFloat)
    return from.isInteger(1) ? Value(arith::UIToFPOp::create(b, loc, to, v))
                             : Value(arith::SIToFPOp::create(b, loc, to, v));
  unsigned fromWidth = from.getIntOrFloatBitWidth();
  unsigned toWidth = to.getIntOrFloatBitWidth();
  if (fromWidth < toWidth)
    return from.isInteger(1) ? Value(arith::ExtUIOp::create(b, loc, to, v))
                             : Value(arith::ExtSIOp::create(b, loc, to, v));
  return arith::TruncIOp::create(b, loc, to, v);
}

bool isLowPrecisionFloat(Type t) { return t.isF16() || t.isBF16(); }

/// Lowers any elementwise onnx op (those buildScalarOp knows, and Cast).
struct ElementwiseToGeneric : ConversionPattern {
  ElementwiseToGeneric(MLIRContext *ctx)
      : ConversionPattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}

  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                  ConversionPatternRewriter &rewriter) const override {
    if (!isa<ONNXDialect>(op->getDialect()) || op->getNumResults() != 1 ||
        isa<ConstantOp, NoValueOp>(op))
      return failure();
    auto resultType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "result is not ranked");
    SmallVector<Value> inputs;
    for (Value v : operands)
      if (!isa<NoneType>(v.getType()))
        inputs.push_back(v);
    for (Value v : inputs) {
      auto type = dyn_cast<RankedTensorType>(v.getType());
      if (!type || type.getRank() > resultType.getRank() ||
          type.getElementType().isUnsignedInteger() ||
          type.getElementType().isSignedInteger())
        return rewriter.notifyMatchFailure(op, "unsupported operand type");
    }
    Type resultElement = resultType.getElementType();
    if (resultElement.isUnsignedInteger() || resultElement.isSignedInteger())
      return rewriter.notifyMatchFailure(op, "unsigned result type");
    // The type the scalar math runs in: the first operand's (bool for
    // Where's condition does not count), widened from f16/bf16 to f32.
    Type operandElement =
        cast<RankedTensorType>(inputs[isa<WhereOp>(op) ? 1 : 0].getType())
            .getElementType();
    bool widen = isLowPrecisionFloat(operandElement);
    Type computeType = widen ? rewriter.getF32Type() : operandElement;
    if (!isa<CastOp, CastLikeOp>(op)) {
      // Check that the op has a lowering before creating anything.
      OpBuilder probe(op->getContext());
      Block scratch;
      probe.setInsertionPointToStart(&scratch);
      ScalarBuilder probeBuilder(probe, op->getLoc(), computeType);
      SmallVector<Value> probeArgs;
      for (Value v : inputs) {
        Type t = cast<RankedTensorType>(v.getType()).getElementType();
        Type argType = isa<FloatType>(t) && widen ? computeType : t;
        probeArgs.push_back(scratch.addArgument(argType, op->getLoc()));
      }
      if (!buildScalarOp(op, probeBuilder, probeArgs))
        return rewriter.notifyMatchFailure(op, "no scalar lowering");
    }

    Location loc = op->getLoc();
    int64_t rank = resultType.getRank();
    SmallVector<AffineMap> maps;
    SmallVector<Value> dynamicSizes;
    for (int64_t d = 0; d < rank; ++d) {
      if (!resultType.isDynamicDim(d))
        continue;
      Value size;
      for (Value v : inputs) {
        auto type = cast<RankedTensorType>(v.getType());
        int64_t i = d - (rank - type.getRank());
        if (i >= 0 && type.getDimSize(i) != 1) {
          size = tensor::DimOp::create(rewriter, loc, v, i);
          break;
        }
      }
      if (!size)
        return rewriter.notifyMatchFailure(op, "cannot size a dynamic dim");
      dynamicSizes.push_back(size);
    }
    for (Value v : inputs)
      maps.push_back(getBroadcastMap(cast<RankedTensorType>(v.getType()),
                                     resultType.getShape(),
                                     rewriter.getContext()));
    maps.push_back(rewriter.getMultiDimIdentityMap(rank));
    Value init = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                         resultElement, dynamicSizes);
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    bool failedBody = false;
    auto generic = linalg::GenericOp::create(
        rewriter, loc, resultType, inputs, init, maps, iterators,
        [&](OpBuilder &b, Location nested, ValueRange args) {
          SmallVector<Value> scalars;
          for (Value a : args.drop_back())
            scalars.push_back(widen && isa<FloatType>(a.getType())
                                  ? castScalar(b, nested, a, computeType)
                                  : a);
          Value result;
          if (isa<CastOp, CastLikeOp>(op)) {
            result = castScalar(b, nested, args[0], resultElement);
          } else {
            ScalarBuilder builder(b, nested, computeType);
            result = buildScalarOp(op, builder, scalars);
            if (!result) {
              failedBody = true;
              result = args.back();
            }
            result = castScalar(b, nested, result, resultElement);
          }
          linalg::YieldOp::create(b, nested, result);
        });
    if (failedBody)
      return failure();
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

struct IdentityToInput : OpConversionPattern<IdentityOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(IdentityOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, adaptor.getInput());
    return success();
  }
};

} // namespace

void populateONNXElementwiseToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ElementwiseToGeneric, IdentityToInput>(patterns.getContext());
}

} // namespace onnxc
