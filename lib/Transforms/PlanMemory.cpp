//===- PlanMemory.cpp - --onnxc-plan-memory -------------------------------===//
//
// Places every intermediate buffer of a bufferized graph function in one
// workspace whose size is known at compile time.
//
//===----------------------------------------------------------------------===//

#include "onnxc/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "onnxc/Dialect/ONNX/Locations.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/LoopLikeInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/MathExtras.h"

namespace onnxc {
#define GEN_PASS_DEF_PLANMEMORY
#include "onnxc/Transforms/Passes.h.inc"
} // namespace onnxc

using namespace mlir;

namespace onnxc {
namespace {

/// One buffer: its bytes and the top-level ops (by index) it is live over.
struct Buffer {
  memref::AllocOp alloc;
  uint64_t bytes = 0;
  unsigned first = 0, last = 0;
  uint64_t offset = 0;
};

/// Bytes of one element: `index` is 64-bit on every target we emit for.
static int64_t getElementBytes(MemRefType type) {
  Type element = type.getElementType();
  if (element.isIndex())
    return 8;
  return llvm::divideCeil(type.getElementTypeBitWidth(), 8);
}

static bool overlaps(unsigned a0, unsigned a1, unsigned b0, unsigned b1) {
  return a0 <= b1 && b0 <= a1;
}

struct PlanMemoryPass : impl::PlanMemoryBase<PlanMemoryPass> {
  using Base::Base;

  /// The ancestor of `op` in the function's block.
  static Operation *topLevelAncestor(Block &body, Operation *op) {
    return body.findAncestorOpInBlock(*op);
  }

  /// Follows `alloc` through every value that may alias it and returns the
  /// last top-level op index that uses one; fails for a buffer that leaves
  /// its loop iteration or the function.
  /// With `escapes`, a buffer that leaves `body` (yielded out of its block
  /// or to a next loop iteration) sets it and fails without an error.
  FailureOr<unsigned> lastUse(Block &body,
                              const llvm::DenseMap<Operation *, unsigned> &index,
                              memref::AllocOp alloc, bool *escapes = nullptr) {
    Operation *allocLoop = alloc->getParentOfType<LoopLikeOpInterface>();
    unsigned last = index.lookup(topLevelAncestor(body, alloc));
    SmallVector<Value> worklist{alloc.getResult()};
    llvm::DenseSet<Value> seen{alloc.getResult()};
    auto addAlias = [&](Value v) {
      if (isa<BaseMemRefType>(v.getType()) && seen.insert(v).second)
        worklist.push_back(v);
    };
    while (!worklist.empty()) {
      Value value = worklist.pop_back_val();
      for (OpOperand &use : value.getUses()) {
        Operation *user = use.getOwner();
        if (isa<func::ReturnOp>(user))
          return alloc.emitOpError("buffer is returned from the graph "
                                   "function; results must be out-params");
        if (user->hasTrait<OpTrait::IsTerminator>()) {
          // Yielded out of a region: the parent's results alias it.
          // Yielded by the loop's own terminator: to its next iteration.
          // Out of an op nested in the body (an scf.if), it only aliases
          // that op's results.
          Operation *parent = user->getParentOp();
          if (allocLoop && parent == allocLoop) {
            if (escapes) {
              *escapes = true;
              return failure();
            }
            return alloc.emitOpError(
                "buffer allocated in a loop body is yielded to the next "
                "iteration; it cannot be placed at one workspace offset");
          }
          for (Value result : parent->getResults())
            addAlias(result);
        } else {
          // Any memref result of a user (views, casts, region ops taking the
          // buffer as an init value) may alias the buffer.
          for (Value result : user->getResults())
            addAlias(result);
          for (Region &region : user->getRegions())
            for (Block &block : region)
              for (BlockArgument arg : block.getArguments())
                addAlias(arg);
        }
        Operation *ancestor = topLevelAncestor(body, user);
        if (!ancestor && escapes) {
          *escapes = true;
          return failure();
        }
        if (!ancestor)
          return alloc.emitOpError("buffer is used outside the block that "
                                   "allocates it");
        last = std::max(last, index.lookup(ancestor));
      }
    }
    return last;
  }

  /// A buffer sized at run time stays a `memref.alloc`, which the runtime
  /// serves (`onnxc_memref_alloc`, 64-byte aligned, so the op's
  /// own alignment is dropped: the lowering would otherwise offset the
  /// pointer it returns from the one to free), freed after the last op of
  /// its block that uses it, or, when it leaves its block, by the runtime
  /// when the run ends. An output's buffer (`onnxc.output`) goes to
  /// the caller.
  LogicalResult freeAfterLastUse(memref::AllocOp alloc) {
    alloc.setAlignment(std::nullopt);
    if (alloc->hasAttr("onnxc.output"))
      return success();
    Block &scope = *alloc->getBlock();
    llvm::DenseMap<Operation *, unsigned> index;
    for (auto [i, op] : llvm::enumerate(scope))
      index[&op] = i;
    // A buffer that leaves its block (yielded out of an scf.if or a loop)
    // is not freed here: the runtime reclaims what a run still holds when
    // the run ends.
    bool escapes = false;
    FailureOr<unsigned> last = lastUse(scope, index, alloc, &escapes);
    if (failed(last))
      return success(escapes);
    Operation *lastOp = &*std::next(scope.begin(), *last);
    if (lastOp->hasTrait<OpTrait::IsTerminator>())
      return alloc.emitOpError("buffer sized at run time is used by its "
                               "block's terminator; it cannot be freed "
                               "there");
    OpBuilder builder(lastOp->getContext());
    builder.setInsertionPointAfter(lastOp);
    memref::DeallocOp::create(builder, alloc.getLoc(), alloc);
    return success();
  }

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    if (!func.getBody().hasOneBlock()) {
      func.emitOpError("memory planning needs a single-block function");
      return signalPassFailure();
    }
    Block &body = func.getBody().front();
    llvm::DenseMap<Operation *, unsigned> index;
    for (auto [i, op] : llvm::enumerate(body))
      index[&op] = i;

    std::vector<Buffer> buffers;
    SmallVector<DynamicBuffer> dynamicBuffers;
    WalkResult walk = func.walk([&](memref::AllocOp alloc) {
      MemRefType type = alloc.getType();
      if (!type.hasStaticShape() && type.getLayout().isIdentity()) {
        // Sized from the input dims alone: planned at run time below.
        if (alloc->getBlock() == &body && !alloc->hasAttr("onnxc.output") &&
            llvm::all_of(alloc.getDynamicSizes(), [&](Value size) {
              return isEntryComputable(size, body);
            })) {
          FailureOr<unsigned> last = lastUse(body, index, alloc);
          if (failed(last))
            return WalkResult::interrupt();
          dynamicBuffers.push_back(
              {alloc, index.lookup(alloc.getOperation()), *last});
          return WalkResult::advance();
        }
        emitSizeChecks(alloc);
        return succeeded(freeAfterLastUse(alloc)) ? WalkResult::advance()
                                                  : WalkResult::interrupt();
      }
      if (!type.hasStaticShape() || !type.getLayout().isIdentity()) {
        alloc.emitOpError("memory planning needs static shapes and identity "
                          "layouts, got ")
            << type;
        return WalkResult::interrupt();
      }
      // A buffer a loop body yields to its next iteration (a loop-carried
      // value the body could not write in place) needs a new place each
      // iteration: the runtime serves it, as a buffer sized at run time.
      bool escapes = false;
      FailureOr<unsigned> last = lastUse(body, index, alloc, &escapes);
      if (failed(last) && escapes)
        return succeeded(freeAfterLastUse(alloc)) ? WalkResult::advance()
                                                  : WalkResult::interrupt();
      if (failed(last))
        return WalkResult::interrupt();
      Buffer buffer;
      buffer.alloc = alloc;
      uint64_t elementBytes = getElementBytes(type);
      buffer.bytes = llvm::alignTo(
          std::max<uint64_t>(1, type.getNumElements() * elementBytes),
          alignment);
      buffer.first = index.lookup(topLevelAncestor(body, alloc));
      buffer.last = *last;
      buffers.push_back(buffer);
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return signalPassFailure();

    uint64_t total = place(buffers);

    OpBuilder builder(func.getContext());
    auto workspaceType =
        MemRefType::get({static_cast<int64_t>(total)}, builder.getI8Type());
    unsigned workspaceIndex = func.getNumArguments();
    if (failed(func.insertArgument(
            workspaceIndex, workspaceType,
            builder.getDictionaryAttr(builder.getNamedAttr(
                "onnxc.workspace", builder.getUnitAttr())),
            func.getLoc())))
      return signalPassFailure();
    Value workspace = func.getArgument(workspaceIndex);
    for (Buffer &buffer : buffers) {
      builder.setInsertionPoint(buffer.alloc);
      Value offset = arith::ConstantIndexOp::create(
          builder, buffer.alloc.getLoc(), buffer.offset);
      auto view = memref::ViewOp::create(builder, buffer.alloc.getLoc(),
                                         buffer.alloc.getType(), workspace,
                                         offset, ValueRange{});
      buffer.alloc.replaceAllUsesWith(view.getResult());
      buffer.alloc.erase();
    }
    // Buffers live until the end of the run; their deallocs are moot.
    func.walk([](memref::DeallocOp dealloc) {
      if (dealloc.getMemref().getDefiningOp<memref::ViewOp>())
        dealloc.erase();
    });
    func->setAttr("onnxc.workspace_bytes",
                  builder.getI64IntegerAttr(static_cast<int64_t>(total)));
    if (!dynamicBuffers.empty())
      planAtRunTime(func, dynamicBuffers);
  }

  /// Bytes above which a buffer sized at run time is refused: no machine
  /// has them, and sums of a few hundred such sizes cannot wrap 64 bits.
  static constexpr int64_t kMaxRunTimeBytes = int64_t(1) << 56;

  /// Checks, before `alloc`, that its run-time sizes are not negative and
  /// that its bytes do not pass kMaxRunTimeBytes (a size computed from
  /// input values: a ConstantOfShape of [-3, 2] or [2^62, 2^62]), which
  /// would otherwise wrap to a small allocation that the kernels overrun.
  /// The run fails naming the node the buffer is for.
  static void emitSizeChecks(memref::AllocOp alloc) {
    OpBuilder b(alloc);
    emitSizeChecks(b, alloc, alloc.getDynamicSizes());
  }

  /// emitSizeChecks at the builder's point, for `alloc` with its run-time
  /// sizes `sizes` (as computed there).
  static void emitSizeChecks(OpBuilder &b, memref::AllocOp alloc,
                             ValueRange sizes) {
    MemRefType type = alloc.getType();
    Location loc = alloc.getLoc();
    auto constant = [&](int64_t v) {
      return arith::ConstantIndexOp::create(b, loc, v).getResult();
    };
    int64_t staticBytes = getElementBytes(type);
    for (int64_t d = 0; d < type.getRank(); ++d)
      if (!type.isDynamicDim(d))
        staticBytes *= type.getDimSize(d);
    if (staticBytes == 0)
      return;
    // Elements allowed per the remaining budget, dim by dim:
    // limit_{i+1} = limit_i / max(size_i, 1), size_i <= limit_i.
    Value limit = constant(kMaxRunTimeBytes / staticBytes);
    Value ok;
    for (Value size : sizes) {
      Value nonNegative = arith::CmpIOp::create(
          b, loc, arith::CmpIPredicate::sge, size, constant(0));
      Value fits = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ule,
                                         size, limit);
      Value both = arith::AndIOp::create(b, loc, nonNegative, fits);
      ok = ok ? Value(arith::AndIOp::create(b, loc, ok, both)) : both;
      limit = arith::DivUIOp::create(
          b, loc, limit, arith::MaxUIOp::create(b, loc, size, constant(1)));
    }
    if (!ok)
      return;
    std::string node = onnx_ir::describeLocation(loc);
    cf::AssertOp::create(
        b, loc, ok,
        (node.empty() ? std::string("a buffer") : node) +
            ": a size computed at run time is negative, or the buffer would "
            "take more than 2^56 bytes");
  }

  /// A buffer whose size depends on the input dims only.
  struct DynamicBuffer {
    mutable memref::AllocOp alloc;
    unsigned first, last;
  };

  /// Whether `value` can be computed at the function's entry: from its
  /// arguments and constants through side-effect-free ops without regions.
  static bool isEntryComputable(Value value, Block &body) {
    SmallVector<Value> worklist{value};
    llvm::DenseSet<Value> seen;
    while (!worklist.empty()) {
      Value v = worklist.pop_back_val();
      if (!seen.insert(v).second)
        continue;
      if (auto arg = dyn_cast<BlockArgument>(v)) {
        if (arg.getOwner() != &body)
          return false;
        continue;
      }
      Operation *def = v.getDefiningOp();
      if (def->getBlock() != &body || def->getNumRegions() ||
          !isMemoryEffectFree(def))
        return false;
      worklist.append(def->operand_begin(), def->operand_end());
    }
    return true;
  }

  /// The ops `values` are computed by (all entry-computable), in program
  /// order.
  static SmallVector<Operation *> getEntrySlice(ArrayRef<Value> values) {
    llvm::SetVector<Operation *> slice;
    SmallVector<Value> worklist(values);
    while (!worklist.empty()) {
      Operation *def = worklist.pop_back_val().getDefiningOp();
      if (def && slice.insert(def))
        worklist.append(def->operand_begin(), def->operand_end());
    }
    SmallVector<Operation *> ordered = slice.takeVector();
    llvm::sort(ordered,
               [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
    return ordered;
  }

  /// Builds, at the insertion point, the bytes of the run-time workspace
  /// and each buffer's offset in it (values of `mapping`'s copies of the
  /// size computations): buffers whose live ranges are disjoint share a
  /// slot, which is as large as its largest buffer (interval partitioning,
  /// earliest first); slots follow each other, 64-byte aligned.
  Value buildRunTimePlan(OpBuilder &b, Location loc,
                         ArrayRef<DynamicBuffer> buffers,
                         ArrayRef<unsigned> slotOf, unsigned numSlots,
                         IRMapping &mapping, SmallVectorImpl<Value> &offsets) {
    SmallVector<Value> sizes;
    for (const DynamicBuffer &buffer : buffers)
      llvm::append_range(sizes, buffer.alloc.getDynamicSizes());
    for (Operation *op : getEntrySlice(sizes))
      b.clone(*op, mapping);
    auto constant = [&](int64_t v) {
      return arith::ConstantIndexOp::create(b, loc, v).getResult();
    };
    SmallVector<Value> slotBytes(numSlots);
    for (auto [i, buffer] : llvm::enumerate(buffers)) {
      MemRefType type = buffer.alloc.getType();
      int64_t staticPart = getElementBytes(type);
      for (int64_t d = 0; d < type.getRank(); ++d)
        if (!type.isDynamicDim(d))
          staticPart *= type.getDimSize(d);
      Value bytes = constant(staticPart);
      for (Value size : buffer.alloc.getDynamicSizes())
        bytes = arith::MulIOp::create(b, loc, bytes,
                                      mapping.lookupOrDefault(size));
      // Rounded up to the alignment, and at least one alignment unit.
      Value units = arith::CeilDivUIOp::create(b, loc, bytes,
                                               constant(alignment));
      units = arith::MaxUIOp::create(b, loc, units, constant(1));
      bytes = arith::MulIOp::create(b, loc, units, constant(alignment));
      Value &slot = slotBytes[slotOf[i]];
      slot = slot ? Value(arith::MaxUIOp::create(b, loc, slot, bytes)) : bytes;
    }
    SmallVector<Value> slotOffsets;
    Value total = constant(0);
    for (Value bytes : slotBytes) {
      slotOffsets.push_back(total);
      total = arith::AddIOp::create(b, loc, total, bytes);
    }
    for (unsigned i = 0; i < buffers.size(); ++i)
      offsets.push_back(slotOffsets[slotOf[i]]);
    return total;
  }

  /// Places the buffers sized from the input dims in one workspace whose
  /// size is computed at the function's entry: allocated there (the
  /// runtime's allocator; its session cache makes repeated runs
  /// allocation-free), freed before the return, each buffer a view at its
  /// run-time offset. A function `<graph>_workspace` taking the graph's
  /// inputs computes the same size, so that callers can ask it for given
  /// input shapes (`onnxc.shape_function`: its inputs become shape arrays
  /// as the graph's do).
  void planAtRunTime(func::FuncOp func, ArrayRef<DynamicBuffer> buffers) {
    // Slots: a buffer goes into the first slot whose buffers all ended
    // before it starts.
    SmallVector<unsigned> order =
        llvm::to_vector(llvm::seq<unsigned>(0, buffers.size()));
    llvm::stable_sort(order, [&](unsigned a, unsigned b) {
      return buffers[a].first < buffers[b].first;
    });
    SmallVector<unsigned> slotOf(buffers.size()), slotEnd;
    for (unsigned i : order) {
      unsigned slot = 0;
      while (slot < slotEnd.size() && slotEnd[slot] >= buffers[i].first)
        ++slot;
      if (slot == slotEnd.size())
        slotEnd.push_back(0);
      slotEnd[slot] = buffers[i].last;
      slotOf[i] = slot;
    }

    Block &body = func.getBody().front();
    Location loc = func.getLoc();
    OpBuilder b(func.getContext());

    // The size query first, while the allocations are there: the graph's
    // inputs (its arguments before the outputs and the workspace), the
    // same computation, the bytes.
    SmallVector<Type> inputs;
    for (BlockArgument arg : body.getArguments()) {
      if (func.getArgAttr(arg.getArgNumber(), "onnxc.output") ||
          func.getArgAttr(arg.getArgNumber(), "onnxc.output_record") ||
          func.getArgAttr(arg.getArgNumber(), "onnxc.workspace"))
        break;
      inputs.push_back(arg.getType());
    }
    b.setInsertionPointAfter(func);
    auto query = func::FuncOp::create(
        b, loc, (func.getSymName() + "_workspace").str(),
        b.getFunctionType(inputs, {b.getIndexType()}));
    query->setAttr("onnxc.shape_function", b.getUnitAttr());
    Block *entry = query.addEntryBlock();
    b.setInsertionPointToStart(entry);
    IRMapping queryMapping;
    for (unsigned i = 0; i < inputs.size(); ++i)
      queryMapping.map(body.getArgument(i), entry->getArgument(i));
    SmallVector<Value> unused;
    Value bytes = buildRunTimePlan(b, loc, buffers, slotOf, slotEnd.size(),
                                   queryMapping, unused);
    func::ReturnOp::create(b, loc, bytes);

    // The graph: the same computation at its entry, one allocation.
    b.setInsertionPointToStart(&body);
    IRMapping entryMapping;
    SmallVector<Value> offsets;
    Value total = buildRunTimePlan(b, loc, buffers, slotOf, slotEnd.size(),
                                   entryMapping, offsets);
    for (const DynamicBuffer &buffer : buffers)
      emitSizeChecks(b, buffer.alloc,
                     llvm::map_to_vector(buffer.alloc.getDynamicSizes(),
                                         [&](Value size) {
                                           return entryMapping.lookupOrDefault(
                                               size);
                                         }));
    auto workspaceType =
        MemRefType::get({ShapedType::kDynamic}, b.getI8Type());
    auto workspace =
        memref::AllocOp::create(b, loc, workspaceType, ValueRange{total});
    workspace->setAttr("onnxc.dynamic_workspace", b.getUnitAttr());
    for (auto [buffer, offset] : llvm::zip(buffers, offsets)) {
      memref::AllocOp alloc = buffer.alloc;
      b.setInsertionPoint(alloc);
      auto view = memref::ViewOp::create(b, alloc.getLoc(), alloc.getType(),
                                         workspace, offset,
                                         alloc.getDynamicSizes());
      alloc.replaceAllUsesWith(view.getResult());
      alloc.erase();
    }
    b.setInsertionPoint(body.getTerminator());
    memref::DeallocOp::create(b, loc, workspace);
  }

  /// Greedy placement, largest buffer first, each at the lowest offset free
  /// over its live range. Returns the workspace size.
  uint64_t place(std::vector<Buffer> &buffers) {
    std::vector<Buffer *> order;
    for (Buffer &b : buffers)
      order.push_back(&b);
    llvm::stable_sort(order, [](Buffer *a, Buffer *b) {
      return a->bytes != b->bytes ? a->bytes > b->bytes : a->first < b->first;
    });
    std::vector<Buffer *> placed;
    uint64_t total = 0;
    for (Buffer *buffer : order) {
      std::vector<std::pair<uint64_t, uint64_t>> taken;
      for (Buffer *other : placed)
        if (overlaps(buffer->first, buffer->last, other->first, other->last))
          taken.push_back({other->offset, other->offset + other->bytes});
      llvm::sort(taken);
      uint64_t offset = 0;
      for (auto [begin, end] : taken) {
        if (offset + buffer->bytes <= begin)
          break;
        offset = std::max(offset, end);
      }
      buffer->offset = offset;
      total = std::max(total, offset + buffer->bytes);
      placed.push_back(buffer);
    }
    return total;
  }
};

} // namespace
} // namespace onnxc
