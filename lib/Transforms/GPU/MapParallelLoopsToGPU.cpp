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
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
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

/// Whether `value` is an output record of the graph function (a result
/// with a dim known at run time, see --onnxc-bufferize): host memory, where
/// the host code stores the output's device buffer and dims.
bool isOutputRecord(Value value) {
  auto arg = dyn_cast<BlockArgument>(value);
  if (!arg)
    return false;
  auto function = dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp());
  return function && arg.getOwner()->isEntryBlock() &&
         function.getArgAttr(arg.getArgNumber(), "onnxc.output_record");
}

/// Whether the memory `memref` views holds the same values during the whole
/// run: a graph input or a constant. The memory plan reuses the
/// workspace's bytes, so a load from an intermediate may only happen where
/// the code had it.
bool isImmutable(Value memref) {
  while (Operation *def = memref.getDefiningOp()) {
    if (isa<memref::GetGlobalOp>(def))
      return true;
    auto view = dyn_cast<ViewLikeOpInterface>(def);
    if (!view)
      return false;
    memref = view.getViewSource();
  }
  auto arg = dyn_cast<BlockArgument>(memref);
  auto function =
      arg ? dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp()) : nullptr;
  if (!function || !arg.getOwner()->isEntryBlock())
    return false;
  for (StringRef attr : {"onnxc.output", "onnxc.output_record",
                         "onnxc.workspace", "onnxc.dynamic_workspace"})
    if (function.getArgAttr(arg.getArgNumber(), attr))
      return false;
  return true;
}

/// Ops that may stay on the host: they compute addresses or sizes, never
/// touch a buffer's elements (but the host's own output records).
bool staysOnHost(Operation *op) {
  if (auto store = dyn_cast<memref::StoreOp>(op))
    return isOutputRecord(store.getMemRef());
  // Run-time checks end the run from the host (--onnxc-lower-run-time-checks).
  if (isa<cf::AssertOp>(op))
    return true;
  // The host's reads of device memory (readOnHost) into host memory.
  if (auto call = dyn_cast<func::CallOp>(op))
    return call.getCallee() == "onnxc_cuda_read";
  if (auto load = dyn_cast<memref::LoadOp>(op))
    return load.getMemRef().getDefiningOp<memref::AllocaOp>();
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
    ModuleOp module = getOperation();
    for (auto function : llvm::to_vector(module.getOps<func::FuncOp>()))
      if (!function.isExternal() && failed(mapFunction(function)))
        return signalPassFailure();
    bool reads = false;
    module.walk([&](func::CallOp call) {
      reads |= call.getCallee() == kReadFunction;
    });
    if (reads && !module.lookupSymbol(kReadFunction)) {
      OpBuilder b = OpBuilder::atBlockBegin(module.getBody());
      Type index = b.getIndexType();
      auto read = func::FuncOp::create(
          b, module.getLoc(), kReadFunction,
          b.getFunctionType({index, index, index}, {}));
      read.setPrivate();
    }
  }

  LogicalResult mapFunction(func::FuncOp function) {
    if (blockSize < 1 || blockSize > 1024)
      return function.emitError()
             << "block-size=" << static_cast<int64_t>(blockSize)
             << ": a CUDA block has 1 to 1024 threads";
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

    return failure(failed(mapBlock(rewriter, function.getBody().front())) ||
                   failed(sinkDeviceValues(rewriter)));
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
    auto load = dyn_cast<memref::LoadOp>(op);
    bool fromDevice =
        (load && !staysOnHost(&op) && isImmutable(load.getMemRef())) ||
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
        // A host use (a run-time check, a size): the host reads it.
        if (kernel)
          use.set(cloneInto(use.get(), kernel));
      }
    }
    SmallVector<memref::LoadOp> hostLoads;
    for (Operation *op : llvm::reverse(deviceValues)) {
      if (op->use_empty())
        rewriter.eraseOp(op);
      else if (auto load = dyn_cast<memref::LoadOp>(op))
        hostLoads.push_back(load);
    }
    deviceValues.clear();
    isDeviceValue.clear();
    for (memref::LoadOp load : hostLoads)
      if (failed(readOnHost(rewriter, load)))
        return failure();
    return success();
  }

  /// The runtime's `void onnxc_cuda_read(index dst, index src, index
  /// bytes)`: copies device memory at `src` to host memory at `dst` once
  /// the work queued before it is done (runtime/src/cuda.c).
  static constexpr llvm::StringLiteral kReadFunction = "onnxc_cuda_read";

  /// A load from device memory whose value the host needs (a check of an
  /// input's value, a size computed from tensor values) becomes a copy of
  /// the element into host memory through the runtime, which waits for
  /// the kernels before.
  LogicalResult readOnHost(IRRewriter &rewriter, memref::LoadOp load) {
    Location loc = load.getLoc();
    MemRefType type = load.getMemRefType();
    Type element = type.getElementType();
    if (!element.isIntOrIndexOrFloat() || isa<IndexType>(element))
      return load.emitError() << "the host cannot read a " << element
                              << " from device memory";
    int64_t bytes = std::max<int64_t>(1, element.getIntOrFloatBitWidth() / 8);
    rewriter.setInsertionPoint(load);
    Value source = load.getMemRef();
    if (type.getRank()) {
      SmallVector<OpFoldResult> offsets(load.getIndices().begin(),
                                        load.getIndices().end());
      SmallVector<OpFoldResult> ones(type.getRank(), rewriter.getIndexAttr(1));
      source = memref::SubViewOp::create(rewriter, loc, source, offsets, ones,
                                         ones);
    }
    auto metadata =
        memref::ExtractStridedMetadataOp::create(rewriter, loc, source);
    Value base = memref::ExtractAlignedPointerAsIndexOp::create(
        rewriter, loc, source);
    Value size = arith::ConstantIndexOp::create(rewriter, loc, bytes);
    Value address = arith::AddIOp::create(
        rewriter, loc, base,
        arith::MulIOp::create(rewriter, loc, metadata.getOffset(), size));
    Value host = memref::AllocaOp::create(rewriter, loc,
                                          MemRefType::get({}, element));
    Value hostAddress =
        memref::ExtractAlignedPointerAsIndexOp::create(rewriter, loc, host);
    func::CallOp::create(rewriter, loc, kReadFunction, TypeRange{},
                         ValueRange{hostAddress, address, size});
    rewriter.replaceOpWithNewOp<memref::LoadOp>(load, host, ValueRange{});
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
      // A load from memory the run writes: read where the code has it.
      if (auto load = dyn_cast<memref::LoadOp>(op)) {
        if (failed(readOnHost(rewriter, load)))
          return failure();
        continue;
      }
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
  /// Its scalar results (a count computed by a loop over a tensor, as
  /// NonZero's) go through device memory: stored by the kernel into a
  /// buffer of one element, read by the host after it (readOnHost).
  LogicalResult runOnOneThread(IRRewriter &rewriter, Operation *op) {
    Location loc = op->getLoc();
    rewriter.setInsertionPoint(op);
    SmallVector<Value> buffers;
    for (Value result : op->getResults()) {
      Type type = result.getType();
      if (!type.isIntOrIndexOrFloat())
        return op->emitError()
               << "'" << op->getName() << "' computes a " << type
               << " from device memory, which the host cannot read";
      Type stored = isa<IndexType>(type) ? rewriter.getI64Type() : type;
      buffers.push_back(memref::AllocOp::create(
          rewriter, loc, MemRefType::get({}, stored)));
    }
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
    if (buffers.empty())
      return mapToBlocksAndThreads(tiles, threads);
    // The kernel stores the results; the host reads and frees them.
    rewriter.setInsertionPointAfter(op);
    for (auto [result, buffer] : llvm::zip(op->getResults(), buffers)) {
      Value value = result;
      if (isa<IndexType>(value.getType()))
        value = arith::IndexCastOp::create(rewriter, loc,
                                           rewriter.getI64Type(), value);
      memref::StoreOp::create(rewriter, loc, value, buffer, ValueRange{});
    }
    rewriter.setInsertionPointAfter(tiles);
    for (auto [result, buffer] : llvm::zip(op->getResults(), buffers)) {
      auto load = memref::LoadOp::create(rewriter, loc, buffer, ValueRange{});
      Value value = load;
      if (isa<IndexType>(result.getType()))
        value = arith::IndexCastOp::create(rewriter, loc,
                                           rewriter.getIndexType(), value);
      // Uses inside the kernel keep the result; the others take the copy.
      result.replaceUsesWithIf(value, [&](OpOperand &use) {
        return !tiles->isAncestor(use.getOwner());
      });
      memref::DeallocOp::create(rewriter, loc, buffer);
      if (failed(readOnHost(rewriter, load)))
        return failure();
    }
    return mapToBlocksAndThreads(tiles, threads);
  }
};

} // namespace
} // namespace onnxc
