//===- VectorizeDepthwise.cpp - --onnxc-vectorize-depthwise ---------------===//
//
// Depthwise NCHW convolutions as a direct kernel vectorized along the output
// row: per (n, c) and block of R output rows, R x V accumulator vectors (V
// vectors cover one output row) stay in registers while the KH x KW taps are
// unrolled; each tap broadcasts one weight and loads one input row segment
// per accumulator (strided rows are loaded whole and deinterleaved with a
// shuffle). This is the direct depthwise scheme of onnxruntime's MLAS and
// XNNPACK, here along W because the layout is NCHW.
//
//===----------------------------------------------------------------------===//

#include "Epilogue.h"
#include "onnxc/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#define DEBUG_TYPE "onnxc-vectorize-depthwise"

namespace onnxc {
#define GEN_PASS_DEF_VECTORIZEDEPTHWISE
#include "onnxc/Transforms/Passes.h.inc"
} // namespace onnxc

using namespace mlir;

namespace onnxc {
namespace {

/// Whether the innermost dimension of a buffer has unit stride.
static bool hasUnitInnerStride(Value buffer) {
  auto type = cast<MemRefType>(buffer.getType());
  SmallVector<int64_t> strides;
  int64_t offset;
  return succeeded(type.getStridesAndOffset(strides, offset)) &&
         strides.back() == 1;
}

struct DepthwiseEmitter {
  linalg::DepthwiseConv2DNchwChwOp op;
  int64_t lanes, registers;
  int64_t kh, kw, oh, ow, sh, sw, dh, dw;
  int64_t rows, vectors;
  Value input, filter, out;
  /// A fused elementwise consumer, and whether C starts at zero (its fill
  /// dropped).
  std::optional<Epilogue> epilogue;
  bool zeroInit = false;

  /// Sizes the tile; false if the op is not handled.
  bool match() {
    if (!op.hasPureBufferSemantics())
      return false;
    input = op.getDpsInputOperand(0)->get();
    filter = op.getDpsInputOperand(1)->get();
    out = op.getDpsInitOperand(0)->get();
    for (Value v : {input, filter, out}) {
      auto type = cast<MemRefType>(v.getType());
      if (!type.getElementType().isF32() || !type.hasStaticShape())
        return false;
    }
    if (!hasUnitInnerStride(input) || !hasUnitInnerStride(out))
      return false;
    auto filterType = cast<MemRefType>(filter.getType());
    auto outType = cast<MemRefType>(out.getType());
    kh = filterType.getDimSize(1);
    kw = filterType.getDimSize(2);
    oh = outType.getDimSize(2);
    ow = outType.getDimSize(3);
    auto strides = llvm::to_vector(op.getStrides().getValues<int64_t>());
    auto dilations = llvm::to_vector(op.getDilations().getValues<int64_t>());
    sh = strides[0];
    sw = strides[1];
    dh = dilations[0];
    dw = dilations[1];
    vectors = llvm::divideCeil(ow, lanes);
    // Accumulators take at most 3/4 of the registers; rows divide OH.
    int64_t budget = registers * 3 / 4;
    if (vectors > budget || kh * kw > 64 || sw > 4)
      return false;
    rows = 1;
    for (int64_t r = std::min<int64_t>(8, budget / vectors); r > 1; --r)
      if (oh % r == 0) {
        rows = r;
        break;
      }
    return true;
  }

  Value index(OpBuilder &b, int64_t v) {
    return arith::ConstantIndexOp::create(b, op.getLoc(), v);
  }

  void emit(OpBuilder &b) {
    Location loc = op.getLoc();
    auto outType = cast<MemRefType>(out.getType());
    Type f32 = b.getF32Type();
    auto vectorType = VectorType::get({lanes}, f32);
    auto parallel = scf::ParallelOp::create(
        b, loc, ValueRange{index(b, 0), index(b, 0), index(b, 0)},
        ValueRange{index(b, outType.getDimSize(0)),
                   index(b, outType.getDimSize(1)), index(b, oh)},
        ValueRange{index(b, 1), index(b, 1), index(b, rows)});
    OpBuilder body = OpBuilder::atBlockBegin(parallel.getBody());
    Value n = parallel.getInductionVars()[0];
    Value c = parallel.getInductionVars()[1];
    Value row0 = parallel.getInductionVars()[2];
    Value zeros = arith::ConstantOp::create(
        body, loc, vectorType,
        DenseElementsAttr::get(vectorType, body.getF32FloatAttr(0.0f)));
    auto add = [&](Value base, int64_t delta) -> Value {
      if (delta == 0)
        return base;
      return arith::AddIOp::create(body, loc, base, index(body, delta));
    };
    auto mul = [&](Value base, int64_t factor) -> Value {
      if (factor == 1)
        return base;
      return arith::MulIOp::create(body, loc, base, index(body, factor));
    };
    // Output lanes valid in vector v, and the mask for a partial one.
    auto valid = [&](int64_t v) { return std::min(lanes, ow - v * lanes); };
    auto mask = [&](int64_t count) {
      return vector::ConstantMaskOp::create(
          body, loc, VectorType::get({lanes}, body.getI1Type()),
          ArrayRef<int64_t>{count});
    };

    SmallVector<Value> acc;
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t v = 0; v < vectors; ++v) {
        SmallVector<Value> at = {n, c, add(row0, r), index(body, v * lanes)};
        if (zeroInit)
          acc.push_back(zeros);
        else
          acc.push_back(valid(v) == lanes
                            ? vector::LoadOp::create(body, loc, vectorType,
                                                     out, at)
                                  .getResult()
                            : vector::MaskedLoadOp::create(
                                  body, loc, vectorType, out, at,
                                  mask(valid(v)), zeros)
                                  .getResult());
      }
    Value rowBase = mul(row0, sh);
    for (int64_t i = 0; i < kh; ++i)
      for (int64_t j = 0; j < kw; ++j) {
        Value weight = memref::LoadOp::create(
            body, loc, filter, ValueRange{c, index(body, i), index(body, j)});
        Value broadcast =
            vector::BroadcastOp::create(body, loc, vectorType, weight);
        for (int64_t r = 0; r < rows; ++r) {
          Value ih = add(rowBase, r * sh + i * dh);
          for (int64_t v = 0; v < vectors; ++v) {
            int64_t count = valid(v);
            SmallVector<Value> at = {n, c, ih,
                                     index(body, v * lanes * sw + j * dw)};
            Value x;
            if (sw == 1) {
              x = count == lanes
                      ? vector::LoadOp::create(body, loc, vectorType, input, at)
                            .getResult()
                      : vector::MaskedLoadOp::create(body, loc, vectorType,
                                                     input, at, mask(count),
                                                     zeros)
                            .getResult();
            } else {
              // Load the covered input span and keep every sw-th element.
              int64_t span = lanes * sw;
              int64_t needed = (count - 1) * sw + 1;
              auto wide = VectorType::get({span}, f32);
              Value wideZeros = arith::ConstantOp::create(
                  body, loc, wide,
                  DenseElementsAttr::get(wide, body.getF32FloatAttr(0.0f)));
              Value wideMask = vector::ConstantMaskOp::create(
                  body, loc, VectorType::get({span}, body.getI1Type()),
                  ArrayRef<int64_t>{needed});
              Value loaded = vector::MaskedLoadOp::create(
                  body, loc, wide, input, at, wideMask, wideZeros);
              SmallVector<int64_t> picks;
              for (int64_t l = 0; l < lanes; ++l)
                picks.push_back(l * sw);
              x = vector::ShuffleOp::create(body, loc, loaded, loaded, picks);
            }
            Value &a = acc[r * vectors + v];
            a = vector::FMAOp::create(body, loc, broadcast, x, a);
          }
        }
      }
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t v = 0; v < vectors; ++v) {
        SmallVector<Value> at = {n, c, add(row0, r), index(body, v * lanes)};
        Value value = acc[r * vectors + v];
        if (epilogue) {
          storeThroughEpilogue(body, loc, *epilogue, at, value,
                               valid(v) == lanes ? Value() : mask(valid(v)));
          continue;
        }
        if (valid(v) == lanes)
          vector::StoreOp::create(body, loc, value, out, at);
        else
          vector::MaskedStoreOp::create(body, loc, out, at, mask(valid(v)),
                                        value);
      }
  }
};

struct VectorizeDepthwisePass
    : impl::VectorizeDepthwiseBase<VectorizeDepthwisePass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<linalg::DepthwiseConv2DNchwChwOp> convs;
    getOperation().walk(
        [&](linalg::DepthwiseConv2DNchwChwOp op) { convs.push_back(op); });
    for (linalg::DepthwiseConv2DNchwChwOp op : convs) {
      DepthwiseEmitter emitter{op, std::max<int64_t>(1, vectorBits / 32),
                               vectorRegisters};
      if (!emitter.match())
        continue;
      OpBuilder builder(op);
      emitter.epilogue = matchEpilogue(op);
      linalg::FillOp zeroFill = getDroppableZeroFill(op, emitter.epilogue);
      emitter.zeroInit = static_cast<bool>(zeroFill);
      linalg::GenericOp fused;
      if (emitter.epilogue) {
        // The fused kernel runs where the epilogue did (see Epilogue.h).
        fused = emitter.epilogue->op;
        builder.setInsertionPoint(fused);
        createEpilogueViews(builder, op.getLoc(), *emitter.epilogue);
      }
      emitter.emit(builder);
      op->erase();
      if (fused)
        fused->erase();
      if (zeroFill)
        zeroFill->erase();
    }
  }
};

} // namespace
} // namespace onnxc
