//===- Epilogue.cpp - Elementwise consumers fused into kernels ------------===//

#include "Epilogue.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

using namespace mlir;

namespace onnxc {

Value getRootBuffer(Value buffer) {
  while (auto view = buffer.getDefiningOp<ViewLikeOpInterface>())
    buffer = view.getViewSource();
  return buffer;
}

/// Whether `buffer` is all of `root`, reshaped (not a subview of it).
static bool isReshapeOf(Value buffer, Value root) {
  while (buffer != root) {
    Operation *def = buffer.getDefiningOp();
    if (!isa_and_nonnull<memref::ExpandShapeOp, memref::CollapseShapeOp,
                         memref::CastOp>(def))
      return false;
    buffer = def->getOperand(0);
  }
  return true;
}

/// Whether the last `count` dims of a buffer are contiguous row-major.
bool hasContiguousSuffix(Value buffer, unsigned count) {
  auto type = cast<MemRefType>(buffer.getType());
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(type.getStridesAndOffset(strides, offset)))
    return false;
  int64_t expected = 1;
  for (unsigned i = 0; i < count; ++i) {
    unsigned d = type.getRank() - 1 - i;
    if (strides[d] != expected)
      return false;
    expected *= type.getDimSize(d);
  }
  return true;
}

/// Finds the epilogue of a top-level contraction whose output is an
/// intermediate buffer; none if there is none that can be fused. Runs before
/// the memory plan, which then sees the epilogue's output written while the
/// contraction's operands are live.
std::optional<Epilogue> matchEpilogue(linalg::LinalgOp contraction) {
  if (!isa_and_nonnull<func::FuncOp>(contraction->getParentOp()))
    return std::nullopt;
  Value out = contraction.getDpsInitOperand(0)->get();
  Value root = getRootBuffer(out);
  if (!isa_and_nonnull<memref::AllocOp>(root.getDefiningOp()) ||
      !isReshapeOf(out, root))
    return std::nullopt;
  auto usesRoot = [&](Operation *op) {
    return llvm::any_of(op->getOperands(), [&](Value v) {
      return isa<MemRefType>(v.getType()) && getRootBuffer(v) == root;
    });
  };
  // The next op with memory effects, which must read the result: the
  // fused kernel runs in its place, and nothing else may run between the
  // two (it could reuse the workspace bytes of an operand or the output).
  linalg::GenericOp generic;
  for (Operation *it = contraction->getNextNode(); it; it = it->getNextNode()) {
    // Allocations touch no existing buffer (the epilogue's output is
    // usually allocated right before it).
    if ((isMemoryEffectFree(it) && it->getNumRegions() == 0) ||
        isa<memref::AllocOp>(it))
      continue;
    if (usesRoot(it))
      generic = dyn_cast<linalg::GenericOp>(it);
    break;
  }
  if (!generic || !generic.hasPureBufferSemantics() ||
      generic.getNumDpsInits() != 1 ||
      generic.getNumParallelLoops() != generic.getNumLoops())
    return std::nullopt;
  Value output = generic.getDpsInitOperand(0)->get();
  auto outputType = cast<MemRefType>(output.getType());
  if (!outputType.getElementType().isF32() || !outputType.hasStaticShape() ||
      !generic.getMatchingIndexingMap(generic.getDpsInitOperand(0))
           .isIdentity() ||
      generic.payloadUsesValueFromOperand(generic.getDpsInitOperand(0)))
    return std::nullopt;
  // The fused kernel writes the output while it reads A and B.
  for (OpOperand *input : contraction.getDpsInputOperands())
    if (getRootBuffer(input->get()) == getRootBuffer(output))
      return std::nullopt;
  // Nothing reads the contraction's result after the epilogue, unless the
  // epilogue writes over it.
  // (Views are followed to their readers: a subview read by a copy after
  // the epilogue is a later reader.)
  if (getRootBuffer(output) == root) {
    if (!isReshapeOf(output, root))
      return std::nullopt;
  } else {
    for (Operation *later = generic->getNextNode(); later;
         later = later->getNextNode())
      if (!isa<ViewLikeOpInterface, memref::DeallocOp>(later) &&
          usesRoot(later))
        return std::nullopt;
  }
  // The body maps to vectors element by element.
  for (Operation &op : generic.getBlock()->without_terminator())
    if (op.getNumResults() != 1 || op.getNumRegions() ||
        !(op.hasTrait<OpTrait::Elementwise>() || isa<arith::ConstantOp>(op)))
      return std::nullopt;

  // C is [P..., N]; the epilogue's loops are [P..., S...] with prod(S) = N.
  auto cType = cast<MemRefType>(out.getType());
  SmallVector<int64_t> loops = generic.getStaticLoopRanges();
  unsigned prefix = cType.getRank() - 1;
  if (static_cast<int64_t>(loops.size()) < cType.getRank() ||
      !llvm::equal(ArrayRef<int64_t>(loops).take_front(prefix),
                   cType.getShape().drop_back()))
    return std::nullopt;
  int64_t suffixSize = 1;
  for (int64_t size : ArrayRef<int64_t>(loops).drop_front(prefix))
    suffixSize *= size;
  unsigned suffix = loops.size() - prefix;
  if (suffixSize != cType.getShape().back() ||
      !hasContiguousSuffix(output, suffix))
    return std::nullopt;

  Epilogue epilogue{generic, {}, {}, {}, prefix};
  bool haveResult = false;
  for (OpOperand *input : generic.getDpsInputOperands()) {
    AffineMap map = generic.getMatchingIndexingMap(input);
    Value value = input->get();
    auto type = dyn_cast<MemRefType>(value.getType());
    if (!type || !map.isProjectedPermutation())
      return std::nullopt;
    if (getRootBuffer(value) == root) {
      if (haveResult || !map.isIdentity() || !isReshapeOf(value, root))
        return std::nullopt;
      haveResult = true;
      epilogue.kinds.push_back(Epilogue::Kind::Result);
      continue;
    }
    bool usesSuffix = llvm::any_of(map.getResults(), [&](AffineExpr e) {
      return cast<AffineDimExpr>(e).getPosition() >= prefix;
    });
    if (!usesSuffix) {
      epilogue.kinds.push_back(Epilogue::Kind::Row);
      continue;
    }
    // A vector along N: its last results are the suffix loops, in order,
    // over contiguous memory.
    ArrayRef<AffineExpr> results = map.getResults();
    if (results.size() < suffix)
      return std::nullopt;
    for (unsigned i = 0; i < suffix; ++i)
      if (results[results.size() - suffix + i] !=
          getAffineDimExpr(prefix + i, map.getContext()))
        return std::nullopt;
    for (AffineExpr e : results.drop_back(suffix))
      if (cast<AffineDimExpr>(e).getPosition() >= prefix)
        return std::nullopt;
    if (!hasContiguousSuffix(value, suffix))
      return std::nullopt;
    epilogue.kinds.push_back(Epilogue::Kind::Vector);
  }
  if (!haveResult)
    return std::nullopt;
  return epilogue;
}

/// The zero fill of the contraction's output that nothing but the
/// contraction (and its fused epilogue) reads, if any: the micro-kernels
/// then start from zero accumulators and the fill is dropped.
linalg::FillOp getDroppableZeroFill(linalg::LinalgOp contraction,
                                           const std::optional<Epilogue> &epilogue) {
  if (!isa_and_nonnull<func::FuncOp>(contraction->getParentOp()))
    return {};
  Value root = getRootBuffer(contraction.getDpsInitOperand(0)->get());
  if (!isa_and_nonnull<memref::AllocOp>(root.getDefiningOp()))
    return {};
  // Every op that touches the buffer: views of it, the fill, the
  // contraction, the epilogue and deallocations.
  linalg::FillOp fill;
  SmallVector<Value> worklist = {root};
  while (!worklist.empty()) {
    Value v = worklist.pop_back_val();
    for (Operation *user : v.getUsers()) {
      if (isa<memref::ExpandShapeOp, memref::CollapseShapeOp, memref::CastOp>(
              user)) {
        worklist.push_back(user->getResult(0));
        continue;
      }
      if (user == contraction.getOperation() ||
          (epilogue && user == const_cast<linalg::GenericOp &>(epilogue->op).getOperation()) ||
          isa<memref::DeallocOp>(user))
        continue;
      auto f = dyn_cast<linalg::FillOp>(user);
      if (!f || fill || f->getBlock() != contraction->getBlock())
        return {};
      fill = f;
    }
  }
  if (!fill || !fill->isBeforeInBlock(contraction))
    return {};
  // The filled region is the whole buffer, with zeros.
  FloatAttr value;
  if (!matchPattern(fill.getDpsInputOperand(0)->get(), m_Constant(&value)) ||
      !value.getValue().isZero())
    return {};
  auto fillType = cast<MemRefType>(fill.getDpsInitOperand(0)->get().getType());
  auto rootType = cast<MemRefType>(root.getType());
  if (!fillType.getLayout().isIdentity())
    return {};
  // Sizes known only at run time: the fill must be of the buffer itself.
  if (!fillType.hasStaticShape() || !rootType.hasStaticShape()) {
    if (fill.getDpsInitOperand(0)->get() != root)
      return {};
  } else if (fillType.getNumElements() != rootType.getNumElements()) {
    return {};
  }
  return fill;
}

/// Collapses the last `count` dims of a contiguous buffer into one.
Value collapseSuffix(OpBuilder &b, Location loc, Value buffer,
                            unsigned count) {
  auto type = cast<MemRefType>(buffer.getType());
  if (count <= 1)
    return buffer;
  SmallVector<ReassociationIndices> groups;
  for (int64_t d = 0; d < type.getRank() - count; ++d)
    groups.push_back({d});
  ReassociationIndices last;
  for (int64_t d = type.getRank() - count; d < type.getRank(); ++d)
    last.push_back(d);
  groups.push_back(last);
  return memref::CollapseShapeOp::create(b, loc, buffer, groups);
}

void createEpilogueViews(OpBuilder &b, Location loc, Epilogue &e) {
  unsigned suffix = e.op.getNumLoops() - e.prefix;
  e.collapsedInputs.clear();
  for (auto [i, input] : llvm::enumerate(e.op.getDpsInputOperands()))
    e.collapsedInputs.push_back(
        e.kinds[i] == Epilogue::Kind::Vector
            ? collapseSuffix(b, loc, input->get(), suffix)
            : Value());
  e.collapsedOutput =
      collapseSuffix(b, loc, e.op.getDpsInitOperand(0)->get(), suffix);
}

void storeThroughEpilogue(OpBuilder &b, Location loc, Epilogue &e,
                        ArrayRef<Value> cIndices, Value acc, Value mask) {
  auto vectorType = cast<VectorType>(acc.getType());
  // The epilogue's loop values: C's leading indices, then N's position in
  // the suffix (0 for row-invariant operands, which do not read it).
  SmallVector<Value> prefix(cIndices.drop_back());
  Value n = cIndices.back();
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  unsigned loops = e.op.getNumLoops();
  IRMapping mapping;
  Block *body = e.op.getBlock();
  for (auto [i, input] : llvm::enumerate(e.op.getDpsInputOperands())) {
    Value arg = body->getArgument(i);
    AffineMap map = e.op.getMatchingIndexingMap(input);
    if (e.kinds[i] == Epilogue::Kind::Result) {
      mapping.map(arg, acc);
      continue;
    }
    SmallVector<Value> point(prefix);
    point.resize(loops, zero);
    SmallVector<Value> indices;
    for (AffineExpr expr : map.getResults())
      indices.push_back(point[cast<AffineDimExpr>(expr).getPosition()]);
    if (e.kinds[i] == Epilogue::Kind::Row) {
      Value scalar = memref::LoadOp::create(b, loc, input->get(), indices);
      Type vt = VectorType::get(vectorType.getShape(), scalar.getType());
      mapping.map(arg, vector::BroadcastOp::create(b, loc, vt, scalar));
      continue;
    }
    // Vector: the suffix dims are collapsed into the last index.
    unsigned suffix = loops - e.prefix;
    indices.resize(indices.size() - suffix + 1);
    indices.back() = n;
    Value buffer = e.collapsedInputs[i];
    Type elementType = cast<MemRefType>(buffer.getType()).getElementType();
    auto vt = VectorType::get(vectorType.getShape(), elementType);
    Value loaded;
    if (mask) {
      Value pass = arith::ConstantOp::create(
          b, loc, vt, b.getZeroAttr(vt));
      loaded = vector::MaskedLoadOp::create(b, loc, vt, buffer, indices,
                                            mask, pass);
    } else {
      loaded = vector::LoadOp::create(b, loc, vt, buffer, indices);
    }
    mapping.map(arg, loaded);
  }
  for (Operation &op : body->without_terminator()) {
    if (auto constant = dyn_cast<arith::ConstantOp>(op)) {
      Value scalar = b.clone(op)->getResult(0);
      mapping.map(constant.getResult(),
                  vector::BroadcastOp::create(
                      b, loc,
                      VectorType::get(vectorType.getShape(),
                                      scalar.getType()),
                      scalar));
      continue;
    }
    SmallVector<Value> operands;
    for (Value operand : op.getOperands()) {
      Value mapped = mapping.lookupOrNull(operand);
      if (!mapped) {
        // Defined outside the body: a scalar the same for every element.
        mapped = vector::BroadcastOp::create(
            b, loc, VectorType::get(vectorType.getShape(), operand.getType()),
            operand);
      }
      operands.push_back(mapped);
    }
    Type resultType = VectorType::get(vectorType.getShape(),
                                      op.getResult(0).getType());
    OperationState state(loc, op.getName().getStringRef(), operands,
                         TypeRange{resultType}, op.getAttrs());
    mapping.map(op.getResult(0), b.create(state)->getResult(0));
  }
  Value result = mapping.lookup(body->getTerminator()->getOperand(0));
  SmallVector<Value> outIndices(prefix);
  outIndices.push_back(n);
  if (mask)
    vector::MaskedStoreOp::create(b, loc, e.collapsedOutput, outIndices,
                                  mask, result);
  else
    vector::StoreOp::create(b, loc, result, e.collapsedOutput, outIndices);
}


} // namespace onnxc
