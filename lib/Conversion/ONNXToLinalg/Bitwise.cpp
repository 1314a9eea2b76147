//===- Bitwise.cpp - BitShift and BitwiseAnd/Or/Xor/Not to linalg ---------===//
//
// Each op is one elementwise linalg.generic over the result with ONNX's
// multidirectional broadcasting (as in Elementwise.cpp), on integers of any
// signedness: unsigned ones are computed in the signless type of their
// width (ComputeTypes.h). BitShift is logical (its types are unsigned);
// a shift by the bit width or more gives 0 rather than LLVM's poison.
//
//===----------------------------------------------------------------------===//

#include "Common.h"
#include "ComputeTypes.h"

#include "onnxc/Conversion/Passes.h"
#include "onnxc/Dialect/ONNX/ONNXOps.h"

#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace onnxc::onnx_ir;
using namespace onnxc::linalg_lowering;

namespace onnxc {
namespace {

/// The scalar result of `op` on signless integers `args`.
Value buildBitwise(Operation *op, OpBuilder &b, Location loc, ValueRange args) {
  return llvm::TypeSwitch<Operation *, Value>(op)
      .Case([&](BitwiseAndOp) {
        return arith::AndIOp::create(b, loc, args[0], args[1]);
      })
      .Case([&](BitwiseOrOp) {
        return arith::OrIOp::create(b, loc, args[0], args[1]);
      })
      .Case([&](BitwiseXorOp) {
        return arith::XOrIOp::create(b, loc, args[0], args[1]);
      })
      .Case([&](BitwiseNotOp) {
        Value ones = arith::ConstantOp::create(
            b, loc, b.getIntegerAttr(args[0].getType(), -1));
        return arith::XOrIOp::create(b, loc, args[0], ones);
      })
      .Case([&](BitShiftOp shift) -> Value {
        Type type = args[0].getType();
        Value shifted =
            shift.getDirection() == "LEFT"
                ? Value(arith::ShLIOp::create(b, loc, args[0], args[1]))
                : Value(arith::ShRUIOp::create(b, loc, args[0], args[1]));
        Value width = arith::ConstantOp::create(
            b, loc, b.getIntegerAttr(type, type.getIntOrFloatBitWidth()));
        Value tooFar = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge,
                                             args[1], width);
        Value zero =
            arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, 0));
        return arith::SelectOp::create(b, loc, tooFar, zero, shifted);
      })
      .Default([](Operation *) { return Value(); });
}

template <typename BitwiseOp>
struct BitwiseLowering : OpConversionPattern<BitwiseOp> {
  using OpConversionPattern<BitwiseOp>::OpConversionPattern;
  using OpAdaptor = typename OpConversionPattern<BitwiseOp>::OpAdaptor;
  LogicalResult
  matchAndRewrite(BitwiseOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    if (!resultType || !isa<IntegerType>(resultType.getElementType()))
      return rewriter.notifyMatchFailure(op, "integer result");
    if (auto shift = dyn_cast<BitShiftOp>(op.getOperation()))
      if (shift.getDirection() != "LEFT" && shift.getDirection() != "RIGHT")
        return rewriter.notifyMatchFailure(op, "direction is LEFT or RIGHT");
    SmallVector<Value> inputs(adaptor.getOperands());
    SmallVector<RankedTensorType> types;
    for (Value v : inputs) {
      auto type = dyn_cast<RankedTensorType>(v.getType());
      if (!type)
        return rewriter.notifyMatchFailure(op, "unranked operand");
      types.push_back(type);
    }
    Location loc = op.getLoc();
    int64_t rank = resultType.getRank();
    SmallVector<Value> dynamicSizes;
    for (int64_t d = 0; d < rank; ++d) {
      if (!resultType.isDynamicDim(d))
        continue;
      // A dynamic dim is sized by an operand whose dim there is not 1.
      Value size;
      for (auto [v, type] : llvm::zip(inputs, types)) {
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
    SmallVector<AffineMap> maps;
    for (RankedTensorType type : types)
      maps.push_back(
          getBroadcastMap(type, resultType.getShape(), rewriter.getContext()));
    maps.push_back(rewriter.getMultiDimIdentityMap(rank));
    Type element = resultType.getElementType();
    Type computeType = getComputeType(element);
    Value init = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                         element, dynamicSizes);
    Value result =
        linalg::GenericOp::create(
            rewriter, loc, resultType, inputs, init, maps,
            SmallVector<utils::IteratorType>(rank,
                                             utils::IteratorType::parallel),
            [&](OpBuilder &b, Location l, ValueRange args) {
              SmallVector<Value> scalars;
              for (Value arg : args.drop_back())
                scalars.push_back(toComputeType(b, l, arg, computeType));
              Value r = buildBitwise(op, b, l, scalars);
              linalg::YieldOp::create(b, l, fromComputeType(b, l, r, element));
            })
            .getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateONNXBitwiseToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<BitwiseLowering<BitwiseAndOp>, BitwiseLowering<BitwiseOrOp>,
               BitwiseLowering<BitwiseXorOp>, BitwiseLowering<BitwiseNotOp>,
               BitwiseLowering<BitShiftOp>>(patterns.getContext());
}

} // namespace onnxc
