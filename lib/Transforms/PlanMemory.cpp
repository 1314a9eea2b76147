//===- PlanMemory.cpp - --onnxc-plan-memory -------------------------------===//
//
// Places every intermediate buffer of a bufferized graph function in one
// workspace whose size is known at compile time.
//
//===----------------------------------------------------------------------===//

#include "onnxc/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Interfaces/LoopLikeInterface.h"
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
  FailureOr<unsigned> lastUse(Block &body,
                              const llvm::DenseMap<Operation *, unsigned> &index,
                              memref::AllocOp alloc) {
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
          Operation *parent = user->getParentOp();
          if (allocLoop && (parent == allocLoop || allocLoop->isAncestor(parent)))
            return alloc.emitOpError(
                "buffer allocated in a loop body is yielded to the next "
                "iteration; it cannot be placed at one workspace offset");
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
  /// its block that uses it. An output's buffer (`onnxc.output`) goes to
  /// the caller.
  LogicalResult freeAfterLastUse(memref::AllocOp alloc) {
    alloc.setAlignment(std::nullopt);
    if (alloc->hasAttr("onnxc.output"))
      return success();
    Block &scope = *alloc->getBlock();
    llvm::DenseMap<Operation *, unsigned> index;
    for (auto [i, op] : llvm::enumerate(scope))
      index[&op] = i;
    FailureOr<unsigned> last = lastUse(scope, index, alloc);
    if (failed(last))
      return failure();
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
    WalkResult walk = func.walk([&](memref::AllocOp alloc) {
      MemRefType type = alloc.getType();
      if (!type.hasStaticShape() && type.getLayout().isIdentity())
        return succeeded(freeAfterLastUse(alloc)) ? WalkResult::advance()
                                                  : WalkResult::interrupt();
      if (!type.hasStaticShape() || !type.getLayout().isIdentity()) {
        alloc.emitOpError("memory planning needs static shapes and identity "
                          "layouts, got ")
            << type;
        return WalkResult::interrupt();
      }
      FailureOr<unsigned> last = lastUse(body, index, alloc);
      if (failed(last))
        return WalkResult::interrupt();
      Buffer buffer;
      buffer.alloc = alloc;
      uint64_t elementBytes =
          llvm::divideCeil(type.getElementTypeBitWidth(), 8);
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
