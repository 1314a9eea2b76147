//===- MapParallelLoopsToGPU.cpp - --onnxc-map-parallel-loops-to-gpu ------===//
//
// Every loop of the CUDA target's graph function runs on the device: its
// parallel dims become one index over blocks of threads (upstream collapse
// and tiling of scf.parallel), anything else that touches memory runs on one
// thread. --convert-parallel-loops-to-gpu then makes the launches.
//
//===----------------------------------------------------------------------===//

#include "onnxc/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/ParallelLoopMapper.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

#include <functional>

namespace onnxc {
#define GEN_PASS_DEF_MAPPARALLELLOOPSTOGPU
#include "onnxc/Transforms/Passes.h.inc"
} // namespace onnxc

using namespace mlir;

namespace onnxc {
namespace {

/// Ops that may stay on the host: they compute addresses or sizes, never
/// touch a buffer's elements.
bool staysOnHost(Operation *op) {
  if (isa<func::ReturnOp, memref::AllocOp, memref::AllocaOp,
          memref::DeallocOp, memref::GetGlobalOp, memref::DimOp,
          memref::ExtractStridedMetadataOp, memref::AssumeAlignmentOp>(op))
    return true;
  if (isa<ViewLikeOpInterface>(op) || op->hasTrait<OpTrait::ConstantLike>())
    return true;
  return isMemoryEffectFree(op);
}

/// Maps a one-dim loop nest (tiles, threads of a tile) to block_x and
/// thread_x.
LogicalResult mapToBlocksAndThreads(scf::ParallelOp tiles,
                                    scf::ParallelOp threads) {
  MLIRContext *ctx = tiles.getContext();
  AffineMap identity = AffineMap::getMultiDimIdentityMap(1, ctx);
  auto map = [&](gpu::Processor processor) {
    return gpu::ParallelLoopDimMappingAttr::get(ctx, processor, identity,
                                                identity);
  };
  if (failed(gpu::setMappingAttr(tiles, {map(gpu::Processor::BlockX)})))
    return failure();
  return gpu::setMappingAttr(threads, {map(gpu::Processor::ThreadX)});
}

struct MapParallelLoopsToGPUPass
    : impl::MapParallelLoopsToGPUBase<MapParallelLoopsToGPUPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp function = getOperation();
    if (function.isExternal())
      return;
    if (blockSize < 1 || blockSize > 1024) {
      function.emitError() << "block-size=" << static_cast<int64_t>(blockSize)
                           << ": a CUDA block has 1 to 1024 threads";
      return signalPassFailure();
    }
    IRRewriter rewriter(&getContext());
    deviceValues.clear();
    isDeviceValue.clear();

    // memref.copy lowers to a host memcpy; linalg.copy to loops.
    SmallVector<memref::CopyOp> copies;
    function.walk([&](memref::CopyOp copy) { copies.push_back(copy); });
    for (memref::CopyOp copy : copies) {
      rewriter.setInsertionPoint(copy);
      rewriter.replaceOpWithNewOp<linalg::CopyOp>(copy, copy.getSource(),
                                                  copy.getTarget());
    }

    if (failed(mapBlock(rewriter, function.getBody().front())) ||
        failed(sinkDeviceValues(rewriter)))
      return signalPassFailure();
  }

  /// Scalars the host code loads from device memory (a Pad's constant
  /// value, OneHot's depth, Trilu's k given as inputs), and the host
  /// arithmetic on them, in host order: they are recomputed in each kernel
  /// that uses them, since the host cannot read device memory.
  SmallVector<Operation *> deviceValues;
  llvm::DenseSet<Operation *> isDeviceValue;

  /// Whether `op`, a host op, loads from device memory or computes from
  /// such a load.
  bool recordDeviceValue(Operation &op) {
    bool fromDevice =
        isa<memref::LoadOp>(op) ||
        (isMemoryEffectFree(&op) && op.getNumRegions() == 0 &&
         llvm::any_of(op.getOperands(), [&](Value operand) {
           Operation *def = operand.getDefiningOp();
           return def && isDeviceValue.contains(def);
         }));
    if (fromDevice) {
      deviceValues.push_back(&op);
      isDeviceValue.insert(&op);
    }
    return fromDevice;
  }

  LogicalResult sinkDeviceValues(IRRewriter &rewriter) {
    // Per kernel (its outermost mapped loop): the clones made in it, and
    // the last one, after which the next goes (operands first).
    llvm::DenseMap<Operation *, IRMapping> clones;
    llvm::DenseMap<Operation *, Operation *> lastClone;
    std::function<Value(Value, Operation *)> cloneInto =
        [&](Value value, Operation *kernel) -> Value {
      Operation *def = value.getDefiningOp();
      if (!def || !isDeviceValue.contains(def))
        return value;
      if (Value cloned = clones[kernel].lookupOrNull(value))
        return cloned;
      for (Value operand : def->getOperands())
        clones[kernel].map(operand, cloneInto(operand, kernel));
      if (Operation *last = lastClone.lookup(kernel)) {
        rewriter.setInsertionPointAfter(last);
      } else {
        Block *body = cast<scf::ParallelOp>(kernel).getBody();
        rewriter.setInsertionPoint(body, body->begin());
      }
      Operation *clone = rewriter.clone(*def, clones[kernel]);
      lastClone[kernel] = clone;
      return clone->getResult(cast<OpResult>(value).getResultNumber());
    };
    for (Operation *op : llvm::reverse(deviceValues)) {
      for (OpOperand &use : llvm::make_early_inc_range(op->getUses())) {
        Operation *user = use.getOwner();
        if (isDeviceValue.contains(user))
          continue;
        // The outermost mapped loop around the use: the kernel.
        Operation *kernel = nullptr;
        for (Operation *parent = user->getParentOp(); parent;
             parent = parent->getParentOp())
          if (auto loop = dyn_cast<scf::ParallelOp>(parent))
            if (loop->hasAttr(gpu::getMappingAttrName()))
              kernel = loop;
        if (!kernel)
          return user->emitError()
                 << "'" << user->getName()
                 << "' on the host uses a value loaded from device memory "
                    "('"
                 << op->getName() << "')";
        use.set(cloneInto(use.get(), kernel));
      }
    }
    for (Operation *op : llvm::reverse(deviceValues))
      if (op->use_empty())
        rewriter.eraseOp(op);
    return success();
  }

  /// Maps the ops of a host block. Host control flow around linalg ops
  /// (the time loop of a recurrent op) stays on the host and launches the
  /// kernels of its body per iteration.
  LogicalResult mapBlock(IRRewriter &rewriter, Block &block) {
    for (Operation &op : llvm::make_early_inc_range(block)) {
      if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op)) {
        if (failed(mapLinalgOp(rewriter, linalgOp)))
          return failure();
        continue;
      }
      if (auto loop = dyn_cast<scf::ParallelOp>(op)) {
        if (failed(mapLoop(rewriter, loop)))
          return failure();
        continue;
      }
      if (recordDeviceValue(op) || staysOnHost(&op))
        continue;
      bool holdsKernels = op.getNumRegions() &&
                          op.walk([](Operation *nested) {
                              return isa<linalg::LinalgOp, scf::ParallelOp,
                                         memref::CopyOp>(nested)
                                         ? WalkResult::interrupt()
                                         : WalkResult::advance();
                            }).wasInterrupted();
      if (holdsKernels) {
        if (!isa<scf::ForOp, scf::IfOp, scf::IndexSwitchOp>(op))
          return op.emitError() << "'" << op.getName()
                                << "' around kernels cannot run on the host";
        for (Region &region : op.getRegions())
          for (Block &nested : region)
            if (failed(mapBlock(rewriter, nested)))
              return failure();
        continue;
      }
      if (failed(runOnOneThread(rewriter, &op)))
        return failure();
    }
    return success();
  }

  /// A linalg op with parallel dims becomes a mapped parallel loop (its
  /// reduction dims sequential inside); one without runs on one thread.
  LogicalResult mapLinalgOp(IRRewriter &rewriter, linalg::LinalgOp op) {
    if (!op.hasPureBufferSemantics())
      return op->emitError() << "'" << op->getName()
                             << "' on tensors: bufferize before mapping to "
                                "the GPU";
    // Parallel dims inside a reduction dim would launch a kernel per
    // iteration of the reduction: such ops (rare; lowerings put parallel
    // dims first) run on one thread.
    if (op.getNumParallelLoops() == 0 ||
        !linalg::isParallelIterator(op.getIteratorTypesArray().front())) {
      if (failed(runOnOneThread(rewriter, op)))
        return failure();
      rewriter.setInsertionPoint(op);
      if (failed(linalg::linalgOpToLoops(rewriter, op)))
        return op->emitError() << "cannot lower '" << op->getName()
                               << "' to loops";
      rewriter.eraseOp(op);
      return success();
    }
    rewriter.setInsertionPoint(op);
    FailureOr<linalg::LinalgLoops> loops =
        linalg::linalgOpToParallelLoops(rewriter, op);
    if (failed(loops) || loops->empty())
      return op->emitError() << "cannot lower '" << op->getName()
                             << "' to parallel loops";
    rewriter.eraseOp(op);
    auto outer = dyn_cast<scf::ParallelOp>(loops->front());
    if (!outer)
      return emitError(loops->front()->getLoc())
             << "internal error: the outer loop of a linalg op with parallel "
                "dims is not parallel";
    return mapLoop(rewriter, outer);
  }

  /// Collapses, tiles by blockSize and maps one top-level parallel loop.
  LogicalResult mapLoop(IRRewriter &rewriter, scf::ParallelOp loop) {
    if (loop.getNumReductions()) {
      loop.emitError() << "scf.parallel with reductions cannot be mapped "
                          "to the GPU yet";
      return failure();
    }
    // The iterations, when static: a kernel over fewer than blockSize
    // elements gets a block of that many threads.
    std::optional<int64_t> trips = 1;
    for (unsigned i = 0; i < loop.getNumLoops() && trips; ++i) {
      std::optional<int64_t> dim = constantTripCount(loop, i);
      trips = dim ? std::optional<int64_t>(*trips * *dim) : std::nullopt;
    }
    // Collapsing needs unit steps, which linalg's loops have.
    unsigned rank = loop.getNumLoops();
    if (rank > 1) {
      std::vector<unsigned> all(rank);
      for (unsigned i = 0; i < rank; ++i)
        all[i] = i;
      rewriter.setInsertionPoint(loop);
      // collapseParallelLoops replaces the loop; find the new one by
      // position.
      Operation *before = loop->getPrevNode();
      Block *block = loop->getBlock();
      collapseParallelLoops(rewriter, loop, {all});
      Operation *next = before ? before->getNextNode() : &block->front();
      while (next && !isa<scf::ParallelOp>(next))
        next = next->getNextNode();
      if (!next)
        return emitError(block->getParentOp()->getLoc())
               << "internal error: collapsing a parallel loop lost it";
      loop = cast<scf::ParallelOp>(next);
    }
    int64_t tile = blockSize;
    if (trips)
      tile = std::max<int64_t>(1, std::min(tile, *trips));
    auto [tiles, threads] =
        scf::tileParallelLoop(loop, {tile}, /*noMinMaxBounds=*/true);
    return mapToBlocksAndThreads(tiles, threads);
  }

  static std::optional<int64_t> constantTripCount(scf::ParallelOp loop,
                                                  unsigned dim) {
    std::optional<int64_t> lb = getConstantIntValue(loop.getLowerBound()[dim]);
    std::optional<int64_t> ub = getConstantIntValue(loop.getUpperBound()[dim]);
    std::optional<int64_t> step = getConstantIntValue(loop.getStep()[dim]);
    if (!lb || !ub || !step || *step <= 0)
      return std::nullopt;
    return (*ub - *lb + *step - 1) / *step;
  }

  /// Wraps `op` in a parallel loop of one iteration on one thread.
  LogicalResult runOnOneThread(IRRewriter &rewriter, Operation *op) {
    if (op->getNumResults()) {
      op->emitError() << "'" << op->getName()
                      << "' computes a value on the host from device memory";
      return failure();
    }
    Location loc = op->getLoc();
    rewriter.setInsertionPoint(op);
    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    auto makeLoop = [&](OpBuilder &b) {
      return scf::ParallelOp::create(b, loc, ValueRange{zero}, ValueRange{one},
                                     ValueRange{one});
    };
    scf::ParallelOp tiles = makeLoop(rewriter);
    rewriter.setInsertionPointToStart(tiles.getBody());
    scf::ParallelOp threads = makeLoop(rewriter);
    rewriter.moveOpBefore(op, threads.getBody()->getTerminator());
    return mapToBlocksAndThreads(tiles, threads);
  }
};

} // namespace
} // namespace onnxc
