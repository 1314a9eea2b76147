//===- ConstantEvaluator.cpp - Evaluate onnx ops on constants -------------===//
//
// Lowers one onnx op with constant operands into a scratch module and
// interprets the result. Why not an interpreter of the onnx ops themselves:
// that is one more copy of every op's semantics, the copy the per-op
// folders were, and it drifts from what the compiled code computes. Why not
// JIT-compiling the scratch function (MLIR's ExecutionEngine): it would
// run the whole CPU pipeline and ORC for each folded op (tens of ms each,
// hundreds of ops in a transformer's shape code) and bring LLVM's JIT and
// our runtime into the compiler. The lowered IR uses few op kinds: the
// structure (linalg.generic, tensor, scf, affine) is interpreted here and
// each scalar op is evaluated by its own MLIR folder, which gives exact
// arith semantics per type; an op whose folder declines (division by zero,
// a math function without a constant folder for its type) ends the
// evaluation, and the onnx op then runs at run time.
//
//===----------------------------------------------------------------------===//

#include "onnxc/Transforms/ConstantEvaluator.h"

#include "onnxc/Conversion/Passes.h"
#include "onnxc/Dialect/ONNX/ONNXOps.h"
#include "onnxc/Dialect/ONNX/ShapeUtils.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/MathExtras.h"

#include <memory>

using namespace mlir;
using namespace onnxc::onnx_ir;

namespace onnxc {
namespace {

/// Scalar ops (body ops included) executed per evaluation at most: shape
/// computations take thousands; a large contraction with constant operands
/// is left to run time rather than stall the compiler.
constexpr int64_t kMaxSteps = 1 << 21;

/// A tensor's elements, row-major, as typed scalar attributes.
struct Tensor {
  RankedTensorType type;
  SmallVector<Attribute> elements;
};

/// A value of the interpreted function: a scalar (IntegerAttr, FloatAttr,
/// index included) or a tensor.
struct RValue {
  Attribute scalar;
  std::shared_ptr<const Tensor> tensor;
};

RValue scalarValue(Attribute attr) { return RValue{attr, nullptr}; }
RValue tensorValue(Tensor t) {
  return RValue{nullptr, std::make_shared<const Tensor>(std::move(t))};
}

SmallVector<int64_t> stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t d = static_cast<int64_t>(shape.size()) - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  return strides;
}

/// The row-major coordinates of linear index `i` in `shape`.
void delinearize(int64_t i, ArrayRef<int64_t> shape,
                 SmallVectorImpl<int64_t> &coords) {
  coords.assign(shape.size(), 0);
  for (int64_t d = static_cast<int64_t>(shape.size()) - 1; d >= 0; --d) {
    coords[d] = i % shape[d];
    i /= shape[d];
  }
}

/// Zero of a scalar type, the contents of tensor.empty.
Attribute zeroOf(Type type) {
  if (auto floatType = dyn_cast<FloatType>(type))
    return FloatAttr::get(floatType, 0.0);
  if (isa<IntegerType, IndexType>(type))
    return IntegerAttr::get(type, 0);
  return nullptr;
}

/// `attr` (IntegerAttr or FloatAttr) as a scalar of `type` with the same
/// bits: unrealized casts between signless and unsigned integers.
Attribute retype(Attribute attr, Type type) {
  if (auto typed = dyn_cast<TypedAttr>(attr); typed && typed.getType() == type)
    return attr;
  if (auto i = dyn_cast<IntegerAttr>(attr); i && isa<IntegerType>(type) &&
                                           type.getIntOrFloatBitWidth() ==
                                               i.getValue().getBitWidth())
    return IntegerAttr::get(type, i.getValue());
  if (auto f = dyn_cast<FloatAttr>(attr); f && f.getType() == type)
    return attr;
  return nullptr;
}

std::optional<Tensor> fromElements(ElementsAttr attr) {
  auto type = dyn_cast<RankedTensorType>(attr.getType());
  DenseElementsAttr dense = toDenseElements(attr);
  if (!type || !type.hasStaticShape() || !dense)
    return std::nullopt;
  Tensor t{type, {}};
  t.elements.reserve(type.getNumElements());
  for (Attribute a : dense.getValues<Attribute>())
    t.elements.push_back(a);
  return t;
}

DenseElementsAttr toAttr(const Tensor &t, RankedTensorType type) {
  SmallVector<Attribute> elements;
  elements.reserve(t.elements.size());
  for (Attribute a : t.elements) {
    Attribute r = retype(a, type.getElementType());
    if (!r)
      return nullptr;
    elements.push_back(r);
  }
  return DenseElementsAttr::get(type, elements);
}

/// The value of an affine expression at `dims` and `symbols`.
std::optional<int64_t> evalAffine(AffineExpr expr, ArrayRef<int64_t> dims,
                                  ArrayRef<int64_t> symbols) {
  if (auto c = dyn_cast<AffineConstantExpr>(expr))
    return c.getValue();
  if (auto d = dyn_cast<AffineDimExpr>(expr))
    return d.getPosition() < dims.size()
               ? std::optional<int64_t>(dims[d.getPosition()])
               : std::nullopt;
  if (auto s = dyn_cast<AffineSymbolExpr>(expr))
    return s.getPosition() < symbols.size()
               ? std::optional<int64_t>(symbols[s.getPosition()])
               : std::nullopt;
  auto bin = cast<AffineBinaryOpExpr>(expr);
  std::optional<int64_t> l = evalAffine(bin.getLHS(), dims, symbols);
  std::optional<int64_t> r = evalAffine(bin.getRHS(), dims, symbols);
  if (!l || !r)
    return std::nullopt;
  switch (bin.getKind()) {
  case AffineExprKind::Add:
    return *l + *r;
  case AffineExprKind::Mul:
    return *l * *r;
  case AffineExprKind::Mod:
    if (*r <= 0)
      return std::nullopt;
    return ((*l % *r) + *r) % *r;
  case AffineExprKind::FloorDiv:
    if (*r == 0)
      return std::nullopt;
    return llvm::divideFloorSigned(*l, *r);
  case AffineExprKind::CeilDiv:
    if (*r == 0)
      return std::nullopt;
    return llvm::divideCeilSigned(*l, *r);
  default:
    return std::nullopt;
  }
}

/// Interprets a function of linalg/tensor/scf/affine/arith/math on static
/// tensors.
class Interpreter {
public:
  LogicalResult run(func::FuncOp func, SmallVectorImpl<RValue> &results) {
    return runBlock(func.getBody().front(), {}, results);
  }

private:
  LogicalResult runBlock(Block &block, ArrayRef<RValue> args,
                         SmallVectorImpl<RValue> &yielded) {
    if (block.getNumArguments() != args.size())
      return failure();
    for (auto [arg, value] : llvm::zip(block.getArguments(), args))
      env[arg] = value;
    for (Operation &op : block) {
      if (--steps < 0)
        return failure();
      if (op.hasTrait<OpTrait::IsTerminator>()) {
        yielded.clear();
        for (Value v : op.getOperands()) {
          auto it = env.find(v);
          if (it == env.end())
            return failure();
          yielded.push_back(it->second);
        }
        return success();
      }
      if (failed(runOp(op)))
        return failure();
    }
    return failure();
  }

  const RValue *lookup(Value v) {
    auto it = env.find(v);
    return it == env.end() ? nullptr : &it->second;
  }
  const Tensor *tensorOf(Value v) {
    const RValue *r = lookup(v);
    return r ? r->tensor.get() : nullptr;
  }
  std::optional<int64_t> indexOf(Value v) {
    const RValue *r = lookup(v);
    auto i = r ? dyn_cast_or_null<IntegerAttr>(r->scalar) : IntegerAttr();
    if (!i)
      return std::nullopt;
    return i.getValue().getSExtValue();
  }
  std::optional<SmallVector<int64_t>> indicesOf(ValueRange values) {
    SmallVector<int64_t> result;
    for (Value v : values) {
      std::optional<int64_t> i = indexOf(v);
      if (!i)
        return std::nullopt;
      result.push_back(*i);
    }
    return result;
  }
  std::optional<SmallVector<int64_t>>
  resolve(ArrayRef<OpFoldResult> mixed) {
    SmallVector<int64_t> result;
    for (OpFoldResult ofr : mixed) {
      if (auto attr = dyn_cast<Attribute>(ofr)) {
        auto i = dyn_cast<IntegerAttr>(attr);
        if (!i)
          return std::nullopt;
        result.push_back(i.getInt());
      } else {
        std::optional<int64_t> i = indexOf(cast<Value>(ofr));
        if (!i)
          return std::nullopt;
        result.push_back(*i);
      }
    }
    return result;
  }
  /// The linear index of `coords` in `t`, or -1 when out of bounds.
  static int64_t linearIndex(const Tensor &t, ArrayRef<int64_t> coords) {
    ArrayRef<int64_t> shape = t.type.getShape();
    if (coords.size() != shape.size())
      return -1;
    int64_t index = 0;
    for (auto [c, size] : llvm::zip(coords, shape)) {
      if (c < 0 || c >= size)
        return -1;
      index = index * size + c;
    }
    return index;
  }
  static RankedTensorType staticType(Type type) {
    auto ranked = dyn_cast<RankedTensorType>(type);
    return ranked && ranked.hasStaticShape() ? ranked : nullptr;
  }
  LogicalResult set(Value v, RValue value) {
    env[v] = std::move(value);
    return success();
  }
  /// Same elements, the type of `result` (reshapes, casts).
  LogicalResult retypeTensor(Value source, Value result) {
    const Tensor *t = tensorOf(source);
    RankedTensorType type = staticType(result.getType());
    if (!t || !type || type.getNumElements() !=
                           static_cast<int64_t>(t->elements.size()))
      return failure();
    Tensor r{type, t->elements};
    if (type.getElementType() != t->type.getElementType())
      for (Attribute &a : r.elements)
        if (!(a = retype(a, type.getElementType())))
          return failure();
    return set(result, tensorValue(std::move(r)));
  }

  LogicalResult runOp(Operation &op) {
    // Dead pure ops (an absent operand's onnx.NoValue, a constant the
    // lowering did not use) need no value.
    if (op.use_empty() && isMemoryEffectFree(&op))
      return success();
    return llvm::TypeSwitch<Operation *, LogicalResult>(&op)
        .Case([&](arith::ConstantOp c) -> LogicalResult {
          if (auto elements = dyn_cast<ElementsAttr>(c.getValue())) {
            std::optional<Tensor> t = fromElements(elements);
            return t ? set(c, tensorValue(std::move(*t))) : failure();
          }
          return set(c, scalarValue(c.getValue()));
        })
        .Case([&](tensor::EmptyOp e) -> LogicalResult {
          RankedTensorType type = staticType(e.getType());
          Attribute zero = type ? zeroOf(type.getElementType()) : nullptr;
          if (!zero)
            return failure();
          return set(e, tensorValue(Tensor{
                            type, SmallVector<Attribute>(type.getNumElements(),
                                                         zero)}));
        })
        .Case([&](tensor::DimOp d) -> LogicalResult {
          RankedTensorType type = staticType(d.getSource().getType());
          std::optional<int64_t> dim = indexOf(d.getIndex());
          if (!type || !dim || *dim < 0 || *dim >= type.getRank())
            return failure();
          return set(d, scalarValue(IntegerAttr::get(
                            IndexType::get(d.getContext()),
                            type.getDimSize(*dim))));
        })
        .Case([&](tensor::ExtractOp x) -> LogicalResult {
          const Tensor *t = tensorOf(x.getTensor());
          std::optional<SmallVector<int64_t>> at = indicesOf(x.getIndices());
          int64_t i = t && at ? linearIndex(*t, *at) : -1;
          if (i < 0)
            return failure();
          return set(x, scalarValue(t->elements[i]));
        })
        .Case([&](tensor::InsertOp x) -> LogicalResult {
          const Tensor *t = tensorOf(x.getDest());
          const RValue *v = lookup(x.getScalar());
          std::optional<SmallVector<int64_t>> at = indicesOf(x.getIndices());
          int64_t i = t && at ? linearIndex(*t, *at) : -1;
          if (i < 0 || !v || !v->scalar)
            return failure();
          Tensor r = *t;
          r.elements[i] = v->scalar;
          return set(x, tensorValue(std::move(r)));
        })
        .Case([&](tensor::ExtractSliceOp s) { return runExtractSlice(s); })
        .Case([&](tensor::InsertSliceOp s) { return runInsertSlice(s); })
        .Case([&](tensor::PadOp p) { return runPad(p); })
        .Case([&](tensor::GenerateOp g) { return runGenerate(g); })
        .Case([&](tensor::ConcatOp c) { return runConcat(c); })
        .Case([&](tensor::FromElementsOp f) -> LogicalResult {
          RankedTensorType type = staticType(f.getType());
          if (!type)
            return failure();
          Tensor r{type, {}};
          for (Value v : f.getElements()) {
            const RValue *e = lookup(v);
            if (!e || !e->scalar)
              return failure();
            r.elements.push_back(e->scalar);
          }
          return set(f, tensorValue(std::move(r)));
        })
        .Case([&](tensor::SplatOp s) -> LogicalResult {
          RankedTensorType type = staticType(s.getType());
          const RValue *e = lookup(s.getInput());
          if (!type || !e || !e->scalar)
            return failure();
          return set(s, tensorValue(Tensor{
                            type, SmallVector<Attribute>(type.getNumElements(),
                                                         e->scalar)}));
        })
        .Case<tensor::ExpandShapeOp, tensor::CollapseShapeOp, tensor::CastOp,
              tensor::ReshapeOp>([&](Operation *reshape) {
          return retypeTensor(reshape->getOperand(0), reshape->getResult(0));
        })
        .Case([&](UnrealizedConversionCastOp c) -> LogicalResult {
          if (c.getNumOperands() != 1 || c.getNumResults() != 1)
            return failure();
          const RValue *v = lookup(c.getOperand(0));
          if (!v)
            return failure();
          if (v->tensor)
            return retypeTensor(c.getOperand(0), c.getResult(0));
          Attribute r = retype(v->scalar, c.getResult(0).getType());
          return r ? set(c.getResult(0), scalarValue(r)) : failure();
        })
        .Case([&](linalg::GenericOp g) { return runGeneric(g); })
        .Case([&](linalg::IndexOp i) -> LogicalResult {
          if (points.empty() || i.getDim() >= points.back().size())
            return failure();
          return set(i, scalarValue(IntegerAttr::get(
                            IndexType::get(i.getContext()),
                            points.back()[i.getDim()])));
        })
        .Case([&](scf::ForOp f) { return runFor(f); })
        .Case([&](scf::IfOp i) { return runIf(i); })
        .Case<affine::AffineApplyOp, affine::AffineMinOp, affine::AffineMaxOp>(
            [&](auto a) { return runAffine(a, a.getAffineMap()); })
        .Default([&](Operation *other) { return runByFolding(*other); });
  }

  template <typename AffineOp>
  LogicalResult runAffine(AffineOp op, AffineMap map) {
    std::optional<SmallVector<int64_t>> operands =
        indicesOf(op->getOperands());
    if (!operands)
      return failure();
    ArrayRef<int64_t> all(*operands);
    std::optional<int64_t> result;
    for (AffineExpr expr : map.getResults()) {
      std::optional<int64_t> v =
          evalAffine(expr, all.take_front(map.getNumDims()),
                     all.drop_front(map.getNumDims()));
      if (!v)
        return failure();
      if (!result || (isa<affine::AffineMinOp>(op) && *v < *result) ||
          (isa<affine::AffineMaxOp>(op) && *v > *result))
        result = v;
    }
    if (!result)
      return failure();
    return set(op.getResult(), scalarValue(IntegerAttr::get(
                                   IndexType::get(op.getContext()), *result)));
  }

  /// An op of scalars (or of tensors, as dense attributes) evaluated by its
  /// own folder with all operands constant.
  LogicalResult runByFolding(Operation &op) {
    if (op.getNumRegions() != 0 || op.getNumResults() == 0)
      return failure();
    SmallVector<Attribute> operands;
    for (Value v : op.getOperands()) {
      const RValue *r = lookup(v);
      if (!r)
        return failure();
      if (r->scalar) {
        operands.push_back(r->scalar);
        continue;
      }
      auto type = dyn_cast<RankedTensorType>(v.getType());
      DenseElementsAttr dense = type ? toAttr(*r->tensor, type) : nullptr;
      if (!dense)
        return failure();
      operands.push_back(dense);
    }
    SmallVector<OpFoldResult> folded;
    if (failed(op.fold(operands, folded)) ||
        folded.size() != op.getNumResults())
      return failure();
    for (auto [result, fold] : llvm::zip(op.getResults(), folded)) {
      if (auto value = dyn_cast<Value>(fold)) {
        // A folder may answer with one of the operands (x + 0 -> x).
        const RValue *r = value.getDefiningOp() == &op ? nullptr
                                                       : lookup(value);
        if (!r)
          return failure();
        env[result] = *r;
        continue;
      }
      Attribute attr = cast<Attribute>(fold);
      if (auto type = dyn_cast<RankedTensorType>(result.getType())) {
        auto elements = dyn_cast<ElementsAttr>(attr);
        std::optional<Tensor> t =
            elements ? fromElements(elements) : std::nullopt;
        if (!t || t->type.getShape() != type.getShape())
          return failure();
        t->type = type;
        env[result] = tensorValue(std::move(*t));
        continue;
      }
      auto typed = dyn_cast<TypedAttr>(attr);
      if (!isa<IntegerAttr, FloatAttr>(attr) || !typed ||
          typed.getType() != result.getType())
        return failure();
      env[result] = scalarValue(attr);
    }
    return success();
  }

  LogicalResult runExtractSlice(tensor::ExtractSliceOp op) {
    const Tensor *source = tensorOf(op.getSource());
    RankedTensorType type = staticType(op.getType());
    auto offsets = resolve(op.getMixedOffsets());
    auto sizes = resolve(op.getMixedSizes());
    auto strides = resolve(op.getMixedStrides());
    if (!source || !type || !offsets || !sizes || !strides)
      return failure();
    int64_t count = product(*sizes);
    if (count != type.getNumElements())
      return failure();
    Tensor r{type, {}};
    r.elements.reserve(count);
    SmallVector<int64_t> coords, at(sizes->size());
    for (int64_t i = 0; i < count; ++i) {
      delinearize(i, *sizes, coords);
      for (size_t d = 0; d < coords.size(); ++d)
        at[d] = (*offsets)[d] + coords[d] * (*strides)[d];
      int64_t j = linearIndex(*source, at);
      if (j < 0)
        return failure();
      r.elements.push_back(source->elements[j]);
    }
    return set(op, tensorValue(std::move(r)));
  }

  LogicalResult runInsertSlice(tensor::InsertSliceOp op) {
    const Tensor *source = tensorOf(op.getSource());
    const Tensor *dest = tensorOf(op.getDest());
    auto offsets = resolve(op.getMixedOffsets());
    auto sizes = resolve(op.getMixedSizes());
    auto strides = resolve(op.getMixedStrides());
    if (!source || !dest || !offsets || !sizes || !strides ||
        product(*sizes) != static_cast<int64_t>(source->elements.size()))
      return failure();
    Tensor r = *dest;
    SmallVector<int64_t> coords, at(sizes->size());
    for (int64_t i = 0, e = source->elements.size(); i < e; ++i) {
      delinearize(i, *sizes, coords);
      for (size_t d = 0; d < coords.size(); ++d)
        at[d] = (*offsets)[d] + coords[d] * (*strides)[d];
      int64_t j = linearIndex(r, at);
      if (j < 0)
        return failure();
      r.elements[j] = source->elements[i];
    }
    return set(op, tensorValue(std::move(r)));
  }

  /// Elements of `type` from `body` run at each index (tensor.pad's and
  /// tensor.generate's regions), unless `inner` gives the element.
  LogicalResult fillFromRegion(
      Value result, RankedTensorType type, Region &body,
      function_ref<std::optional<Attribute>(ArrayRef<int64_t>)> inner) {
    Tensor r{type, {}};
    r.elements.reserve(type.getNumElements());
    SmallVector<int64_t> coords;
    SmallVector<RValue> yielded;
    Type indexType = IndexType::get(result.getContext());
    for (int64_t i = 0, e = type.getNumElements(); i < e; ++i) {
      delinearize(i, type.getShape(), coords);
      if (std::optional<Attribute> v = inner(coords)) {
        r.elements.push_back(*v);
        continue;
      }
      SmallVector<RValue> args;
      for (int64_t c : coords)
        args.push_back(scalarValue(IntegerAttr::get(indexType, c)));
      if (failed(runBlock(body.front(), args, yielded)) ||
          yielded.size() != 1 || !yielded[0].scalar)
        return failure();
      r.elements.push_back(yielded[0].scalar);
    }
    return set(result, tensorValue(std::move(r)));
  }

  LogicalResult runPad(tensor::PadOp op) {
    const Tensor *source = tensorOf(op.getSource());
    RankedTensorType type = staticType(op.getType());
    auto low = resolve(op.getMixedLowPad());
    if (!source || !type || !low)
      return failure();
    SmallVector<int64_t> at;
    return fillFromRegion(op, type, op.getRegion(),
                          [&](ArrayRef<int64_t> coords)
                              -> std::optional<Attribute> {
                            at.assign(coords.begin(), coords.end());
                            for (size_t d = 0; d < at.size(); ++d)
                              at[d] -= (*low)[d];
                            int64_t j = linearIndex(*source, at);
                            if (j < 0)
                              return std::nullopt;
                            return source->elements[j];
                          });
  }

  LogicalResult runGenerate(tensor::GenerateOp op) {
    RankedTensorType type = staticType(op.getType());
    if (!type)
      return failure();
    return fillFromRegion(
        op, type, op.getBody(),
        [](ArrayRef<int64_t>) -> std::optional<Attribute> {
          return std::nullopt;
        });
  }

  LogicalResult runConcat(tensor::ConcatOp op) {
    RankedTensorType type = staticType(op.getType());
    if (!type)
      return failure();
    int64_t dim = op.getDim();
    SmallVector<const Tensor *> inputs;
    for (Value v : op.getInputs()) {
      const Tensor *t = tensorOf(v);
      if (!t)
        return failure();
      inputs.push_back(t);
    }
    int64_t outer = product(type.getShape().take_front(dim));
    Tensor r{type, {}};
    for (int64_t o = 0; o < outer; ++o)
      for (const Tensor *t : inputs) {
        int64_t block = product(t->type.getShape().drop_front(dim));
        for (int64_t i = 0; i < block; ++i)
          r.elements.push_back(t->elements[o * block + i]);
      }
    if (static_cast<int64_t>(r.elements.size()) != type.getNumElements())
      return failure();
    return set(op, tensorValue(std::move(r)));
  }

  LogicalResult runGeneric(linalg::GenericOp op) {
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    if (llvm::any_of(ranges, ShapedType::isDynamic))
      return failure();
    SmallVector<AffineMap> maps = op.getIndexingMapsArray();
    SmallVector<const RValue *> inputs;
    for (Value v : op.getDpsInputs()) {
      const RValue *r = lookup(v);
      if (!r)
        return failure();
      inputs.push_back(r);
    }
    SmallVector<Tensor> outputs;
    for (Value v : op.getDpsInits()) {
      const Tensor *t = tensorOf(v);
      if (!t)
        return failure();
      outputs.push_back(*t);
    }
    int64_t iterations = product(ranges);
    int64_t bodySize = op.getBody()->getOperations().size();
    if (iterations * bodySize > steps)
      return failure();
    size_t numInputs = inputs.size();
    SmallVector<int64_t> point(ranges.size(), 0), coords;
    SmallVector<RValue> args(numInputs + outputs.size()), yielded;
    SmallVector<int64_t> outIndex(outputs.size());
    auto elementAt = [&](const Tensor &t, AffineMap map) -> int64_t {
      coords.clear();
      for (AffineExpr expr : map.getResults()) {
        std::optional<int64_t> v = evalAffine(expr, point, {});
        if (!v)
          return -1;
        coords.push_back(*v);
      }
      return linearIndex(t, coords);
    };
    points.push_back({});
    auto popPoint = llvm::make_scope_exit([&] { points.pop_back(); });
    for (int64_t it = 0; it < iterations; ++it) {
      delinearize(it, ranges, point);
      points.back() = point;
      for (size_t i = 0; i < numInputs; ++i) {
        if (inputs[i]->scalar) {
          args[i] = *inputs[i];
          continue;
        }
        int64_t j = elementAt(*inputs[i]->tensor, maps[i]);
        if (j < 0)
          return failure();
        args[i] = scalarValue(inputs[i]->tensor->elements[j]);
      }
      for (size_t o = 0; o < outputs.size(); ++o) {
        int64_t j = elementAt(outputs[o], maps[numInputs + o]);
        if (j < 0)
          return failure();
        outIndex[o] = j;
        args[numInputs + o] = scalarValue(outputs[o].elements[j]);
      }
      if (failed(runBlock(*op.getBody(), args, yielded)) ||
          yielded.size() != outputs.size())
        return failure();
      for (size_t o = 0; o < outputs.size(); ++o) {
        if (!yielded[o].scalar)
          return failure();
        outputs[o].elements[outIndex[o]] = yielded[o].scalar;
      }
    }
    for (auto [result, output] : llvm::zip(op.getResults(), outputs)) {
      output.type = cast<RankedTensorType>(result.getType());
      env[result] = tensorValue(std::move(output));
    }
    return success();
  }

  LogicalResult runFor(scf::ForOp op) {
    std::optional<int64_t> lb = indexOf(op.getLowerBound());
    std::optional<int64_t> ub = indexOf(op.getUpperBound());
    std::optional<int64_t> step = indexOf(op.getStep());
    if (!lb || !ub || !step || *step <= 0)
      return failure();
    SmallVector<RValue> carried;
    for (Value v : op.getInitArgs()) {
      const RValue *r = lookup(v);
      if (!r)
        return failure();
      carried.push_back(*r);
    }
    Type ivType = op.getInductionVar().getType();
    SmallVector<RValue> args, yielded;
    for (int64_t iv = *lb; iv < *ub; iv += *step) {
      args.assign(1, scalarValue(IntegerAttr::get(ivType, iv)));
      args.append(carried.begin(), carried.end());
      if (failed(runBlock(*op.getBody(), args, yielded)) ||
          yielded.size() != carried.size())
        return failure();
      carried = yielded;
    }
    for (auto [result, value] : llvm::zip(op.getResults(), carried))
      env[result] = value;
    return success();
  }

  LogicalResult runIf(scf::IfOp op) {
    const RValue *c = lookup(op.getCondition());
    auto cond = c ? dyn_cast_or_null<IntegerAttr>(c->scalar) : IntegerAttr();
    if (!cond)
      return failure();
    Region &region =
        cond.getValue().isZero() ? op.getElseRegion() : op.getThenRegion();
    SmallVector<RValue> yielded;
    if (region.empty()) {
      if (op.getNumResults() != 0)
        return failure();
      return success();
    }
    if (failed(runBlock(region.front(), {}, yielded)) ||
        yielded.size() != op.getNumResults())
      return failure();
    for (auto [result, value] : llvm::zip(op.getResults(), yielded))
      env[result] = value;
    return success();
  }

  DenseMap<Value, RValue> env;
  /// The iteration point of each linalg.generic being run, innermost last.
  SmallVector<SmallVector<int64_t>> points;
  int64_t steps = kMaxSteps;
};

} // namespace

ConstantEvaluator::ConstantEvaluator(MLIRContext *context) {
  RewritePatternSet patterns(context);
  populateONNXToLinalgConversionPatterns(patterns);
  lowerings = FrozenRewritePatternSet(std::move(patterns));
}

bool ConstantEvaluator::isCandidate(Operation *op) {
  if (!isa<ONNXDialect>(op->getDialect()) || isa<ConstantOp, NoValueOp>(op) ||
      op->getNumRegions() != 0 || op->getNumResults() == 0 ||
      !isMemoryEffectFree(op))
    return false;
  for (Value result : op->getResults()) {
    if (isa<NoneType>(result.getType())) {
      if (!result.use_empty())
        return false;
      continue;
    }
    auto type = dyn_cast<RankedTensorType>(result.getType());
    if (!type || !type.hasStaticShape() ||
        type.getNumElements() > kMaxResultElements)
      return false;
  }
  int64_t operandElements = 0;
  for (Value operand : op->getOperands()) {
    Operation *def = operand.getDefiningOp();
    if (isa_and_nonnull<NoValueOp>(def))
      continue;
    if (!isa_and_nonnull<ConstantOp>(def))
      return false;
    auto type = dyn_cast<RankedTensorType>(operand.getType());
    if (!type || !type.hasStaticShape())
      return false;
    operandElements += type.getNumElements();
    if (operandElements > kMaxOperandElements)
      return false;
  }
  return true;
}

FailureOr<SmallVector<DenseElementsAttr>>
ConstantEvaluator::evaluate(Operation *op) {
  if (!isCandidate(op))
    return failure();
  MLIRContext *context = op->getContext();
  // Lowerings that cannot handle the op report why; here that only means
  // the op is not folded.
  ScopedDiagnosticHandler silence(context, [](Diagnostic &) {
    return success();
  });
  Location loc = op->getLoc();
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  OpBuilder builder = OpBuilder::atBlockEnd(module->getBody());
  SmallVector<Value> tensorResults;
  for (Value result : op->getResults())
    if (!isa<NoneType>(result.getType()))
      tensorResults.push_back(result);
  SmallVector<Type> resultTypes =
      llvm::map_to_vector(tensorResults, [](Value v) { return v.getType(); });
  auto func = func::FuncOp::create(builder, loc, "evaluate",
                                   builder.getFunctionType({}, resultTypes));
  builder.setInsertionPointToStart(func.addEntryBlock());
  IRMapping mapping;
  for (Value operand : op->getOperands())
    if (!mapping.contains(operand))
      mapping.map(operand,
                  builder.clone(*operand.getDefiningOp())->getResult(0));
  Operation *clone = builder.clone(*op, mapping);
  SmallVector<Value> returned;
  for (auto [i, result] : llvm::enumerate(op->getResults()))
    if (!isa<NoneType>(result.getType()))
      returned.push_back(clone->getResult(i));
  func::ReturnOp::create(builder, loc, returned);

  ConversionTarget target(*context);
  addONNXToLinalgLegality(target);
  if (failed(applyPartialConversion(func, target, lowerings)))
    return failure();
  bool lowered = true;
  SmallVector<linalg::LinalgOp> named;
  func.walk([&](Operation *inner) {
    if (isa<ONNXDialect>(inner->getDialect()) && !isa<NoValueOp>(inner))
      lowered = false;
    if (auto linalgOp = dyn_cast<linalg::LinalgOp>(inner))
      if (!isa<linalg::GenericOp>(inner))
        named.push_back(linalgOp);
  });
  if (!lowered)
    return failure();
  IRRewriter rewriter(context);
  for (linalg::LinalgOp linalgOp : named) {
    rewriter.setInsertionPoint(linalgOp);
    if (failed(linalg::generalizeNamedOp(rewriter, linalgOp)))
      return failure();
  }

  Interpreter interpreter;
  SmallVector<RValue> values;
  if (failed(interpreter.run(func, values)) ||
      values.size() != tensorResults.size())
    return failure();
  SmallVector<DenseElementsAttr> results;
  for (auto [value, result] : llvm::zip(values, tensorResults)) {
    auto type = cast<RankedTensorType>(result.getType());
    DenseElementsAttr attr =
        value.tensor ? toAttr(*value.tensor, type) : DenseElementsAttr();
    if (!attr)
      return failure();
    results.push_back(attr);
  }
  return results;
}

} // namespace onnxc
