//===- Recurrent.cpp - LSTM, GRU and RNN to linalg and scf ----------------===//
//
// Per direction, the input projection of all steps is one contraction
// X * W^T (plus the biases that do not depend on the state); an scf.for over
// time then computes H * R^T and one elementwise generic that produces the
// new state from the gates, written over the loop-carried state so that the
// loop bufferizes in place, and inserts the step's H into Y.
//
// Elements are computed in their compute type (ComputeTypes.h): f16 and bf16
// operands are extended to f32 once on entry and the outputs rounded once on
// exit. That is what onnxruntime computes for f16 (its kernels are f32 only;
// it casts around them), bit for bit; rounding the state at every step
// instead drifts by a few f16 ulps over a sequence. f32 and f64 are computed
// in their own type.
//
// Attributes: layout 1 (batch-major X, Y, initial and final states) is
// transposed on entry and exit; `activations` takes every function ONNX
// lists (Relu, Tanh, Sigmoid, Affine, LeakyRelu, ThresholdedRelu, ScaledTanh,
// HardSigmoid, Elu, Softsign, Softplus; names compare case-insensitively),
// activation_alpha/beta being consumed in order by the functions that take
// them, with the ONNX operators' defaults; `clip` bounds the input of every
// activation but LSTM's h (as onnxruntime does); LSTM's input_forget makes
// f = 1 - i. With sequence_lens, a step at or past a batch entry's length
// leaves its state unchanged and writes zeros to Y; since a reverse direction
// visits those steps first, it starts from the initial state at the entry's
// own last step.
//
//===----------------------------------------------------------------------===//

#include "Common.h"
#include "ComputeTypes.h"

#include "onnxc/Conversion/Passes.h"
#include "onnxc/Dialect/ONNX/ONNXOps.h"
#include "onnxc/Dialect/ONNX/ShapeUtils.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace onnxc::onnx_ir;
using namespace onnxc::linalg_lowering;

namespace onnxc {
namespace {

//===----------------------------------------------------------------------===//
// Activation functions
//===----------------------------------------------------------------------===//

enum class ActivationKind {
  Relu,
  Tanh,
  Sigmoid,
  Affine,
  LeakyRelu,
  ThresholdedRelu,
  ScaledTanh,
  HardSigmoid,
  Elu,
  Softsign,
  Softplus
};

/// One activation function of a recurrent op with its alpha and beta.
struct Activation {
  ActivationKind kind;
  double alpha = 0.0, beta = 0.0;
};

struct ActivationSpec {
  StringRef name;
  ActivationKind kind;
  bool takesAlpha, takesBeta;
  /// Defaults: those of the ONNX operators of the same name, as the spec
  /// asks (Affine and ScaledTanh: 1 and 0, 1 and 1). onnxruntime's kernels
  /// use 0 for the alpha and beta of Affine, ThresholdedRelu and ScaledTanh
  /// when the attributes omit them.
  double alpha, beta;
};

const ActivationSpec kActivations[] = {
    {"Relu", ActivationKind::Relu, false, false, 0.0, 0.0},
    {"Tanh", ActivationKind::Tanh, false, false, 0.0, 0.0},
    {"Sigmoid", ActivationKind::Sigmoid, false, false, 0.0, 0.0},
    {"Affine", ActivationKind::Affine, true, true, 1.0, 0.0},
    {"LeakyRelu", ActivationKind::LeakyRelu, true, false, 0.01, 0.0},
    {"ThresholdedRelu", ActivationKind::ThresholdedRelu, true, false, 1.0, 0.0},
    {"ScaledTanh", ActivationKind::ScaledTanh, true, true, 1.0, 1.0},
    {"HardSigmoid", ActivationKind::HardSigmoid, true, true, 0.2, 0.5},
    {"Elu", ActivationKind::Elu, true, false, 1.0, 0.0},
    {"Softsign", ActivationKind::Softsign, false, false, 0.0, 0.0},
    {"Softplus", ActivationKind::Softplus, false, false, 0.0, 0.0},
};

/// f(x) for a float scalar `x`, computed in its type.
Value applyActivation(OpBuilder &b, Location loc, const Activation &f,
                      Value x) {
  Type type = x.getType();
  auto c = [&](double v) { return scalarConstant(b, loc, type, v); };
  auto add = [&](Value l, Value r) -> Value {
    return arith::AddFOp::create(b, loc, l, r);
  };
  auto mul = [&](Value l, Value r) -> Value {
    return arith::MulFOp::create(b, loc, l, r);
  };
  auto cmp = [&](arith::CmpFPredicate p, Value l, Value r) -> Value {
    return arith::CmpFOp::create(b, loc, p, l, r);
  };
  auto select = [&](Value cond, Value l, Value r) -> Value {
    return arith::SelectOp::create(b, loc, cond, l, r);
  };
  switch (f.kind) {
  case ActivationKind::Relu:
    return arith::MaximumFOp::create(b, loc, x, c(0.0));
  case ActivationKind::Tanh:
    return math::TanhOp::create(b, loc, x);
  case ActivationKind::Sigmoid: {
    Value e = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, x));
    return arith::DivFOp::create(b, loc, c(1.0), add(c(1.0), e));
  }
  case ActivationKind::Affine:
    return add(mul(c(f.alpha), x), c(f.beta));
  case ActivationKind::LeakyRelu:
    return select(cmp(arith::CmpFPredicate::OGE, x, c(0.0)), x,
                  mul(c(f.alpha), x));
  case ActivationKind::ThresholdedRelu:
    return select(cmp(arith::CmpFPredicate::OGT, x, c(f.alpha)), x, c(0.0));
  case ActivationKind::ScaledTanh:
    return mul(c(f.alpha), math::TanhOp::create(b, loc, mul(c(f.beta), x)));
  case ActivationKind::HardSigmoid: {
    Value y = add(mul(c(f.alpha), x), c(f.beta));
    return arith::MinimumFOp::create(
        b, loc, c(1.0), arith::MaximumFOp::create(b, loc, c(0.0), y));
  }
  case ActivationKind::Elu:
    return select(cmp(arith::CmpFPredicate::OGE, x, c(0.0)), x,
                  mul(c(f.alpha), math::ExpM1Op::create(b, loc, x)));
  case ActivationKind::Softsign:
    return arith::DivFOp::create(b, loc, x,
                                 add(c(1.0), math::AbsFOp::create(b, loc, x)));
  case ActivationKind::Softplus:
    return math::Log1pOp::create(b, loc, math::ExpOp::create(b, loc, x));
  }
  llvm_unreachable("unknown activation");
}

//===----------------------------------------------------------------------===//
// Tensor helpers
//===----------------------------------------------------------------------===//

/// Converts a float scalar to the float type `to` (extending or rounding).
Value convertFloat(OpBuilder &b, Location loc, Value x, Type to) {
  Type from = x.getType();
  if (from == to)
    return x;
  if (from.getIntOrFloatBitWidth() < to.getIntOrFloatBitWidth())
    return arith::ExtFOp::create(b, loc, to, x);
  return arith::TruncFOp::create(b, loc, to, x);
}

/// `v` (static shape) with its dims permuted, result dim i being `v`'s dim
/// perm[i] (no permutation when `perm` is empty), and its elements converted
/// to the float type `element`; `v` itself when neither changes anything.
Value permuteAndConvert(OpBuilder &b, Location loc, Value v,
                        ArrayRef<int64_t> perm, Type element) {
  auto type = cast<RankedTensorType>(v.getType());
  int64_t rank = type.getRank();
  SmallVector<int64_t> order(perm);
  if (order.empty())
    order = llvm::to_vector(llvm::seq<int64_t>(0, rank));
  bool identity = llvm::equal(order, llvm::seq<int64_t>(0, rank));
  if (identity && type.getElementType() == element)
    return v;
  SmallVector<int64_t> shape;
  SmallVector<unsigned> inverse(rank);
  for (int64_t i = 0; i < rank; ++i) {
    shape.push_back(type.getDimSize(order[i]));
    inverse[order[i]] = i;
  }
  auto resultType = RankedTensorType::get(shape, element);
  Value init = tensor::EmptyOp::create(b, loc, shape, element);
  SmallVector<AffineMap> maps = {
      AffineMap::getPermutationMap(inverse, b.getContext()),
      b.getMultiDimIdentityMap(rank)};
  return linalg::GenericOp::create(
             b, loc, resultType, v, init, maps,
             SmallVector<utils::IteratorType>(rank,
                                              utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               linalg::YieldOp::create(nb, nl,
                                       convertFloat(nb, nl, args[0], element));
             })
      .getResult(0);
}

/// out[i, j] (+)= sum_k lhs[i, k] * rhs[j, k] (rhs used transposed), into
/// `init`; lhs has the rank of `init` and is read with loops (i..., k).
Value contractTransposed(OpBuilder &b, Location loc, Value lhs, Value rhs,
                         Value init) {
  auto initType = cast<RankedTensorType>(init.getType());
  int64_t outRank = initType.getRank();
  int64_t loops = outRank + 1;
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineExpr> lhsExprs, outExprs;
  for (int64_t d = 0; d < outRank - 1; ++d)
    lhsExprs.push_back(getAffineDimExpr(d, ctx));
  lhsExprs.push_back(getAffineDimExpr(outRank, ctx));
  for (int64_t d = 0; d < outRank; ++d)
    outExprs.push_back(getAffineDimExpr(d, ctx));
  SmallVector<AffineMap> maps = {
      AffineMap::get(loops, 0, lhsExprs, ctx),
      AffineMap::get(
          loops, 0,
          {getAffineDimExpr(outRank - 1, ctx), getAffineDimExpr(outRank, ctx)},
          ctx),
      AffineMap::get(loops, 0, outExprs, ctx)};
  SmallVector<utils::IteratorType> iterators(outRank,
                                             utils::IteratorType::parallel);
  iterators.push_back(utils::IteratorType::reduction);
  return linalg::GenericOp::create(
             b, loc, initType, ValueRange{lhs, rhs}, init, maps, iterators,
             [](OpBuilder &nb, Location nl, ValueRange args) {
               Value p = arith::MulFOp::create(nb, nl, args[0], args[1]);
               Value sum = arith::AddFOp::create(nb, nl, args[2], p);
               linalg::YieldOp::create(nb, nl, sum);
             })
      .getResult(0);
}

/// Direction `dir` of a tensor whose first dim is the direction.
Value sliceDirection(OpBuilder &b, Location loc, Value v, int64_t dir) {
  auto type = cast<RankedTensorType>(v.getType());
  SmallVector<int64_t> shape(type.getShape().drop_front());
  SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0));
  offsets[0] = b.getIndexAttr(dir);
  SmallVector<OpFoldResult> sizes = {b.getIndexAttr(1)};
  for (int64_t d : shape)
    sizes.push_back(b.getIndexAttr(d));
  SmallVector<OpFoldResult> strides(type.getRank(), b.getIndexAttr(1));
  return tensor::ExtractSliceOp::create(
      b, loc, RankedTensorType::get(shape, type.getElementType()), v, offsets,
      sizes, strides);
}

/// The columns [offset, offset + size) of the last dimension of `v`.
Value sliceLastDim(OpBuilder &b, Location loc, Value v, int64_t offset,
                   int64_t size) {
  auto type = cast<RankedTensorType>(v.getType());
  int64_t rank = type.getRank();
  SmallVector<int64_t> shape(type.getShape());
  shape.back() = size;
  SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0));
  offsets.back() = b.getIndexAttr(offset);
  SmallVector<OpFoldResult> sizes;
  for (int64_t d : shape)
    sizes.push_back(b.getIndexAttr(d));
  SmallVector<OpFoldResult> strides(rank, b.getIndexAttr(1));
  return tensor::ExtractSliceOp::create(
      b, loc, RankedTensorType::get(shape, type.getElementType()), v, offsets,
      sizes, strides);
}

/// Inserts a size-1 direction dim at `axis` into each direction's result
/// and concatenates them: Y [seq, dirs, batch, H] or states [dirs, batch, H].
Value stackDirections(OpBuilder &b, Location loc, ArrayRef<Value> parts,
                      int64_t axis) {
  SmallVector<Value> expanded;
  for (Value v : parts) {
    auto type = cast<RankedTensorType>(v.getType());
    SmallVector<int64_t> shape(type.getShape());
    shape.insert(shape.begin() + axis, 1);
    // The new dim joins its neighbour's reassociation group.
    SmallVector<ReassociationIndices> groups;
    for (int64_t d = 0; d < type.getRank(); ++d)
      groups.push_back({d + (d >= axis ? 1 : 0)});
    int64_t host = axis == 0 ? 0 : axis - 1;
    groups[host].push_back(axis);
    llvm::sort(groups[host]);
    expanded.push_back(tensor::ExpandShapeOp::create(
        b, loc, RankedTensorType::get(shape, type.getElementType()), v,
        groups));
  }
  if (expanded.size() == 1)
    return expanded[0];
  auto type = cast<RankedTensorType>(expanded[0].getType());
  SmallVector<int64_t> shape(type.getShape());
  shape[axis] = expanded.size();
  return tensor::ConcatOp::create(
      b, loc, RankedTensorType::get(shape, type.getElementType()), axis,
      expanded);
}

/// Adds the columns [offset, offset + width) of the 1-D `bias` (and of
/// `bias2` at `offset2` when given) to every row of the [seq, batch, width]
/// projection.
Value addBias(OpBuilder &b, Location loc, Value projected, Value bias,
              int64_t offset, std::optional<int64_t> offset2 = std::nullopt) {
  auto type = cast<RankedTensorType>(projected.getType());
  MLIRContext *ctx = b.getContext();
  int64_t width = type.getShape().back();
  SmallVector<Value> inputs = {projected,
                               sliceLastDim(b, loc, bias, offset, width)};
  if (offset2)
    inputs.push_back(sliceLastDim(b, loc, bias, *offset2, width));
  SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(3)};
  for (size_t i = 1; i < inputs.size(); ++i)
    maps.push_back(AffineMap::get(3, 0, {getAffineDimExpr(2, ctx)}, ctx));
  maps.push_back(b.getMultiDimIdentityMap(3));
  Value init =
      tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType());
  return linalg::GenericOp::create(
             b, loc, type, inputs, init, maps,
             SmallVector<utils::IteratorType>(3, utils::IteratorType::parallel),
             [](OpBuilder &nb, Location nl, ValueRange args) {
               Value sum = arith::AddFOp::create(nb, nl, args[0], args[1]);
               if (args.size() == 4)
                 sum = arith::AddFOp::create(nb, nl, sum, args[2]);
               linalg::YieldOp::create(nb, nl, sum);
             })
      .getResult(0);
}

/// The index of time step `t` of `seq`, counted from the end when `reverse`.
Value stepIndex(OpBuilder &b, Location loc, Value t, int64_t seq,
                bool reverse) {
  if (!reverse)
    return t;
  return arith::SubIOp::create(
      b, loc, arith::ConstantIndexOp::create(b, loc, seq - 1), t);
}

/// The [batch, width] slice at `step` of a [seq, batch, width] tensor.
Value extractStep(OpBuilder &b, Location loc, Value steps, Value step) {
  auto type = cast<RankedTensorType>(steps.getType());
  int64_t batch = type.getDimSize(1), width = type.getDimSize(2);
  return tensor::ExtractSliceOp::create(
      b, loc, RankedTensorType::get({batch, width}, type.getElementType()),
      steps,
      SmallVector<OpFoldResult>{step, b.getIndexAttr(0), b.getIndexAttr(0)},
      SmallVector<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(batch),
                                b.getIndexAttr(width)},
      SmallVector<OpFoldResult>(3, b.getIndexAttr(1)));
}

/// Inserts the [batch, H] state `h` into Y [seq, batch, H] at `step`.
Value insertStep(OpBuilder &b, Location loc, Value h, Value y, Value step) {
  auto type = cast<RankedTensorType>(h.getType());
  return tensor::InsertSliceOp::create(
      b, loc, h, y,
      SmallVector<OpFoldResult>{step, b.getIndexAttr(0), b.getIndexAttr(0)},
      SmallVector<OpFoldResult>{b.getIndexAttr(1),
                                b.getIndexAttr(type.getDimSize(0)),
                                b.getIndexAttr(type.getDimSize(1))},
      SmallVector<OpFoldResult>(3, b.getIndexAttr(1)));
}

/// An scf.for over `seq` steps carrying `init`.
scf::ForOp
timeLoop(OpBuilder &b, Location loc, int64_t seq, ValueRange init,
         function_ref<void(OpBuilder &, Location, Value, ValueRange)> body) {
  Value lb = arith::ConstantIndexOp::create(b, loc, 0);
  Value ub = arith::ConstantIndexOp::create(b, loc, seq);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  return scf::ForOp::create(b, loc, lb, ub, one, init, body);
}

//===----------------------------------------------------------------------===//
// What the three ops share
//===----------------------------------------------------------------------===//

/// A recurrent op the lowerings handle: static shapes, a float element type,
/// its activations parsed.
struct RecurrentInfo {
  int64_t seq, batch, dirs, hidden;
  bool batchFirst;
  StringRef direction;
  /// The tensors' element type and the type they are computed in.
  Type element, compute;
  std::optional<double> clip;
  /// `perDirection` functions for each direction in turn.
  SmallVector<Activation> activations;
  unsigned perDirection;

  /// Whether direction `dir` runs from the last step to the first.
  bool isReverse(int64_t dir) const {
    return direction == "reverse" || (direction == "bidirectional" && dir == 1);
  }
  const Activation &activation(int64_t dir, unsigned k) const {
    return activations[dir * perDirection + k];
  }
};

/// The operands of a recurrent op in the compute type, in layout 0 (X
/// [seq, batch, input], states [dirs, batch, H]); null when absent.
struct RecurrentOperands {
  Value x, w, r, b, initialH, initialC, p, sequenceLens;
};

/// Parses `activations` (default: `defaults` for each direction) with
/// activation_alpha/beta. Emits an error naming the node and fails for an
/// unknown function or a wrong count.
template <typename RecurrentOp>
FailureOr<SmallVector<Activation>>
parseActivations(RecurrentOp op, ArrayRef<StringRef> defaults, int64_t dirs) {
  SmallVector<StringRef> names;
  if (std::optional<ArrayAttr> attr = op.getActivations()) {
    for (Attribute a : *attr) {
      auto name = dyn_cast<StringAttr>(a);
      if (!name) {
        op.emitOpError("activations must be strings");
        return failure();
      }
      names.push_back(name.getValue());
    }
  } else {
    for (int64_t dir = 0; dir < dirs; ++dir)
      llvm::append_range(names, defaults);
  }
  size_t expected = defaults.size() * dirs;
  // Old RNN schemas listed two default activations; onnxruntime takes the
  // first one for a single direction.
  if (expected == 1 && names.size() == 2)
    names.resize(1);
  if (names.size() != expected) {
    op.emitOpError() << "expects " << expected << " activations ("
                     << defaults.size() << " per direction), got "
                     << names.size();
    return failure();
  }
  ArrayRef<float> alphas = op.getActivationAlpha().value_or(ArrayRef<float>());
  ArrayRef<float> betas = op.getActivationBeta().value_or(ArrayRef<float>());
  size_t nextAlpha = 0, nextBeta = 0;
  SmallVector<Activation> result;
  for (StringRef name : names) {
    const ActivationSpec *spec =
        llvm::find_if(kActivations, [&](const ActivationSpec &s) {
          return s.name.equals_insensitive(name);
        });
    if (spec == std::end(kActivations)) {
      InFlightDiagnostic diag = op.emitOpError()
                                << "unsupported activation function '" << name
                                << "' (expected one of";
      for (const ActivationSpec &s : kActivations)
        diag << " " << s.name;
      diag << ")";
      return failure();
    }
    Activation f{spec->kind, spec->alpha, spec->beta};
    if (spec->takesAlpha && nextAlpha < alphas.size())
      f.alpha = alphas[nextAlpha++];
    if (spec->takesBeta && nextBeta < betas.size())
      f.beta = betas[nextBeta++];
    result.push_back(f);
  }
  return result;
}

bool isComputableFloat(Type t) {
  return isa<Float16Type, BFloat16Type, Float32Type, Float64Type>(t);
}

template <typename RecurrentOp, typename Adaptor>
FailureOr<RecurrentInfo> matchRecurrent(RecurrentOp op, Adaptor adaptor,
                                        int64_t gates,
                                        ArrayRef<StringRef> defaultActivations,
                                        ConversionPatternRewriter &rewriter) {
  auto xType = dyn_cast<RankedTensorType>(adaptor.getX().getType());
  auto wType = dyn_cast<RankedTensorType>(adaptor.getW().getType());
  if (!xType || !wType || !xType.hasStaticShape() || !wType.hasStaticShape() ||
      xType.getRank() != 3 || wType.getRank() != 3)
    return rewriter.notifyMatchFailure(op, "static shapes only");
  Type element = xType.getElementType();
  if (!isComputableFloat(element))
    return rewriter.notifyMatchFailure(op, "f16, bf16, f32 or f64 only");
  // Every other tensor operand but sequence_lens: static, same element type.
  for (Value v : op->getOperands()) {
    if (v == op.getSequenceLens() || isNone(v))
      continue;
    auto type = dyn_cast<RankedTensorType>(v.getType());
    if (!type || !type.hasStaticShape() || type.getElementType() != element)
      return rewriter.notifyMatchFailure(op, "operands differ in type");
  }
  for (Value v : op->getResults())
    if (!isNone(v) && !cast<ShapedType>(v.getType()).hasStaticShape())
      return rewriter.notifyMatchFailure(op, "results of static shape only");
  bool batchFirst = op.getLayout() == 1;
  RecurrentInfo info;
  info.seq = xType.getDimSize(batchFirst ? 1 : 0);
  info.batch = xType.getDimSize(batchFirst ? 0 : 1);
  info.dirs = wType.getDimSize(0);
  info.hidden = wType.getDimSize(1) / gates;
  info.batchFirst = batchFirst;
  info.direction = op.getDirection();
  info.element = element;
  info.compute = getComputeType(element);
  if (Value lens = adaptor.getSequenceLens(); !isNone(lens)) {
    auto type = dyn_cast<RankedTensorType>(lens.getType());
    if (!type || type.getShape() != ArrayRef<int64_t>{info.batch} ||
        !type.getElementType().isInteger(32))
      return rewriter.notifyMatchFailure(op,
                                         "sequence_lens must be i32 [batch]");
  }
  if (std::optional<APFloat> clip = op.getClip()) {
    info.clip = clip->convertToDouble();
    if (!(*info.clip > 0.0)) {
      op.emitOpError() << "clip must be positive, got " << *info.clip;
      return failure();
    }
  }
  FailureOr<SmallVector<Activation>> activations =
      parseActivations(op, defaultActivations, info.dirs);
  if (failed(activations))
    return failure();
  info.activations = std::move(*activations);
  info.perDirection = defaultActivations.size();
  return info;
}

/// The operands in the compute type and in layout 0.
template <typename Adaptor>
RecurrentOperands prepareOperands(OpBuilder &b, Location loc,
                                  const RecurrentInfo &info, Adaptor adaptor,
                                  Value initialC, Value p) {
  SmallVector<int64_t> swap01 = {1, 0, 2};
  auto convert = [&](Value v, ArrayRef<int64_t> perm = {}) -> Value {
    if (!v || isNone(v))
      return Value();
    return permuteAndConvert(
        b, loc, v, info.batchFirst ? perm : ArrayRef<int64_t>(), info.compute);
  };
  RecurrentOperands ops;
  // Layout 1: X [batch, seq, input] and states [batch, dirs, H].
  ops.x = convert(adaptor.getX(), swap01);
  ops.w = convert(adaptor.getW());
  ops.r = convert(adaptor.getR());
  ops.b = convert(adaptor.getB());
  ops.initialH = convert(adaptor.getInitialH(), swap01);
  ops.initialC = convert(initialC, swap01);
  ops.p = convert(p);
  if (!isNone(adaptor.getSequenceLens()))
    ops.sequenceLens = adaptor.getSequenceLens();
  return ops;
}

/// Direction `dir` of an initial state, or zeros.
Value initialState(OpBuilder &b, Location loc, Value initial, int64_t dir,
                   const RecurrentInfo &info) {
  if (!initial)
    return zeroAccumulator(b, loc, {info.batch, info.hidden}, info.compute, {});
  return sliceDirection(b, loc, initial, dir);
}

/// X * W^T for every step of direction `dir`: [seq, batch, width].
Value projectInput(OpBuilder &b, Location loc, const RecurrentInfo &info,
                   const RecurrentOperands &ops, int64_t dir, int64_t width) {
  Value w = sliceDirection(b, loc, ops.w, dir);
  return contractTransposed(
      b, loc, ops.x, w,
      zeroAccumulator(b, loc, {info.seq, info.batch, width}, info.compute, {}));
}

/// Per-step inputs and outputs that sequence_lens adds to a cell generic:
/// the lengths read per batch row, and Y's slice for the step (zeros past a
/// row's length).
struct StepMask {
  Value lens;    // tensor<batch x i32>, null without sequence_lens
  Value stepI32; // the step's index in X

  StepMask(OpBuilder &b, Location loc, Value lens, Value step) : lens(lens) {
    if (lens)
      stepI32 = arith::IndexCastOp::create(b, loc, b.getI32Type(), step);
  }
  explicit operator bool() const { return static_cast<bool>(lens); }

  /// Appends the lengths to a [batch, H] generic's inputs.
  void addInput(MLIRContext *ctx, SmallVector<Value> &inputs,
                SmallVector<AffineMap> &maps) const {
    if (!lens)
      return;
    inputs.push_back(lens);
    maps.push_back(AffineMap::get(2, 0, {getAffineDimExpr(0, ctx)}, ctx));
  }
  /// Whether the step is inside the row of length `len`.
  Value valid(OpBuilder &b, Location loc, Value len) const {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, stepI32,
                                 len);
  }
};

/// Clips `x` to [-clip, clip] when the op has a clip.
Value clipped(OpBuilder &b, Location loc, const RecurrentInfo &info, Value x) {
  if (!info.clip)
    return x;
  Value bound = scalarConstant(b, loc, x.getType(), *info.clip);
  Value low = scalarConstant(b, loc, x.getType(), -*info.clip);
  return arith::MinimumFOp::create(
      b, loc, arith::MaximumFOp::create(b, loc, x, low), bound);
}

/// Replaces `op` with its outputs: `ys` ([seq, batch, H] per direction) and
/// each of `states` ([batch, H] per direction), stacked along the
/// direction, transposed for layout 1 and rounded to the element type.
/// `results` are op's results in the same order.
void replaceRecurrent(ConversionPatternRewriter &rewriter, Operation *op,
                      const RecurrentInfo &info, ValueRange results,
                      ArrayRef<SmallVector<Value>> outputs) {
  Location loc = op->getLoc();
  SmallVector<Value> replacements;
  for (auto [index, result] : llvm::enumerate(results)) {
    if (isNone(result)) {
      replacements.push_back(Value());
      continue;
    }
    bool isY = index == 0;
    // Layout 0: Y [seq, dirs, batch, H], states [dirs, batch, H]; layout 1:
    // Y [batch, seq, dirs, H], states [batch, dirs, H].
    Value stacked = stackDirections(rewriter, loc, outputs[index], isY ? 1 : 0);
    SmallVector<int64_t> perm;
    if (info.batchFirst)
      perm = isY ? SmallVector<int64_t>{2, 0, 1, 3}
                 : SmallVector<int64_t>{1, 0, 2};
    replacements.push_back(
        permuteAndConvert(rewriter, loc, stacked, perm, info.element));
  }
  rewriter.replaceOp(op, replacements);
}

//===----------------------------------------------------------------------===//
// LSTM
//===----------------------------------------------------------------------===//

/// LSTM, gate order i, o, f, c; optional peepholes P = [Pi, Po, Pf];
/// activations f, g, h per direction. Wb + Rb join the input projection.
struct LSTMLowering : OpConversionPattern<LSTMOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(LSTMOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    FailureOr<RecurrentInfo> info =
        matchRecurrent(op, adaptor, 4, {"Sigmoid", "Tanh", "Tanh"}, rewriter);
    if (failed(info))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Type ct = info->compute;
    int64_t seq = info->seq, batch = info->batch, hidden = info->hidden;
    bool inputForget = op.getInputForget() != 0;
    bool wantY = !isNone(op.getY());
    auto stateType = RankedTensorType::get({batch, hidden}, ct);
    RecurrentOperands ops = prepareOperands(
        rewriter, loc, *info, adaptor, adaptor.getInitialC(), adaptor.getP());
    AffineMap id = rewriter.getMultiDimIdentityMap(2);
    AffineMap column = AffineMap::get(2, 0, {getAffineDimExpr(1, ctx)}, ctx);

    SmallVector<Value> ys, hs, cs;
    for (int64_t dir = 0; dir < info->dirs; ++dir) {
      bool reverse = info->isReverse(dir);
      const Activation &fAct = info->activation(dir, 0),
                       &gAct = info->activation(dir, 1),
                       &hAct = info->activation(dir, 2);
      Value r = sliceDirection(rewriter, loc, ops.r, dir);
      // All input projections at once: [seq, batch, 4H], bias included.
      Value projected =
          projectInput(rewriter, loc, *info, ops, dir, 4 * hidden);
      if (ops.b)
        projected =
            addBias(rewriter, loc, projected,
                    sliceDirection(rewriter, loc, ops.b, dir), 0, 4 * hidden);
      Value peephole =
          ops.p ? sliceDirection(rewriter, loc, ops.p, dir) : Value();
      SmallVector<Value> init = {
          initialState(rewriter, loc, ops.initialH, dir, *info),
          initialState(rewriter, loc, ops.initialC, dir, *info)};
      if (wantY)
        init.push_back(
            tensor::EmptyOp::create(rewriter, loc, {seq, batch, hidden}, ct));
      auto loop = timeLoop(
          rewriter, loc, seq, init,
          [&](OpBuilder &nb, Location nl, Value t, ValueRange state) {
            Value step = stepIndex(nb, nl, t, seq, reverse);
            StepMask mask(nb, nl, ops.sequenceLens, step);
            Value xw = extractStep(nb, nl, projected, step);
            Value hr = contractTransposed(
                nb, nl, state[0], r,
                zeroAccumulator(nb, nl, {batch, 4 * hidden}, ct, {}));
            // Gates and the new state in one generic over [batch, hidden].
            SmallVector<Value> inputs;
            for (Value all : {xw, hr})
              for (int k = 0; k < 4; ++k)
                inputs.push_back(sliceLastDim(nb, nl, all, k * hidden, hidden));
            inputs.push_back(state[1]);
            SmallVector<AffineMap> maps(9, id);
            if (peephole) {
              for (int k = 0; k < 3; ++k) {
                inputs.push_back(
                    sliceLastDim(nb, nl, peephole, k * hidden, hidden));
                maps.push_back(column);
              }
            }
            unsigned lensArg = inputs.size();
            mask.addInput(ctx, inputs, maps);
            // The new state overwrites the loop-carried tensors, so that the
            // loop bufferizes in place; with sequence_lens, Y's step has its
            // own output.
            SmallVector<Value> outs = {state[1], state[0]};
            SmallVector<Type> outTypes = {stateType, stateType};
            if (mask && wantY) {
              outs.push_back(
                  tensor::EmptyOp::create(nb, nl, {batch, hidden}, ct));
              outTypes.push_back(stateType);
            }
            maps.append(outs.size(), id);
            auto cell = linalg::GenericOp::create(
                nb, nl, outTypes, inputs, outs, maps,
                SmallVector<utils::IteratorType>(2,
                                                 utils::IteratorType::parallel),
                [&](OpBuilder &gb, Location gl, ValueRange a) {
                  auto add = [&](Value x, Value y) -> Value {
                    return arith::AddFOp::create(gb, gl, x, y);
                  };
                  auto mul = [&](Value x, Value y) -> Value {
                    return arith::MulFOp::create(gb, gl, x, y);
                  };
                  auto gate = [&](const Activation &f, Value x) {
                    return applyActivation(gb, gl, f,
                                           clipped(gb, gl, *info, x));
                  };
                  Value cPrev = a[8];
                  Value iPre = add(a[0], a[4]), oPre = add(a[1], a[5]),
                        fPre = add(a[2], a[6]), gPre = add(a[3], a[7]);
                  if (peephole) {
                    iPre = add(iPre, mul(a[9], cPrev));
                    fPre = add(fPre, mul(a[11], cPrev));
                  }
                  Value i = gate(fAct, iPre);
                  Value f =
                      inputForget
                          ? Value(arith::SubFOp::create(
                                gb, gl, scalarConstant(gb, gl, ct, 1.0), i))
                          : gate(fAct, fPre);
                  Value g = gate(gAct, gPre);
                  Value c = add(mul(f, cPrev), mul(i, g));
                  if (peephole)
                    oPre = add(oPre, mul(a[10], c));
                  Value o = gate(fAct, oPre);
                  Value h = mul(o, applyActivation(gb, gl, hAct, c));
                  SmallVector<Value> yields = {c, h};
                  if (mask) {
                    Value valid = mask.valid(gb, gl, a[lensArg]);
                    Value hPrev = a[lensArg + 2];
                    yields = {arith::SelectOp::create(gb, gl, valid, c, cPrev),
                              arith::SelectOp::create(gb, gl, valid, h, hPrev)};
                    if (wantY)
                      yields.push_back(arith::SelectOp::create(
                          gb, gl, valid, h, scalarConstant(gb, gl, ct, 0.0)));
                  }
                  linalg::YieldOp::create(gb, gl, yields);
                });
            Value cNew = cell.getResult(0), hNew = cell.getResult(1);
            SmallVector<Value> next = {hNew, cNew};
            if (wantY)
              next.push_back(insertStep(nb, nl, cell.getResult(mask ? 2 : 1),
                                        state[2], step));
            scf::YieldOp::create(nb, nl, next);
          });
      hs.push_back(loop.getResult(0));
      cs.push_back(loop.getResult(1));
      if (wantY)
        ys.push_back(loop.getResult(2));
    }
    replaceRecurrent(rewriter, op, *info, op->getResults(), {ys, hs, cs});
    return success();
  }
};

//===----------------------------------------------------------------------===//
// GRU
//===----------------------------------------------------------------------===//

/// GRU, gate order z, r, h; activations f, g per direction. Wb joins the
/// input projection, Rb is added per gate inside the step. With
/// linear_before_reset the reset gate scales H * Rh^T + Rbh; without it,
/// (r * H) * Rh^T is a second contraction inside the step.
struct GRULowering : OpConversionPattern<GRUOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GRUOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    FailureOr<RecurrentInfo> info =
        matchRecurrent(op, adaptor, 3, {"Sigmoid", "Tanh"}, rewriter);
    if (failed(info))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Type ct = info->compute;
    int64_t seq = info->seq, batch = info->batch, hidden = info->hidden;
    bool linearBeforeReset = op.getLinearBeforeReset() != 0;
    bool wantY = !isNone(op.getY());
    auto stateType = RankedTensorType::get({batch, hidden}, ct);
    RecurrentOperands ops =
        prepareOperands(rewriter, loc, *info, adaptor, Value(), Value());
    AffineMap id = rewriter.getMultiDimIdentityMap(2);
    AffineMap column = AffineMap::get(2, 0, {getAffineDimExpr(1, ctx)}, ctx);
    auto parallel2 =
        SmallVector<utils::IteratorType>(2, utils::IteratorType::parallel);

    SmallVector<Value> ys, hs;
    for (int64_t dir = 0; dir < info->dirs; ++dir) {
      bool reverse = info->isReverse(dir);
      const Activation &fAct = info->activation(dir, 0),
                       &gAct = info->activation(dir, 1);
      Value r = sliceDirection(rewriter, loc, ops.r, dir);
      Value projected =
          projectInput(rewriter, loc, *info, ops, dir, 3 * hidden);
      Value rb = zeroAccumulator(rewriter, loc, {3 * hidden}, ct, {});
      if (ops.b) {
        Value bias = sliceDirection(rewriter, loc, ops.b, dir);
        projected = addBias(rewriter, loc, projected, bias, 0);
        rb = sliceLastDim(rewriter, loc, bias, 3 * hidden, 3 * hidden);
      }
      SmallVector<Value> init = {
          initialState(rewriter, loc, ops.initialH, dir, *info)};
      if (wantY)
        init.push_back(
            tensor::EmptyOp::create(rewriter, loc, {seq, batch, hidden}, ct));
      auto loop = timeLoop(
          rewriter, loc, seq, init,
          [&](OpBuilder &nb, Location nl, Value t, ValueRange state) {
            Value step = stepIndex(nb, nl, t, seq, reverse);
            StepMask mask(nb, nl, ops.sequenceLens, step);
            Value xw = extractStep(nb, nl, projected, step);
            Value hPrev = state[0];
            Value hr = contractTransposed(
                nb, nl, hPrev, r,
                zeroAccumulator(nb, nl, {batch, 3 * hidden}, ct, {}));
            auto gateSlice = [&](Value v, int k) {
              return sliceLastDim(nb, nl, v, k * hidden, hidden);
            };
            auto activate = [&](OpBuilder &gb, Location gl, const Activation &f,
                                Value x) {
              return applyActivation(gb, gl, f, clipped(gb, gl, *info, x));
            };
            // Ht = (1 - z) * h + z * Ht-1, or Ht-1 past the row's length;
            // with sequence_lens, also Y's step (zeros past the length).
            auto finish = [&](OpBuilder &gb, Location gl, Value z, Value hh,
                              Value hOld, Value len) {
              Value one = scalarConstant(gb, gl, ct, 1.0);
              Value h = arith::AddFOp::create(
                  gb, gl,
                  arith::MulFOp::create(
                      gb, gl, arith::SubFOp::create(gb, gl, one, z), hh),
                  arith::MulFOp::create(gb, gl, z, hOld));
              SmallVector<Value> yields = {h};
              if (mask) {
                Value valid = mask.valid(gb, gl, len);
                yields = {arith::SelectOp::create(gb, gl, valid, h, hOld)};
                if (wantY)
                  yields.push_back(arith::SelectOp::create(
                      gb, gl, valid, h, scalarConstant(gb, gl, ct, 0.0)));
              }
              linalg::YieldOp::create(gb, gl, yields);
            };
            // Written over the loop-carried H so the loop bufferizes in place.
            SmallVector<Value> outs = {hPrev};
            SmallVector<Type> outTypes = {stateType};
            if (mask && wantY) {
              outs.push_back(
                  tensor::EmptyOp::create(nb, nl, {batch, hidden}, ct));
              outTypes.push_back(stateType);
            }
            Operation *last;
            if (linearBeforeReset) {
              SmallVector<Value> inputs = {gateSlice(xw, 0), gateSlice(xw, 1),
                                           gateSlice(xw, 2), gateSlice(hr, 0),
                                           gateSlice(hr, 1), gateSlice(hr, 2),
                                           gateSlice(rb, 0), gateSlice(rb, 1),
                                           gateSlice(rb, 2), hPrev};
              SmallVector<AffineMap> maps = {id, id,     id,     id,     id,
                                             id, column, column, column, id};
              unsigned lensArg = inputs.size();
              mask.addInput(ctx, inputs, maps);
              maps.append(outs.size(), id);
              last = linalg::GenericOp::create(
                  nb, nl, outTypes, inputs, outs, maps, parallel2,
                  [&](OpBuilder &gb, Location gl, ValueRange a) {
                    auto add = [&](Value x, Value y) -> Value {
                      return arith::AddFOp::create(gb, gl, x, y);
                    };
                    Value z =
                        activate(gb, gl, fAct, add(a[0], add(a[3], a[6])));
                    Value rg =
                        activate(gb, gl, fAct, add(a[1], add(a[4], a[7])));
                    Value hh =
                        activate(gb, gl, gAct,
                                 add(a[2], arith::MulFOp::create(
                                               gb, gl, rg, add(a[5], a[8]))));
                    finish(gb, gl, z, hh, a[9], mask ? a[lensArg] : Value());
                  });
            } else {
              // z and r * H first, then (r * H) * Rh^T, then the new state.
              SmallVector<Value> inputs = {gateSlice(xw, 0),
                                           gateSlice(xw, 1),
                                           gateSlice(hr, 0),
                                           gateSlice(hr, 1),
                                           gateSlice(rb, 0),
                                           gateSlice(rb, 1),
                                           hPrev};
              SmallVector<AffineMap> maps = {id,     id, id, id, column,
                                             column, id, id, id};
              Value zInit =
                  tensor::EmptyOp::create(nb, nl, {batch, hidden}, ct);
              Value rhInit =
                  tensor::EmptyOp::create(nb, nl, {batch, hidden}, ct);
              auto gates = linalg::GenericOp::create(
                  nb, nl, TypeRange{stateType, stateType}, inputs,
                  ValueRange{zInit, rhInit}, maps, parallel2,
                  [&](OpBuilder &gb, Location gl, ValueRange a) {
                    auto add = [&](Value x, Value y) -> Value {
                      return arith::AddFOp::create(gb, gl, x, y);
                    };
                    Value z =
                        activate(gb, gl, fAct, add(a[0], add(a[2], a[4])));
                    Value rg =
                        activate(gb, gl, fAct, add(a[1], add(a[3], a[5])));
                    Value rh = arith::MulFOp::create(gb, gl, rg, a[6]);
                    linalg::YieldOp::create(gb, gl, ValueRange{z, rh});
                  });
              // Rh: rows [2H, 3H) of R.
              Value rh = tensor::ExtractSliceOp::create(
                  nb, nl, RankedTensorType::get({hidden, hidden}, ct), r,
                  SmallVector<OpFoldResult>{nb.getIndexAttr(2 * hidden),
                                            nb.getIndexAttr(0)},
                  SmallVector<OpFoldResult>{nb.getIndexAttr(hidden),
                                            nb.getIndexAttr(hidden)},
                  SmallVector<OpFoldResult>(2, nb.getIndexAttr(1)));
              Value resetProduct = contractTransposed(
                  nb, nl, gates.getResult(1), rh,
                  zeroAccumulator(nb, nl, {batch, hidden}, ct, {}));
              SmallVector<Value> lastInputs = {gates.getResult(0),
                                               gateSlice(xw, 2), resetProduct,
                                               gateSlice(rb, 2), hPrev};
              SmallVector<AffineMap> lastMaps = {id, id, id, column, id};
              unsigned lensArg = lastInputs.size();
              mask.addInput(ctx, lastInputs, lastMaps);
              lastMaps.append(outs.size(), id);
              last = linalg::GenericOp::create(
                  nb, nl, outTypes, lastInputs, outs, lastMaps, parallel2,
                  [&](OpBuilder &gb, Location gl, ValueRange a) {
                    Value pre = arith::AddFOp::create(
                        gb, gl, a[1],
                        arith::AddFOp::create(gb, gl, a[2], a[3]));
                    Value hh = activate(gb, gl, gAct, pre);
                    finish(gb, gl, a[0], hh, a[4], mask ? a[lensArg] : Value());
                  });
            }
            Value hNew = last->getResult(0);
            SmallVector<Value> next = {hNew};
            if (wantY)
              next.push_back(insertStep(nb, nl, last->getResult(mask ? 1 : 0),
                                        state[1], step));
            scf::YieldOp::create(nb, nl, next);
          });
      hs.push_back(loop.getResult(0));
      if (wantY)
        ys.push_back(loop.getResult(1));
    }
    replaceRecurrent(rewriter, op, *info, op->getResults(), {ys, hs});
    return success();
  }
};

//===----------------------------------------------------------------------===//
// RNN
//===----------------------------------------------------------------------===//

/// RNN: H = f(X W^T + H R^T + Wb + Rb), f per direction (default Tanh).
struct RNNLowering : OpConversionPattern<RNNOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(RNNOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    FailureOr<RecurrentInfo> info =
        matchRecurrent(op, adaptor, 1, {"Tanh"}, rewriter);
    if (failed(info))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Type ct = info->compute;
    int64_t seq = info->seq, batch = info->batch, hidden = info->hidden;
    bool wantY = !isNone(op.getY());
    auto stateType = RankedTensorType::get({batch, hidden}, ct);
    RecurrentOperands ops =
        prepareOperands(rewriter, loc, *info, adaptor, Value(), Value());
    AffineMap id = rewriter.getMultiDimIdentityMap(2);
    SmallVector<Value> ys, hs;
    for (int64_t dir = 0; dir < info->dirs; ++dir) {
      bool reverse = info->isReverse(dir);
      const Activation &fAct = info->activation(dir, 0);
      Value r = sliceDirection(rewriter, loc, ops.r, dir);
      Value projected = projectInput(rewriter, loc, *info, ops, dir, hidden);
      if (ops.b)
        projected =
            addBias(rewriter, loc, projected,
                    sliceDirection(rewriter, loc, ops.b, dir), 0, hidden);
      SmallVector<Value> init = {
          initialState(rewriter, loc, ops.initialH, dir, *info)};
      if (wantY)
        init.push_back(
            tensor::EmptyOp::create(rewriter, loc, {seq, batch, hidden}, ct));
      auto loop = timeLoop(
          rewriter, loc, seq, init,
          [&](OpBuilder &nb, Location nl, Value t, ValueRange state) {
            Value step = stepIndex(nb, nl, t, seq, reverse);
            StepMask mask(nb, nl, ops.sequenceLens, step);
            Value xw = extractStep(nb, nl, projected, step);
            Value hr = contractTransposed(
                nb, nl, state[0], r,
                zeroAccumulator(nb, nl, {batch, hidden}, ct, {}));
            SmallVector<Value> inputs = {xw, hr};
            SmallVector<AffineMap> maps = {id, id};
            mask.addInput(ctx, inputs, maps);
            // Written over the loop-carried H so the loop bufferizes in place.
            SmallVector<Value> outs = {state[0]};
            SmallVector<Type> outTypes = {stateType};
            if (mask && wantY) {
              outs.push_back(
                  tensor::EmptyOp::create(nb, nl, {batch, hidden}, ct));
              outTypes.push_back(stateType);
            }
            maps.append(outs.size(), id);
            auto cell = linalg::GenericOp::create(
                nb, nl, outTypes, inputs, outs, maps,
                SmallVector<utils::IteratorType>(2,
                                                 utils::IteratorType::parallel),
                [&](OpBuilder &gb, Location gl, ValueRange a) {
                  Value pre = arith::AddFOp::create(gb, gl, a[0], a[1]);
                  Value h = applyActivation(gb, gl, fAct,
                                            clipped(gb, gl, *info, pre));
                  SmallVector<Value> yields = {h};
                  if (mask) {
                    Value valid = mask.valid(gb, gl, a[2]);
                    yields = {arith::SelectOp::create(gb, gl, valid, h, a[3])};
                    if (wantY)
                      yields.push_back(arith::SelectOp::create(
                          gb, gl, valid, h, scalarConstant(gb, gl, ct, 0.0)));
                  }
                  linalg::YieldOp::create(gb, gl, yields);
                });
            SmallVector<Value> next = {cell.getResult(0)};
            if (wantY)
              next.push_back(insertStep(nb, nl, cell.getResult(mask ? 1 : 0),
                                        state[1], step));
            scf::YieldOp::create(nb, nl, next);
          });
      hs.push_back(loop.getResult(0));
      if (wantY)
        ys.push_back(loop.getResult(1));
    }
    replaceRecurrent(rewriter, op, *info, op->getResults(), {ys, hs});
    return success();
  }
};

} // namespace

void populateONNXRecurrentToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<LSTMLowering, GRULowering, RNNLowering>(patterns.getContext());
}

} // namespace onnxc
