//===- Elementwise.cpp - Elementwise onnx ops to linalg.generic -----------===//
//
// Every elementwise op becomes one linalg.generic over the result's shape.
// Operands broadcast by ONNX's multidirectional rule: trailing dimensions
// align, and an operand dimension that is statically 1 where the result's is
// not is read at index 0. A dynamic dimension is assumed not to broadcast,
// which a run-time check enforces.
// Each element is computed in its compute type (ComputeTypes.h): f16 and
// bf16 in f32, rounded once at the end; unsigned integers in the signless
// type of their width, with unsigned division, remainder, comparisons and
// conversions.
//
//===----------------------------------------------------------------------===//

#include "Common.h"
#include "ComputeTypes.h"

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

/// The unsigned form of a signed integer predicate.
arith::CmpIPredicate toUnsignedPredicate(arith::CmpIPredicate predicate) {
  using IP = arith::CmpIPredicate;
  switch (predicate) {
  case IP::slt:
    return IP::ult;
  case IP::sle:
    return IP::ule;
  case IP::sgt:
    return IP::ugt;
  case IP::sge:
    return IP::uge;
  default:
    return predicate;
  }
}

/// Builds the scalar computation of one elementwise op in `computeType`;
/// integers of an unsigned ONNX type divide, compare and take max/min
/// unsigned.
class ScalarBuilder {
public:
  ScalarBuilder(OpBuilder &b, Location loc, Type computeType, bool isUnsigned)
      : b(b), loc(loc), type(computeType), isUnsigned(isUnsigned) {}

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
  /// Integer division truncates toward zero, as ONNX and onnxruntime do.
  Value div(Value x, Value y) {
    if (isFloat())
      return arith::DivFOp::create(b, loc, x, y);
    if (isUnsigned)
      return arith::DivUIOp::create(b, loc, x, y);
    return arith::DivSIOp::create(b, loc, x, y);
  }
  /// The remainder of truncating division: it takes the dividend's sign.
  Value rem(Value x, Value y) {
    if (isFloat())
      return arith::RemFOp::create(b, loc, x, y);
    if (isUnsigned)
      return arith::RemUIOp::create(b, loc, x, y);
    return arith::RemSIOp::create(b, loc, x, y);
  }
  Value max(Value x, Value y) { return maxScalar(b, loc, x, y, isUnsigned); }
  Value min(Value x, Value y) { return minScalar(b, loc, x, y, isUnsigned); }
  /// Compares with `fp` on floats and `ip` (a signed predicate, made
  /// unsigned for unsigned types) on integers.
  Value cmp(arith::CmpFPredicate fp, arith::CmpIPredicate ip, Value x,
            Value y) {
    if (isFloat())
      return arith::CmpFOp::create(b, loc, fp, x, y);
    return arith::CmpIOp::create(
        b, loc, isUnsigned ? toUnsignedPredicate(ip) : ip, x, y);
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
  bool isUnsigned;
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
      .Case([&](PowOp) -> Value {
        // The exponent arrives in the base's float type (see
        // getOperandType); integer bases are raised in f64 and truncated.
        if (s.isFloat())
          return math::PowFOp::create(b, loc, args[0], args[1]);
        Type f64 = args[1].getType();
        Value base = s.isUnsigned
                         ? Value(arith::UIToFPOp::create(b, loc, f64, args[0]))
                         : Value(arith::SIToFPOp::create(b, loc, f64, args[0]));
        Value power = math::PowFOp::create(b, loc, base, args[1]);
        return s.isUnsigned
                   ? Value(arith::FPToUIOp::create(b, loc, s.type, power))
                   : Value(arith::FPToSIOp::create(b, loc, s.type, power));
      })
      .Case([&](ModOp mod) -> Value {
        Value rem = s.rem(args[0], args[1]);
        if (s.isFloat() || s.isUnsigned || mod.getFmod())
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
      .Case([&](AbsOp) -> Value {
        if (s.isFloat())
          return math::AbsFOp::create(b, loc, x);
        return s.isUnsigned ? x : Value(math::AbsIOp::create(b, loc, x));
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
      .Case([&](ShrinkOp shrink) {
        // Integers compare with the truncated lambd, which for a positive
        // lambd selects the same elements as comparing with lambd itself.
        double lambd = getF32(shrink.getLambdAttr());
        double bias = getF32(shrink.getBiasAttr());
        Value above = s.cmp(FP::OGT, IP::sgt, x, s.constant(lambd));
        Value y = s.select(above, s.sub(x, s.constant(bias)), s.constant(0.0));
        if (s.isUnsigned)
          return y;
        Value below = s.cmp(FP::OLT, IP::slt, x, s.constant(-lambd));
        return s.select(below, s.add(x, s.constant(bias)), y);
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

/// Converts `v`, an element of ONNX type `from` in its compute type, to the
/// compute type of ONNX type `to` with Cast semantics: float to integer
/// truncates toward zero, anything to bool is "!= 0", integers extend by the
/// signedness of `from` and wrap when narrowed. f16 and bf16 are f32 here,
/// so conversions to them round once, from f32 (as onnxruntime's do).
Value convertElement(OpBuilder &b, Location loc, Value v, Type from, Type to) {
  if (from == to)
    return v;
  Type toCompute = getComputeType(to);
  if (to.isInteger(1)) {
    Type type = v.getType();
    if (isa<FloatType>(type))
      return arith::CmpFOp::create(
          b, loc, arith::CmpFPredicate::UNE, v,
          arith::ConstantOp::create(b, loc, b.getFloatAttr(type, 0.0)));
    return arith::CmpIOp::create(
        b, loc, arith::CmpIPredicate::ne, v,
        arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, 0)));
  }
  Type fromCompute = v.getType();
  if (fromCompute == toCompute)
    return v;
  bool fromUnsigned = from.isUnsignedInteger() || from.isInteger(1);
  auto fromFloat = dyn_cast<FloatType>(fromCompute);
  auto toFloat = dyn_cast<FloatType>(toCompute);
  if (fromFloat && toFloat)
    return fromFloat.getWidth() < toFloat.getWidth()
               ? Value(arith::ExtFOp::create(b, loc, toCompute, v))
               : Value(arith::TruncFOp::create(b, loc, toCompute, v));
  if (fromFloat)
    return to.isUnsignedInteger()
               ? Value(arith::FPToUIOp::create(b, loc, toCompute, v))
               : Value(arith::FPToSIOp::create(b, loc, toCompute, v));
  if (toFloat)
    return fromUnsigned ? Value(arith::UIToFPOp::create(b, loc, toCompute, v))
                        : Value(arith::SIToFPOp::create(b, loc, toCompute, v));
  unsigned fromWidth = fromCompute.getIntOrFloatBitWidth();
  unsigned toWidth = toCompute.getIntOrFloatBitWidth();
  if (fromWidth < toWidth)
    return fromUnsigned ? Value(arith::ExtUIOp::create(b, loc, toCompute, v))
                        : Value(arith::ExtSIOp::create(b, loc, toCompute, v));
  return arith::TruncIOp::create(b, loc, toCompute, v);
}

/// The ONNX type operand `index` of `op` (of element type `element`) is read
/// as, `operandElement` being the element type the op computes on: its own,
/// except Pow's exponent, which takes the base's float type, or f64 for an
/// integer base.
Type getOperandType(Operation *op, unsigned index, Type element,
                    Type operandElement) {
  if (isa<PowOp>(op) && index == 1)
    return isa<FloatType>(operandElement)
               ? operandElement
               : Float64Type::get(op->getContext());
  return element;
}

/// Lowers an elementwise onnx op (one that buildScalarOp knows, or a cast).
struct ElementwiseToGeneric : ConversionPattern {
  ElementwiseToGeneric(MLIRContext *ctx, StringRef rootName)
      : ConversionPattern(rootName, /*benefit=*/1, ctx) {}

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
    // CastLike's second operand gives only the element type, which the
    // result type carries: it is not an operand to broadcast.
    for (Value v : isa<CastLikeOp>(op) ? operands.take_front() : operands)
      if (!isa<NoneType>(v.getType()))
        inputs.push_back(v);
    SmallVector<Type> elements;
    for (Value v : inputs) {
      auto type = dyn_cast<RankedTensorType>(v.getType());
      if (!type || type.getRank() > resultType.getRank())
        return rewriter.notifyMatchFailure(op, "unsupported operand type");
      elements.push_back(type.getElementType());
    }
    if (inputs.empty())
      return rewriter.notifyMatchFailure(op, "no operands");
    Type resultElement = resultType.getElementType();
    // The scalar math runs in the compute type of the first operand's
    // element type (Where's bool condition does not count); every operand
    // is read in the compute type of its own.
    Type operandElement = elements[isa<WhereOp>(op) ? 1 : 0];
    Type computeType = getComputeType(operandElement);
    bool isUnsigned = operandElement.isUnsignedInteger();
    if (!isa<CastOp, CastLikeOp>(op)) {
      // Check that the op has a lowering before creating anything.
      OpBuilder probe(op->getContext());
      Block scratch;
      probe.setInsertionPointToStart(&scratch);
      ScalarBuilder probeBuilder(probe, op->getLoc(), computeType, isUnsigned);
      SmallVector<Value> probeArgs;
      for (auto [index, element] : llvm::enumerate(elements))
        probeArgs.push_back(scratch.addArgument(
            getComputeType(
                getOperandType(op, index, element, operandElement)),
            op->getLoc()));
      Value probed = buildScalarOp(op, probeBuilder, probeArgs);
      if (!probed)
        return rewriter.notifyMatchFailure(op, "no scalar lowering");
      if (probed.getType() != getComputeType(resultElement))
        return rewriter.notifyMatchFailure(op, "result type differs");
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
    // A dynamic operand dim is read as if it had the result's size (it
    // cannot be known to broadcast): check that it does at run time.
    SmallVector<OpFoldResult> resultSizes;
    for (int64_t d = 0, next = 0; d < rank; ++d)
      resultSizes.push_back(resultType.isDynamicDim(d)
                                ? OpFoldResult(dynamicSizes[next++])
                                : rewriter.getIndexAttr(resultType.getDimSize(d)));
    for (auto [k, v] : llvm::enumerate(inputs)) {
      auto type = cast<RankedTensorType>(v.getType());
      for (int64_t i = 0; i < type.getRank(); ++i) {
        if (!type.isDynamicDim(i))
          continue;
        int64_t d = i + rank - type.getRank();
        Value size = tensor::DimOp::create(rewriter, loc, v, i);
        emitDimCheck(rewriter, loc, op, size, resultSizes[d],
                     "dim " + Twine(i) + " of operand " + Twine(k) +
                         " differs from the result's dim " + Twine(d) +
                         " at run time (dynamic dims must be equal; one "
                         "that broadcasts from 1 is not supported)");
      }
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
          for (auto [index, element] : llvm::enumerate(elements)) {
            Value scalar = toComputeType(b, nested, args[index],
                                         getComputeType(element));
            scalars.push_back(convertElement(
                b, nested, scalar, element,
                getOperandType(op, index, element, operandElement)));
          }
          Value result;
          if (isa<CastOp, CastLikeOp>(op)) {
            result = convertElement(b, nested, scalars[0], operandElement,
                                    resultElement);
          } else {
            ScalarBuilder builder(b, nested, computeType, isUnsigned);
            result = buildScalarOp(op, builder, scalars);
            if (!result) {
              failedBody = true;
              result = scalars.back();
            }
          }
          linalg::YieldOp::create(
              b, nested, fromComputeType(b, nested, result, resultElement));
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

/// One ElementwiseToGeneric per op, so that each pattern has a root (and
/// getONNXOpsWithLinalgLowering lists them): buildScalarOp's cases and the
/// casts.
template <typename... Ops>
static void addElementwisePatterns(RewritePatternSet &patterns) {
  (patterns.add<ElementwiseToGeneric>(patterns.getContext(),
                                      Ops::getOperationName()),
   ...);
}

void populateONNXElementwiseToLinalgPatterns(RewritePatternSet &patterns) {
  addElementwisePatterns<
      AbsOp, AcosOp, AcoshOp, AddOp, AndOp, AsinOp, AsinhOp, AtanOp, AtanhOp,
      CastOp, CastLikeOp, CeilOp, CeluOp, ClipOp, CosOp, CoshOp, DivOp, EluOp,
      EqualOp, ErfOp, ExpOp, FloorOp, GeluOp, GreaterOp, GreaterOrEqualOp,
      HardSigmoidOp, HardSwishOp, IsInfOp, IsNaNOp, LeakyReluOp, LessOp,
      LessOrEqualOp, LogOp, MaxOp, MeanOp, MinOp, MishOp, ModOp, MulOp, NegOp,
      NotOp, OrOp, PReluOp, PowOp, ReciprocalOp, ReluOp, RoundOp, SeluOp,
      ShrinkOp, SigmoidOp, SignOp, SinOp, SinhOp, SoftplusOp, SoftsignOp, SqrtOp,
      SubOp,
      SumOp, TanOp, TanhOp, ThresholdedReluOp, WhereOp, XorOp>(patterns);
  patterns.add<IdentityToInput>(patterns.getContext());
}

} // namespace onnxc
