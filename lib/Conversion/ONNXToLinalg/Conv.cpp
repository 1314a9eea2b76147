//===- Conv.cpp - Conv and pooling to linalg ------------------------------===//
//
// 2-D Conv (1-D as 2-D over a unit height) becomes
// linalg.conv_2d_nchw_fchw (group 1), linalg.depthwise_conv_2d_nchw_chw (one filter per channel) or
// linalg.conv_2d_ngchw_gfchw (other groups), on an input padded with
// tensor.pad; the bias is added by an elementwise generic. MaxPool becomes
// linalg.pooling_nchw_max over a -inf padded input (for int8/uint8, a
// generic of the same form, padded with the type's minimum and comparing
// unsigned for uint8). AveragePool sums with
// linalg.pooling_nchw_sum and divides by the window's count of positions in
// the input (plus its explicit pads with count_include_pad), computed at
// compile time. 1-D pools run as 2-D over a unit height.
// Global pools reduce the spatial dims with a generic.
//
//===----------------------------------------------------------------------===//

#include "Common.h"
#include "ComputeTypes.h"

#include "onnxc/Conversion/Passes.h"
#include "onnxc/Dialect/ONNX/Locations.h"
#include "onnxc/Dialect/ONNX/ONNXOps.h"
#include "onnxc/Dialect/ONNX/ShapeUtils.h"

#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"

#include <limits>

using namespace mlir;
using namespace onnxc::onnx_ir;
using namespace onnxc::linalg_lowering;

namespace onnxc {
namespace {

/// The window of a 2-D Conv or pool with ONNX defaults and auto_pad resolved
/// against static input sizes. `pads` is [top, left, bottom, right].
struct Window {
  SmallVector<int64_t> kernel, strides, dilations, pads;
};

FailureOr<Window> getWindow(ArrayRef<int64_t> inputSpatial,
                            ArrayRef<int64_t> kernel,
                            std::optional<ArrayRef<int64_t>> strides,
                            std::optional<ArrayRef<int64_t>> dilations,
                            std::optional<ArrayRef<int64_t>> pads,
                            StringRef autoPad) {
  Window w;
  int64_t n = inputSpatial.size();
  w.kernel.assign(kernel.begin(), kernel.end());
  w.strides = strides ? SmallVector<int64_t>(*strides) : SmallVector<int64_t>(n, 1);
  w.dilations =
      dilations ? SmallVector<int64_t>(*dilations) : SmallVector<int64_t>(n, 1);
  w.pads = pads ? SmallVector<int64_t>(*pads) : SmallVector<int64_t>(2 * n, 0);
  if (static_cast<int64_t>(w.kernel.size()) != n ||
      static_cast<int64_t>(w.strides.size()) != n ||
      static_cast<int64_t>(w.dilations.size()) != n ||
      static_cast<int64_t>(w.pads.size()) != 2 * n)
    return failure();
  for (int64_t i = 0; i < n; ++i) {
    if (ShapedType::isDynamic(inputSpatial[i]))
      return failure();
    if (autoPad == "VALID") {
      w.pads[i] = w.pads[i + n] = 0;
    } else if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
      int64_t in = inputSpatial[i], s = w.strides[i];
      int64_t window = (w.kernel[i] - 1) * w.dilations[i] + 1;
      int64_t out = (in + s - 1) / s;
      int64_t total = std::max<int64_t>(0, (out - 1) * s + window - in);
      int64_t small = total / 2, large = total - small;
      w.pads[i] = autoPad == "SAME_UPPER" ? small : large;
      w.pads[i + n] = autoPad == "SAME_UPPER" ? large : small;
    }
  }
  return w;
}

/// Grows the end pads so that `outputSpatial` windows fit (ceil_mode adds
/// windows that start inside the input but end past the padding).
void padForOutput(Window &w, ArrayRef<int64_t> inputSpatial,
                  ArrayRef<int64_t> outputSpatial) {
  int64_t n = inputSpatial.size();
  for (int64_t i = 0; i < n; ++i) {
    int64_t needed = (outputSpatial[i] - 1) * w.strides[i] +
                     (w.kernel[i] - 1) * w.dilations[i] + 1;
    int64_t have = inputSpatial[i] + w.pads[i] + w.pads[i + n];
    if (needed > have)
      w.pads[i + n] += needed - have;
  }
}

/// Index arithmetic on sizes known at compile time or only at run time:
/// constants fold, other operands become arith ops on index values.
struct SizeMath {
  OpBuilder &b;
  Location loc;

  Value value(OpFoldResult v) {
    return getValueOrCreateConstantIndexOp(b, loc, v);
  }
  OpFoldResult add(OpFoldResult x, OpFoldResult y) {
    std::optional<int64_t> cx = getConstantIntValue(x), cy = getConstantIntValue(y);
    if (cx && cy)
      return b.getIndexAttr(*cx + *cy);
    if (cy == 0)
      return x;
    if (cx == 0)
      return y;
    return arith::AddIOp::create(b, loc, value(x), value(y)).getResult();
  }
  OpFoldResult add(OpFoldResult x, int64_t c) {
    return add(x, b.getIndexAttr(c));
  }
  OpFoldResult sub(OpFoldResult x, OpFoldResult y) {
    std::optional<int64_t> cx = getConstantIntValue(x), cy = getConstantIntValue(y);
    if (cx && cy)
      return b.getIndexAttr(*cx - *cy);
    if (cy == 0)
      return x;
    return arith::SubIOp::create(b, loc, value(x), value(y)).getResult();
  }
  OpFoldResult mul(OpFoldResult x, int64_t c) {
    if (std::optional<int64_t> cx = getConstantIntValue(x))
      return b.getIndexAttr(*cx * c);
    if (c == 1)
      return x;
    return arith::MulIOp::create(b, loc, value(x),
                                 arith::ConstantIndexOp::create(b, loc, c))
        .getResult();
  }
  /// floor(x / c) or ceil(x / c) for c > 0 (x may be negative).
  OpFoldResult div(OpFoldResult x, int64_t c, bool ceil) {
    if (std::optional<int64_t> cx = getConstantIntValue(x))
      return b.getIndexAttr(ceil ? llvm::divideCeilSigned(*cx, c)
                                 : llvm::divideFloorSigned(*cx, c));
    if (c == 1)
      return x;
    Value divisor = arith::ConstantIndexOp::create(b, loc, c);
    if (ceil)
      return arith::CeilDivSIOp::create(b, loc, value(x), divisor).getResult();
    return arith::FloorDivSIOp::create(b, loc, value(x), divisor).getResult();
  }
  OpFoldResult max(OpFoldResult x, int64_t c) {
    if (std::optional<int64_t> cx = getConstantIntValue(x))
      return b.getIndexAttr(std::max(*cx, c));
    return arith::MaxSIOp::create(b, loc, value(x),
                                  arith::ConstantIndexOp::create(b, loc, c))
        .getResult();
  }
};

/// The window of a 1-D or 2-D Conv or pool over sizes that may be known
/// only at run time: `pads` is [begin..., end...], auto_pad resolved.
struct MixedWindow {
  SmallVector<int64_t> strides, dilations;
  SmallVector<OpFoldResult> kernel, pads;
};

/// (kernel - 1) * dilation + 1 along spatial dim `i`.
OpFoldResult windowExtent(SizeMath &m, const MixedWindow &w, int64_t i) {
  return m.add(m.mul(m.add(w.kernel[i], -1), w.dilations[i]), 1);
}

/// The number of windows along spatial dim `i` of an input `in` long:
/// (in + pads - extent) / stride + 1, rounded down or with `ceil` up.
OpFoldResult windowCount(SizeMath &m, const MixedWindow &w, int64_t i,
                         OpFoldResult in, bool ceil) {
  int64_t n = w.strides.size();
  OpFoldResult span = m.sub(m.add(m.add(in, w.pads[i]), w.pads[i + n]),
                            windowExtent(m, w, i));
  return m.add(m.div(span, w.strides[i], ceil), 1);
}

/// Checks at run time that the padded input along spatial dim `i` (ONNX's
/// dim `onnxDim`) holds one window: a smaller one has no valid output size
/// (shape inference rejects it when the sizes are static).
void checkWindowFits(SizeMath &m, Operation *op, const MixedWindow &w,
                     int64_t i, OpFoldResult in, int64_t onnxDim) {
  int64_t n = w.strides.size();
  OpFoldResult span = m.sub(m.add(m.add(in, w.pads[i]), w.pads[i + n]),
                            windowExtent(m, w, i));
  if (getConstantIntValue(span))
    return;
  std::string node = describeLocation(op->getLoc());
  Value fits = arith::CmpIOp::create(
      m.b, m.loc, arith::CmpIPredicate::sge, m.value(span),
      arith::ConstantIndexOp::create(m.b, m.loc, 0));
  cf::AssertOp::create(
      m.b, m.loc, fits,
      (node.empty() ? std::string("node '?'") : node) + " (" +
          op->getName().stripDialect().str() +
          "): the padded input is smaller than the window along dim " +
          std::to_string(onnxDim) + " at run time");
}

/// Pads the spatial dims (2..) of an NC... tensor with `value`; `pads` is
/// [begin..., end...], each a constant or a run-time size. Returns `input`
/// when all pads are 0.
Value padSpatialMixed(OpBuilder &b, Location loc, Value input,
                      ArrayRef<OpFoldResult> pads, Value value) {
  if (llvm::all_of(pads, [](OpFoldResult p) { return isConstantIntValue(p, 0); }))
    return input;
  auto type = cast<RankedTensorType>(input.getType());
  int64_t spatial = type.getRank() - 2;
  SmallVector<OpFoldResult> low(type.getRank(), b.getIndexAttr(0));
  SmallVector<OpFoldResult> high(type.getRank(), b.getIndexAttr(0));
  SmallVector<int64_t> shape(type.getShape());
  for (int64_t i = 0; i < spatial; ++i) {
    low[i + 2] = pads[i];
    high[i + 2] = pads[i + spatial];
    std::optional<int64_t> begin = getConstantIntValue(pads[i]);
    std::optional<int64_t> end = getConstantIntValue(pads[i + spatial]);
    if (ShapedType::isDynamic(shape[i + 2]))
      continue;
    shape[i + 2] = begin && end ? shape[i + 2] + *begin + *end
                                : ShapedType::kDynamic;
  }
  auto padded = RankedTensorType::get(shape, type.getElementType());
  return tensor::PadOp::create(b, loc, padded, input, low, high, value);
}

/// Resolves auto_pad and the defaults against `inputSpatial` and `kernel`
/// (sizes, constant or not). Fails when an attribute has the wrong length.
FailureOr<MixedWindow>
getMixedWindow(SizeMath &m, ArrayRef<OpFoldResult> inputSpatial,
               ArrayRef<OpFoldResult> kernel,
               std::optional<ArrayRef<int64_t>> strides,
               std::optional<ArrayRef<int64_t>> dilations,
               std::optional<ArrayRef<int64_t>> pads, StringRef autoPad) {
  MixedWindow w;
  int64_t n = inputSpatial.size();
  w.kernel.assign(kernel.begin(), kernel.end());
  w.strides = strides ? SmallVector<int64_t>(*strides) : SmallVector<int64_t>(n, 1);
  w.dilations =
      dilations ? SmallVector<int64_t>(*dilations) : SmallVector<int64_t>(n, 1);
  SmallVector<int64_t> explicitPads =
      pads ? SmallVector<int64_t>(*pads) : SmallVector<int64_t>(2 * n, 0);
  if (static_cast<int64_t>(w.kernel.size()) != n ||
      static_cast<int64_t>(w.strides.size()) != n ||
      static_cast<int64_t>(w.dilations.size()) != n ||
      static_cast<int64_t>(explicitPads.size()) != 2 * n ||
      llvm::any_of(w.strides, [](int64_t s) { return s < 1; }))
    return failure();
  for (int64_t p : explicitPads)
    w.pads.push_back(m.b.getIndexAttr(autoPad == "VALID" ? 0 : p));
  if (autoPad != "SAME_UPPER" && autoPad != "SAME_LOWER")
    return w;
  for (int64_t i = 0; i < n; ++i) {
    // out = ceil(in / s); total = max(0, (out - 1) * s + extent - in).
    int64_t s = w.strides[i];
    OpFoldResult extent = windowExtent(m, w, i);
    OpFoldResult out = m.div(inputSpatial[i], s, /*ceil=*/true);
    OpFoldResult total = m.max(
        m.sub(m.add(m.mul(m.add(out, -1), s), extent), inputSpatial[i]), 0);
    OpFoldResult small = m.div(total, 2, /*ceil=*/false);
    OpFoldResult large = m.sub(total, small);
    w.pads[i] = autoPad == "SAME_UPPER" ? small : large;
    w.pads[i + n] = autoPad == "SAME_UPPER" ? large : small;
  }
  return w;
}

DenseIntElementsAttr i64Vector(OpBuilder &b, ArrayRef<int64_t> values) {
  return b.getI64TensorAttr(values);
}

/// Adds a per-channel bias [C] to an NCHW tensor.
Value addChannelBias(OpBuilder &b, Location loc, Value input, Value bias) {
  auto type = cast<RankedTensorType>(input.getType());
  MLIRContext *ctx = b.getContext();
  int64_t rank = type.getRank();
  SmallVector<AffineMap> maps = {
      b.getMultiDimIdentityMap(rank),
      AffineMap::get(rank, 0, {getAffineDimExpr(1, ctx)}, ctx),
      b.getMultiDimIdentityMap(rank)};
  Value init = emptyLike(b, loc, type, input);
  return linalg::GenericOp::create(
             b, loc, type, ValueRange{input, bias}, init, maps,
             SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               Value bv = args[1];
               if (bv.getType() != args[0].getType())
                 bv = arith::ExtFOp::create(nb, nl, args[0].getType(), bv);
               Value sum = isa<FloatType>(bv.getType())
                               ? Value(arith::AddFOp::create(nb, nl, args[0], bv))
                               : Value(arith::AddIOp::create(nb, nl, args[0], bv));
               linalg::YieldOp::create(nb, nl, sum);
             })
      .getResult(0);
}

struct ConvLowering : OpConversionPattern<ConvOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConvOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getX(), w = adaptor.getW();
    auto xType = dyn_cast<RankedTensorType>(x.getType());
    auto wType = dyn_cast<RankedTensorType>(w.getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!xType || !wType || !resultType ||
        (xType.getRank() != 4 && xType.getRank() != 3) ||
        wType.getRank() != xType.getRank() ||
        resultType.getRank() != xType.getRank() ||
        !isa<FloatType>(resultType.getElementType()))
      return rewriter.notifyMatchFailure(op, "only 1-D/2-D float convs");
    int64_t group = op.getGroup();
    // Groups split C and F statically (expand_shape), so their sizes come
    // from the weight.
    if (group != 1 && (!wType.hasStaticShape() || resultType.isDynamicDim(1)))
      return rewriter.notifyMatchFailure(
          op, "a grouped conv needs the weight's shape at compile time");
    SizeMath m{rewriter, loc};
    // The input's channels must be group * W's dim 1: checked at run time
    // when either is dynamic, and a dynamic C made static when W's is known.
    if (xType.isDynamicDim(1) && !wType.isDynamicDim(1)) {
      int64_t c = group * wType.getDimSize(1);
      emitDimCheck(rewriter, loc, op, tensor::getMixedSize(rewriter, loc, x, 1),
                   rewriter.getIndexAttr(c),
                   "the input's channels differ from group * the weight's "
                   "dim 1 (" + Twine(c) + ") at run time");
      SmallVector<int64_t> shape(xType.getShape());
      shape[1] = c;
      xType = RankedTensorType::get(shape, xType.getElementType());
      x = tensor::CastOp::create(rewriter, loc, xType, x);
    } else if (xType.isDynamicDim(1) || wType.isDynamicDim(1)) {
      emitDimCheck(rewriter, loc, op, tensor::getMixedSize(rewriter, loc, x, 1),
                   tensor::getMixedSize(rewriter, loc, w, 1),
                   "the input's channels differ from the weight's dim 1 at "
                   "run time");
    }
    SmallVector<OpFoldResult> inputSpatial, kernel;
    for (int64_t d = 2; d < xType.getRank(); ++d) {
      inputSpatial.push_back(tensor::getMixedSize(rewriter, loc, x, d));
      kernel.push_back(tensor::getMixedSize(rewriter, loc, w, d));
    }
    FailureOr<MixedWindow> window =
        getMixedWindow(m, inputSpatial, kernel, op.getStrides(),
                       op.getDilations(), op.getPads(), op.getAutoPad());
    if (failed(window))
      return rewriter.notifyMatchFailure(op, "unsupported window");
    // 1-D runs as 2-D over a unit height: [N, C, L] -> [N, C, 1, L].
    RankedTensorType finalType = resultType;
    if (xType.getRank() == 3) {
      auto unitHeight = [&](Value v, RankedTensorType type) {
        SmallVector<int64_t> shape(type.getShape());
        shape.insert(shape.begin() + 2, 1);
        return tensor::ExpandShapeOp::create(
            rewriter, loc, RankedTensorType::get(shape, type.getElementType()),
            v, SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
      };
      x = unitHeight(x, xType);
      w = unitHeight(w, wType);
      xType = cast<RankedTensorType>(x.getType());
      wType = cast<RankedTensorType>(w.getType());
      SmallVector<int64_t> shape(resultType.getShape());
      shape.insert(shape.begin() + 2, 1);
      resultType = RankedTensorType::get(shape, resultType.getElementType());
      inputSpatial.insert(inputSpatial.begin(), rewriter.getIndexAttr(1));
      window->kernel.insert(window->kernel.begin(), rewriter.getIndexAttr(1));
      window->strides.insert(window->strides.begin(), 1);
      window->dilations.insert(window->dilations.begin(), 1);
      window->pads = {rewriter.getIndexAttr(0), window->pads[0],
                      rewriter.getIndexAttr(0), window->pads[1]};
    }
    Type element = resultType.getElementType();
    Type accType = accumulatorType(rewriter, element);
    Value zero = scalarConstant(rewriter, loc, xType.getElementType(), 0);
    Value padded = padSpatialMixed(rewriter, loc, x, window->pads, zero);
    DenseIntElementsAttr strides = i64Vector(rewriter, window->strides);
    DenseIntElementsAttr dilations = i64Vector(rewriter, window->dilations);

    // The result's sizes known only at run time: N from X, F from W, the
    // spatial ones by ONNX's formula (a static one the formula must match).
    SmallVector<Value> sizes;
    SmallVector<OpFoldResult> outSizes = {
        tensor::getMixedSize(rewriter, loc, x, 0),
        tensor::getMixedSize(rewriter, loc, w, 0)};
    for (int64_t i = 0; i < 2; ++i) {
      checkWindowFits(m, op, *window, i, inputSpatial[i],
                      finalType != resultType ? 2 : i + 2);
      outSizes.push_back(windowCount(m, *window, i, inputSpatial[i],
                                     /*ceil=*/false));
    }
    for (int64_t d = 0; d < 4; ++d) {
      if (resultType.isDynamicDim(d)) {
        sizes.push_back(m.value(outSizes[d]));
        continue;
      }
      emitDimCheck(rewriter, loc, op, outSizes[d],
                   rewriter.getIndexAttr(resultType.getDimSize(d)),
                   "output dim " + Twine(finalType != resultType && d == 3
                                             ? 2
                                             : d) +
                       " differs from its inferred size " +
                       Twine(resultType.getDimSize(d)) + " at run time");
    }

    int64_t n = xType.getDimSize(0), c = xType.getDimSize(1);
    int64_t f = wType.getDimSize(0);
    int64_t oh = resultType.getDimSize(2), ow = resultType.getDimSize(3);
    int64_t kh = wType.getDimSize(2), kw = wType.getDimSize(3);
    auto accTensor = RankedTensorType::get(resultType.getShape(), accType);
    Value conv;
    if (group == 1) {
      Value acc =
          zeroAccumulator(rewriter, loc, resultType.getShape(), accType, sizes);
      conv = linalg::Conv2DNchwFchwOp::create(rewriter, loc, TypeRange{accTensor},
                                              ValueRange{padded, w}, ValueRange{acc},
                                              strides, dilations)
                 .getResult(0);
    } else if (group == c && f == c && wType.getDimSize(1) == 1) {
      Value filter = tensor::CollapseShapeOp::create(
          rewriter, loc, RankedTensorType::get({c, kh, kw}, wType.getElementType()),
          w, SmallVector<ReassociationIndices>{{0, 1}, {2}, {3}});
      Value acc =
          zeroAccumulator(rewriter, loc, resultType.getShape(), accType, sizes);
      conv = linalg::DepthwiseConv2DNchwChwOp::create(
                 rewriter, loc, TypeRange{accTensor}, ValueRange{padded, filter},
                 ValueRange{acc}, strides, dilations)
                 .getResult(0);
    } else {
      auto paddedType = cast<RankedTensorType>(padded.getType());
      Value groupedInput = tensor::ExpandShapeOp::create(
          rewriter, loc,
          RankedTensorType::get({n, group, c / group, paddedType.getDimSize(2),
                                 paddedType.getDimSize(3)},
                                xType.getElementType()),
          padded, SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}, {4}});
      Value groupedFilter = tensor::ExpandShapeOp::create(
          rewriter, loc,
          RankedTensorType::get({group, f / group, c / group, kh, kw},
                                wType.getElementType()),
          w, SmallVector<ReassociationIndices>{{0, 1}, {2}, {3}, {4}});
      SmallVector<int64_t> groupedShape = {n, group, f / group, oh, ow};
      Value acc = zeroAccumulator(rewriter, loc, groupedShape, accType, sizes);
      Value grouped =
          linalg::Conv2DNgchwGfchwOp::create(
              rewriter, loc, TypeRange{RankedTensorType::get(groupedShape, accType)},
              ValueRange{groupedInput, groupedFilter}, ValueRange{acc}, strides,
              dilations)
              .getResult(0);
      conv = tensor::CollapseShapeOp::create(
          rewriter, loc, accTensor, grouped,
          SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}, {4}});
    }
    if (!isa<NoneType>(adaptor.getB().getType())) {
      Value bias = adaptor.getB();
      auto biasType = dyn_cast<RankedTensorType>(bias.getType());
      if (biasType && biasType.getRank() == 1)
        emitDimCheck(rewriter, loc, op,
                     tensor::getMixedSize(rewriter, loc, bias, 0), outSizes[1],
                     "B has not as many values as the output has channels at "
                     "run time");
      conv = addChannelBias(rewriter, loc, conv, bias);
    }
    conv = castTensor(rewriter, loc, conv, resultType);
    if (finalType != resultType)
      conv = tensor::CollapseShapeOp::create(
          rewriter, loc, finalType, conv,
          SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
    rewriter.replaceOp(op, conv);
    return success();
  }
};

/// A static 1-D or 2-D pool seen as 2-D: a 1-D pool runs over a unit height
/// (kernel 1, stride 1, no padding), as 1-D Conv does.
struct Pool2D {
  /// The input, [N, C, H, W].
  Value x;
  /// The pooled result before a 1-D pool's height is dropped.
  RankedTensorType resultType;
  /// The window; its end pads grown so that ceil_mode windows fit.
  Window window;
  /// The pads the model asks for (auto_pad resolved), before that growth:
  /// [top, left, bottom, right].
  SmallVector<int64_t> explicitPads;
  /// H and W of the input.
  SmallVector<int64_t> inputSpatial;
  /// The result's sizes known only at run time (N and C, from the input).
  SmallVector<Value> sizes;
  bool unitHeight = false;
};

/// Resolves `op`'s window over `x` for `resultType`; on failure returns the
/// reason the pool is not lowered.
template <typename PoolOp>
FailureOr<Pool2D> getPool2D(OpBuilder &b, PoolOp op, Value x,
                            Type resultTy, std::string &reason) {
  auto xType = dyn_cast<RankedTensorType>(x.getType());
  auto resultType = dyn_cast<RankedTensorType>(resultTy);
  if (!xType || !resultType) {
    reason = "the input and result must be ranked tensors";
    return failure();
  }
  int64_t spatial = xType.getRank() - 2;
  if (spatial != 1 && spatial != 2) {
    reason = "only 1-D and 2-D pooling windows are supported, got " +
             std::to_string(spatial) + "-D";
    return failure();
  }
  // N and C may be known only at run time; the windows need H and W.
  auto staticSpatial = [](RankedTensorType t) {
    return llvm::none_of(t.getShape().drop_front(2), ShapedType::isDynamic);
  };
  if (!staticSpatial(xType) || !staticSpatial(resultType)) {
    reason = "the spatial dims of the input and result must be static";
    return failure();
  }
  FailureOr<Window> window =
      getWindow(xType.getShape().drop_front(2), op.getKernelShape(),
                op.getStrides(), op.getDilations(), op.getPads(),
                op.getAutoPad());
  if (failed(window)) {
    reason = "kernel_shape, strides, dilations and pads must have one value "
             "per spatial dim (pads two)";
    return failure();
  }
  Pool2D pool;
  pool.x = x;
  pool.resultType = resultType;
  pool.window = *window;
  if (spatial == 1) {
    auto withUnitHeight = [](RankedTensorType t) {
      SmallVector<int64_t> shape(t.getShape());
      shape.insert(shape.begin() + 2, 1);
      return RankedTensorType::get(shape, t.getElementType());
    };
    pool.unitHeight = true;
    pool.x = tensor::ExpandShapeOp::create(
        b, op.getLoc(), withUnitHeight(xType), x,
        SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
    xType = cast<RankedTensorType>(pool.x.getType());
    pool.resultType = withUnitHeight(resultType);
    Window &w = pool.window;
    w.kernel.insert(w.kernel.begin(), 1);
    w.strides.insert(w.strides.begin(), 1);
    w.dilations.insert(w.dilations.begin(), 1);
    w.pads = {0, w.pads[0], 0, w.pads[1]};
  }
  for (int64_t d = 0; d < 2; ++d) {
    if (!pool.resultType.isDynamicDim(d))
      continue;
    if (!xType.isDynamicDim(d)) {
      reason = "the result's dims N and C must be the input's";
      return failure();
    }
    pool.sizes.push_back(tensor::DimOp::create(b, op.getLoc(), pool.x, d));
  }
  pool.explicitPads = pool.window.pads;
  pool.inputSpatial.assign(xType.getShape().begin() + 2, xType.getShape().end());
  padForOutput(pool.window, pool.inputSpatial,
               pool.resultType.getShape().drop_front(2));
  return pool;
}

/// The pooled value in `op`'s result type: a 1-D pool's unit height dropped.
Value finishPool(OpBuilder &b, Location loc, const Pool2D &pool, Value pooled,
                 Type resultType) {
  if (!pool.unitHeight)
    return pooled;
  return tensor::CollapseShapeOp::create(
      b, loc, cast<RankedTensorType>(resultType), pooled,
      SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
}

/// AveragePool's divisor along spatial dim `dim`, per output position: the
/// window taps that fall inside the input, or with `includePad` inside the
/// input plus its explicit pads. Windows that ceil_mode adds past the end
/// count only those positions, as onnxruntime (1.22, opset 19) and PyTorch
/// do, never the kernel size.
SmallVector<int64_t> poolDivisors(const Pool2D &pool, int64_t dim,
                                  bool includePad) {
  const Window &w = pool.window;
  int64_t in = pool.inputSpatial[dim];
  int64_t begin = pool.explicitPads[dim], end = pool.explicitPads[dim + 2];
  int64_t lo = includePad ? -begin : 0, hi = includePad ? in + end : in;
  SmallVector<int64_t> counts;
  for (int64_t o = 0, e = pool.resultType.getDimSize(dim + 2); o < e; ++o) {
    int64_t count = 0;
    for (int64_t k = 0; k < w.kernel[dim]; ++k) {
      int64_t at = o * w.strides[dim] + k * w.dilations[dim] - begin;
      count += at >= lo && at < hi;
    }
    counts.push_back(count);
  }
  return counts;
}

/// MaxPool of integers: linalg.pooling_nchw_max's loops as a generic, which
/// compares unsigned types unsigned (the named op reads them as signed).
Value buildIntegerMaxPool(OpBuilder &b, Location loc, Value x,
                          const Window &window, RankedTensorType resultType,
                          ValueRange sizes) {
  Type element = resultType.getElementType();
  Type computeType = getComputeType(element);
  bool isUnsigned = element.isUnsignedInteger();
  Value lowest = arith::ConstantOp::create(
      b, loc, getMaxMinIdentity(element, /*forMax=*/true));
  Value padded = padSpatial(b, loc, x, window.pads,
                            fromComputeType(b, loc, lowest, element));
  Value kernel = tensor::EmptyOp::create(b, loc, window.kernel, element);
  auto accType = RankedTensorType::get(resultType.getShape(), computeType);
  Value init = tensor::EmptyOp::create(b, loc, resultType.getShape(),
                                       computeType, sizes);
  Value acc = linalg::FillOp::create(b, loc, lowest, init).getResult(0);
  // Loops: n, c, oh, ow (parallel), kh, kw (reduction).
  MLIRContext *ctx = b.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineMap> maps = {
      AffineMap::get(6, 0,
                     {d(0), d(1),
                      d(2) * window.strides[0] + d(4) * window.dilations[0],
                      d(3) * window.strides[1] + d(5) * window.dilations[1]},
                     ctx),
      AffineMap::get(6, 0, {d(4), d(5)}, ctx),
      AffineMap::get(6, 0, {d(0), d(1), d(2), d(3)}, ctx)};
  SmallVector<utils::IteratorType> iterators(4, utils::IteratorType::parallel);
  iterators.append(2, utils::IteratorType::reduction);
  Value pooled =
      linalg::GenericOp::create(
          b, loc, accType, ValueRange{padded, kernel}, acc, maps, iterators,
          [&](OpBuilder &nb, Location nl, ValueRange args) {
            Value v = toComputeType(nb, nl, args[0], computeType);
            linalg::YieldOp::create(
                nb, nl, maxScalar(nb, nl, args[2], v, isUnsigned));
          })
          .getResult(0);
  return castTensor(b, loc, pooled, resultType);
}

/// Whether the spatial dims (2..) of `type` are all static.
bool hasStaticSpatialDims(Type type) {
  auto ranked = dyn_cast<RankedTensorType>(type);
  return ranked && ranked.getRank() >= 2 &&
         llvm::none_of(ranked.getShape().drop_front(2), ShapedType::isDynamic);
}

enum class PoolKind { Max, Average, Sum };

/// A dynamic pool's result in `finalType`'s shape (its element type for a
/// sum pool): a 1-D pool's unit height dropped.
Value finishDynamicPool(OpBuilder &b, Location loc, Value pooled,
                        RankedTensorType finalType, bool unitHeight) {
  if (!unitHeight)
    return pooled;
  auto type = RankedTensorType::get(
      finalType.getShape(),
      cast<RankedTensorType>(pooled.getType()).getElementType());
  return tensor::CollapseShapeOp::create(
      b, loc, type, pooled,
      SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
}

/// A float MaxPool, AveragePool or sum pool (LpPool's) whose spatial dims
/// are known only at run time: the window, ONNX's output size (ceil_mode
/// drops a window that would start in the end padding) and the end pads
/// that ceil_mode windows need are index values. AveragePool divides by a
/// second pooling, of ones over the input (and with `countIncludePad` its
/// explicit pads), so that each window counts what it covers. On failure
/// returns the reason.
template <typename PoolOp>
FailureOr<Value> buildDynamicPool(OpBuilder &b, PoolOp op, Value x,
                                  RankedTensorType finalType, PoolKind kind,
                                  bool countIncludePad, std::string &reason) {
  bool isMax = kind == PoolKind::Max;
  Location loc = op.getLoc();
  auto xType = dyn_cast<RankedTensorType>(x.getType());
  if (!xType || (xType.getRank() != 3 && xType.getRank() != 4) ||
      finalType.getRank() != xType.getRank()) {
    reason = "only 1-D and 2-D pooling windows are supported";
    return failure();
  }
  Type element = xType.getElementType();
  if (!isa<FloatType>(element)) {
    reason = "an integer MaxPool needs static spatial dims";
    return failure();
  }
  SizeMath m{b, loc};
  SmallVector<OpFoldResult> inputSpatial, kernel;
  for (int64_t d = 2; d < xType.getRank(); ++d) {
    inputSpatial.push_back(tensor::getMixedSize(b, loc, x, d));
    if (static_cast<size_t>(d - 2) < op.getKernelShape().size())
      kernel.push_back(b.getIndexAttr(op.getKernelShape()[d - 2]));
  }
  FailureOr<MixedWindow> window =
      getMixedWindow(m, inputSpatial, kernel, op.getStrides(), op.getDilations(),
                     op.getPads(), op.getAutoPad());
  if (failed(window)) {
    reason = "kernel_shape, strides, dilations and pads must have one value "
             "per spatial dim (pads two)";
    return failure();
  }
  RankedTensorType resultType = finalType;
  bool unitHeight = xType.getRank() == 3;
  if (unitHeight) {
    auto withUnitHeight = [](RankedTensorType t) {
      SmallVector<int64_t> shape(t.getShape());
      shape.insert(shape.begin() + 2, 1);
      return RankedTensorType::get(shape, t.getElementType());
    };
    x = tensor::ExpandShapeOp::create(
        b, loc, withUnitHeight(xType), x,
        SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
    resultType = withUnitHeight(finalType);
    inputSpatial.insert(inputSpatial.begin(), b.getIndexAttr(1));
    window->kernel.insert(window->kernel.begin(), b.getIndexAttr(1));
    window->strides.insert(window->strides.begin(), 1);
    window->dilations.insert(window->dilations.begin(), 1);
    window->pads = {b.getIndexAttr(0), window->pads[0], b.getIndexAttr(0),
                    window->pads[1]};
  }
  bool same = op.getAutoPad() == "SAME_UPPER" || op.getAutoPad() == "SAME_LOWER";
  bool ceilMode = op.getCeilMode() != 0;
  SmallVector<OpFoldResult> explicitPads = window->pads;
  SmallVector<Value> sizes;
  for (int64_t d = 0; d < 2; ++d)
    if (resultType.isDynamicDim(d))
      sizes.push_back(tensor::DimOp::create(b, loc, x, d));
  SmallVector<int64_t> kernelShape;
  for (int64_t i = 0; i < 2; ++i) {
    OpFoldResult in = inputSpatial[i];
    int64_t stride = window->strides[i];
    checkWindowFits(m, op, *window, i, in, unitHeight ? 2 : i + 2);
    OpFoldResult out =
        same ? m.div(in, stride, /*ceil=*/true)
             : windowCount(m, *window, i, in, ceilMode && !same);
    if (ceilMode && !same) {
      // A window must start inside the input or the begin padding.
      OpFoldResult lastStart = m.mul(m.add(out, -1), stride);
      OpFoldResult limit = m.add(in, window->pads[i]);
      std::optional<int64_t> cs = getConstantIntValue(lastStart);
      std::optional<int64_t> cl = getConstantIntValue(limit);
      if (cs && cl) {
        if (*cs >= *cl)
          out = m.add(out, -1);
      } else {
        Value past = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge,
                                           m.value(lastStart), m.value(limit));
        out = arith::SelectOp::create(b, loc, past, m.value(m.add(out, -1)),
                                      m.value(out))
                  .getResult();
      }
    }
    if (resultType.isDynamicDim(i + 2))
      sizes.push_back(m.value(out));
    else
      emitDimCheck(b, loc, op, out,
                   b.getIndexAttr(resultType.getDimSize(i + 2)),
                   "output dim " + Twine(unitHeight ? 2 : i + 2) +
                       " differs from its inferred size " +
                       Twine(resultType.getDimSize(i + 2)) + " at run time");
    // Windows past the end pad (ceil_mode) read more padding.
    OpFoldResult needed =
        m.add(m.mul(m.add(out, -1), stride), windowExtent(m, *window, i));
    OpFoldResult have =
        m.add(m.add(in, window->pads[i]), window->pads[i + 2]);
    window->pads[i + 2] =
        m.add(window->pads[i + 2], m.max(m.sub(needed, have), 0));
    kernelShape.push_back(*getConstantIntValue(window->kernel[i]));
  }
  DenseIntElementsAttr strides = i64Vector(b, window->strides);
  DenseIntElementsAttr dilations = i64Vector(b, window->dilations);
  Type accType = isMax ? element : accumulatorType(b, element);
  auto accResult = RankedTensorType::get(resultType.getShape(), accType);
  Value kernelTensor = tensor::EmptyOp::create(b, loc, kernelShape, element);
  double padValue = isMax ? -std::numeric_limits<double>::infinity() : 0.0;
  Value padded = padSpatialMixed(b, loc, x, window->pads,
                                 scalarConstant(b, loc, element, padValue));
  Value init = tensor::EmptyOp::create(b, loc, resultType.getShape(), accType,
                                       sizes);
  Value acc = linalg::FillOp::create(b, loc,
                                     scalarConstant(b, loc, accType, padValue),
                                     init)
                  .getResult(0);
  Value pooled;
  if (isMax) {
    pooled = linalg::PoolingNchwMaxOp::create(
                 b, loc, TypeRange{accResult}, ValueRange{padded, kernelTensor},
                 ValueRange{acc}, strides, dilations)
                 .getResult(0);
  } else {
    Value sum = linalg::PoolingNchwSumOp::create(
                    b, loc, TypeRange{accResult},
                    ValueRange{padded, kernelTensor}, ValueRange{acc}, strides,
                    dilations)
                    .getResult(0);
    if (kind == PoolKind::Sum)
      return finishDynamicPool(b, loc, sum, finalType, unitHeight);
    // Counts [1, 1, OH, OW]: ones over the input, padded with ones over the
    // explicit pads when they count, else with zeros.
    SmallVector<Value> planeSizes;
    for (int64_t i = 0; i < 2; ++i)
      if (!getConstantIntValue(inputSpatial[i]))
        planeSizes.push_back(m.value(inputSpatial[i]));
    SmallVector<int64_t> planeShape = {1, 1};
    for (int64_t i = 0; i < 2; ++i)
      planeShape.push_back(getConstantIntValue(inputSpatial[i]).value_or(
          ShapedType::kDynamic));
    Value ones = linalg::FillOp::create(
                     b, loc, scalarConstant(b, loc, accType, 1.0),
                     tensor::EmptyOp::create(b, loc, planeShape, accType,
                                             planeSizes)
                         .getResult())
                     .getResult(0);
    Value zero = scalarConstant(b, loc, accType, 0.0);
    if (countIncludePad) {
      ones = padSpatialMixed(b, loc, ones, explicitPads,
                             scalarConstant(b, loc, accType, 1.0));
      SmallVector<OpFoldResult> growth = {
          b.getIndexAttr(0), b.getIndexAttr(0),
          m.sub(window->pads[2], explicitPads[2]),
          m.sub(window->pads[3], explicitPads[3])};
      ones = padSpatialMixed(b, loc, ones, growth, zero);
    } else {
      ones = padSpatialMixed(b, loc, ones, window->pads, zero);
    }
    SmallVector<int64_t> countShape = {1, 1, resultType.getDimSize(2),
                                       resultType.getDimSize(3)};
    SmallVector<Value> countSizes(sizes.end() -
                                      llvm::count_if(
                                          resultType.getShape().drop_front(2),
                                          ShapedType::isDynamic),
                                  sizes.end());
    Value countInit = tensor::EmptyOp::create(b, loc, countShape, accType,
                                              countSizes);
    countInit =
        linalg::FillOp::create(b, loc, zero, countInit).getResult(0);
    Value counts = linalg::PoolingNchwSumOp::create(
                       b, loc, TypeRange{countInit.getType()},
                       ValueRange{ones, kernelTensor}, ValueRange{countInit},
                       strides, dilations)
                       .getResult(0);
    MLIRContext *ctx = b.getContext();
    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    AffineExpr zeroExpr = getAffineConstantExpr(0, ctx);
    SmallVector<AffineMap> maps = {
        b.getMultiDimIdentityMap(4),
        AffineMap::get(4, 0, {zeroExpr, zeroExpr, d(2), d(3)}, ctx),
        b.getMultiDimIdentityMap(4)};
    Value out =
        tensor::EmptyOp::create(b, loc, resultType.getShape(), element, sizes);
    pooled = linalg::GenericOp::create(
                 b, loc, resultType, ValueRange{sum, counts}, out, maps,
                 SmallVector<utils::IteratorType>(4,
                                                  utils::IteratorType::parallel),
                 [&](OpBuilder &nb, Location nl, ValueRange args) {
                   Value v = arith::DivFOp::create(nb, nl, args[0], args[1]);
                   linalg::YieldOp::create(nb, nl,
                                           fromComputeType(nb, nl, v, element));
                 })
                 .getResult(0);
  }
  return finishDynamicPool(b, loc, pooled, finalType, unitHeight);
}

struct MaxPoolLowering : OpConversionPattern<MaxPoolOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MaxPoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    if (!isa<NoneType>(op.getIndices().getType()))
      return rewriter.notifyMatchFailure(
          op, "the Indices output is not supported");
    Type element = getElementType(adaptor.getX());
    if (!element || !isSupportedElement(element))
      return rewriter.notifyMatchFailure(
          op, "only float and integer (not bool) elements are supported");
    std::string reason;
    if (!hasStaticSpatialDims(adaptor.getX().getType()) ||
        !hasStaticSpatialDims(op.getY().getType())) {
      FailureOr<Value> pooled = buildDynamicPool(
          rewriter, op, adaptor.getX(),
          cast<RankedTensorType>(op.getY().getType()), PoolKind::Max,
          /*countIncludePad=*/false, reason);
      if (failed(pooled))
        return rewriter.notifyMatchFailure(op, reason);
      rewriter.replaceOp(op, {*pooled, Value()});
      return success();
    }
    FailureOr<Pool2D> pool =
        getPool2D(rewriter, op, adaptor.getX(), op.getY().getType(), reason);
    if (failed(pool))
      return rewriter.notifyMatchFailure(op, reason);
    const Window &window = pool->window;
    RankedTensorType resultType = pool->resultType;
    Value pooled;
    if (!isa<FloatType>(element)) {
      pooled = buildIntegerMaxPool(rewriter, loc, pool->x, window, resultType,
                                   pool->sizes);
    } else {
      Value lowest = scalarConstant(rewriter, loc, element,
                                    -std::numeric_limits<double>::infinity());
      Value padded = padSpatial(rewriter, loc, pool->x, window.pads, lowest);
      Value init = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                           element, pool->sizes);
      Value acc = linalg::FillOp::create(rewriter, loc, lowest, init).getResult(0);
      Value kernel = tensor::EmptyOp::create(rewriter, loc, window.kernel, element);
      pooled = linalg::PoolingNchwMaxOp::create(
                   rewriter, loc, TypeRange{resultType}, ValueRange{padded, kernel},
                   ValueRange{acc}, i64Vector(rewriter, window.strides),
                   i64Vector(rewriter, window.dilations))
                   .getResult(0);
    }
    rewriter.replaceOp(
        op, {finishPool(rewriter, loc, *pool, pooled, op.getY().getType()),
             Value()});
    return success();
  }
};

struct AveragePoolLowering : OpConversionPattern<AveragePoolOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(AveragePoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type element = getElementType(adaptor.getX());
    if (!element || !isa<FloatType>(element))
      return rewriter.notifyMatchFailure(op,
                                         "only float elements are supported");
    std::string reason;
    if (!hasStaticSpatialDims(adaptor.getX().getType()) ||
        !hasStaticSpatialDims(op.getType())) {
      FailureOr<Value> pooled = buildDynamicPool(
          rewriter, op, adaptor.getX(), cast<RankedTensorType>(op.getType()),
          PoolKind::Average, op.getCountIncludePad() != 0, reason);
      if (failed(pooled))
        return rewriter.notifyMatchFailure(op, reason);
      rewriter.replaceOp(op, *pooled);
      return success();
    }
    FailureOr<Pool2D> pool =
        getPool2D(rewriter, op, adaptor.getX(), op.getType(), reason);
    if (failed(pool))
      return rewriter.notifyMatchFailure(op, reason);
    const Window &window = pool->window;
    RankedTensorType resultType = pool->resultType;
    Type accType = accumulatorType(rewriter, element);
    auto accResult = RankedTensorType::get(resultType.getShape(), accType);
    Value padded = padSpatial(rewriter, loc, pool->x, window.pads,
                              scalarConstant(rewriter, loc, element, 0));
    Value kernel = tensor::EmptyOp::create(rewriter, loc, window.kernel, element);
    Value sum =
        linalg::PoolingNchwSumOp::create(
            rewriter, loc, TypeRange{accResult}, ValueRange{padded, kernel},
            ValueRange{zeroAccumulator(rewriter, loc, resultType.getShape(),
                                       accType, pool->sizes)},
            i64Vector(rewriter, window.strides),
            i64Vector(rewriter, window.dilations))
            .getResult(0);

    // The divisor is a product of one count per spatial dim, known at
    // compile time: a scalar factor for the dims where every window counts
    // the same, a constant vector indexed by the output position for others.
    bool includePad = op.getCountIncludePad();
    int64_t rank = resultType.getRank();
    MLIRContext *ctx = rewriter.getContext();
    SmallVector<Value> inputs = {sum};
    SmallVector<AffineMap> maps = {rewriter.getMultiDimIdentityMap(rank)};
    int64_t uniform = 1;
    for (int64_t dim = 0; dim < 2; ++dim) {
      SmallVector<int64_t> counts = poolDivisors(*pool, dim, includePad);
      if (llvm::all_equal(counts)) {
        uniform *= counts.front();
        continue;
      }
      SmallVector<Attribute> values;
      for (int64_t c : counts)
        values.push_back(rewriter.getFloatAttr(accType, c));
      auto type = RankedTensorType::get({static_cast<int64_t>(counts.size())},
                                        accType);
      inputs.push_back(arith::ConstantOp::create(
          rewriter, loc, DenseElementsAttr::get(type, values)));
      maps.push_back(AffineMap::get(rank, 0, getAffineDimExpr(2 + dim, ctx), ctx));
    }
    size_t numVectors = inputs.size() - 1;
    maps.push_back(rewriter.getMultiDimIdentityMap(rank));
    Value init = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                         resultType.getElementType(),
                                         pool->sizes);
    Value result =
        linalg::GenericOp::create(
            rewriter, loc, resultType, inputs, init, maps,
            SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value divisor;
              if (uniform != 1 || numVectors == 0)
                divisor = scalarConstant(b, l, accType, uniform);
              for (Value count : args.slice(1, numVectors))
                divisor = divisor ? Value(arith::MulFOp::create(b, l, divisor, count))
                                  : count;
              Value v = arith::DivFOp::create(b, l, args[0], divisor);
              if (v.getType() != resultType.getElementType())
                v = arith::TruncFOp::create(b, l, resultType.getElementType(), v);
              linalg::YieldOp::create(b, l, v);
            })
            .getResult(0);
    rewriter.replaceOp(op,
                       finishPool(rewriter, loc, *pool, result, op.getType()));
    return success();
  }
};

/// GlobalAveragePool / GlobalMaxPool: one reduction over the spatial dims.
template <typename GlobalOp, bool isMax>
struct GlobalPoolLowering : OpConversionPattern<GlobalOp> {
  using OpConversionPattern<GlobalOp>::OpConversionPattern;
  using OpAdaptor = typename OpConversionPattern<GlobalOp>::OpAdaptor;
  LogicalResult
  matchAndRewrite(GlobalOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getX();
    auto xType = dyn_cast<RankedTensorType>(x.getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!xType || !resultType || xType.getRank() != resultType.getRank() ||
        xType.getRank() < 2 || !isa<FloatType>(xType.getElementType()) ||
        resultType.isDynamicDim(0) != xType.isDynamicDim(0) ||
        resultType.isDynamicDim(1) != xType.isDynamicDim(1))
      return rewriter.notifyMatchFailure(op, "only float N x C x ... inputs");
    Type element = xType.getElementType();
    Type accType = accumulatorType(rewriter, element);
    int64_t rank = xType.getRank();
    MLIRContext *ctx = rewriter.getContext();
    SmallVector<AffineExpr> outExprs = {getAffineDimExpr(0, ctx),
                                        getAffineDimExpr(1, ctx)};
    for (int64_t d = 2; d < rank; ++d)
      outExprs.push_back(getAffineConstantExpr(0, ctx));
    SmallVector<AffineMap> maps = {rewriter.getMultiDimIdentityMap(rank),
                                   AffineMap::get(rank, 0, outExprs, ctx)};
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::reduction);
    iterators[0] = iterators[1] = utils::IteratorType::parallel;
    double initValue = isMax ? -std::numeric_limits<double>::infinity() : 0.0;
    auto accTensor = RankedTensorType::get(resultType.getShape(), accType);
    SmallVector<bool> spatial(rank, true);
    spatial[0] = spatial[1] = false;
    SmallVector<Value> sizes;
    for (int64_t d = 0; d < 2; ++d)
      if (xType.isDynamicDim(d))
        sizes.push_back(tensor::DimOp::create(rewriter, loc, x, d));
    Value acc;
    if (sizes.empty()) {
      acc = filledTensor(rewriter, loc, accTensor,
                         rewriter.getFloatAttr(accType, initValue));
    } else {
      Value init = tensor::EmptyOp::create(rewriter, loc, accTensor.getShape(),
                                           accType, sizes);
      Value scalar = scalarConstant(rewriter, loc, accType, initValue);
      acc = linalg::FillOp::create(rewriter, loc, scalar, init).getResult(0);
    }
    Value reduced =
        linalg::GenericOp::create(
            rewriter, loc, accTensor, x, acc, maps, iterators,
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value v = args[0];
              if (v.getType() != accType)
                v = arith::ExtFOp::create(b, l, accType, v);
              Value r = isMax ? Value(arith::MaximumFOp::create(b, l, args[1], v))
                              : Value(arith::AddFOp::create(b, l, args[1], v));
              linalg::YieldOp::create(b, l, r);
            })
            .getResult(0);
    if (!isMax) {
      // Spatial dims known only at run time count by their product then.
      int64_t staticCount = 1;
      Value dynamicCount =
          dynamicDimProduct(rewriter, loc, x, spatial, staticCount);
      Value runTimeCount =
          dynamicCount ? indexToFloat(rewriter, loc, dynamicCount, staticCount,
                                      accType)
                       : Value();
      double count = staticCount;
      Value init = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                           accType, sizes);
      SmallVector<AffineMap> idMaps(2, rewriter.getMultiDimIdentityMap(rank));
      reduced =
          linalg::GenericOp::create(
              rewriter, loc, accTensor, reduced, init, idMaps,
              SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
              [&](OpBuilder &b, Location l, ValueRange args) {
                Value v = arith::DivFOp::create(
                    b, l, args[0],
                    runTimeCount ? runTimeCount
                                 : scalarConstant(b, l, accType, count));
                linalg::YieldOp::create(b, l, v);
              })
              .getResult(0);
    }
    rewriter.replaceOp(op, castTensor(rewriter, loc, reduced, resultType));
    return success();
  }
};

} // namespace

FailureOr<Value> buildDynamicSumPool(OpBuilder &b, LpPoolOp op, Value x,
                                     RankedTensorType resultType,
                                     std::string &reason) {
  return buildDynamicPool(b, op, x, resultType, PoolKind::Sum,
                          /*countIncludePad=*/false, reason);
}

void populateONNXConvToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ConvLowering, MaxPoolLowering, AveragePoolLowering,
               GlobalPoolLowering<GlobalAveragePoolOp, false>,
               GlobalPoolLowering<GlobalMaxPoolOp, true>>(patterns.getContext());
}

} // namespace onnxc
