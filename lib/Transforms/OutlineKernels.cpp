//===- OutlineKernels.cpp - --onnxc-outline-kernels -----------------------===//

#include "onnxc/Transforms/Passes.h"

#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"

namespace onnxc {
#define GEN_PASS_DEF_OUTLINEKERNELS
#include "onnxc/Transforms/Passes.h.inc"
} // namespace onnxc

using namespace mlir;

namespace onnxc {
namespace {

/// Ops that only address memory or make constants: cloned into every kernel
/// that uses them.
static bool isAddressing(Operation *op) {
  return op->getNumRegions() == 0 && isMemoryEffectFree(op) &&
         !op->hasTrait<OpTrait::IsTerminator>();
}

struct OutlineKernelsPass : impl::OutlineKernelsBase<OutlineKernelsPass> {
  using Base::Base;

  /// The values `op` reads that are defined outside it.
  static SetVector<Value> getCapturedValues(Operation *op) {
    SetVector<Value> captured(op->operand_begin(), op->operand_end());
    for (Region &region : op->getRegions())
      getUsedValuesDefinedAbove(region, captured);
    return captured;
  }

  /// A buffer of its own: a graph argument, or a planned workspace buffer
  /// (a view of the workspace argument). Kernels take these as arguments.
  static bool isBufferRoot(Value value) {
    // A buffer sized at run time is allocated by the graph.
    if (isa<BlockArgument>(value) || value.getDefiningOp<memref::AllocOp>())
      return true;
    // A planned buffer: a view of the workspace argument, or of the
    // workspace allocated at run time.
    auto view = value.getDefiningOp<memref::ViewOp>();
    return view && (isa<BlockArgument>(view.getSource()) ||
                    view.getSource().getDefiningOp<memref::AllocOp>());
  }

  /// A value another computation produced that a kernel can take as an
  /// argument: a scalar (a size read at run time), or a dense memref (a
  /// `memref.reshape` by a shape computed at run time), which the bare
  /// pointer convention can pass.
  static bool isPassable(Value value) {
    Type type = value.getType();
    if (type.isIntOrIndexOrFloat())
      return true;
    auto memref = dyn_cast<MemRefType>(type);
    return memref && memref.getLayout().isIdentity();
  }

  /// Collects, in program order, the addressing ops `op` depends on and the
  /// buffers they start from, and the values computed elsewhere it takes as
  /// arguments (`passed`, a subset of `buffers`); fails if `op` reads
  /// another value another computation produced.
  static LogicalResult collectClosure(Operation *op,
                                      SetVector<Operation *> &addressing,
                                      SetVector<Value> &buffers,
                                      llvm::DenseSet<Value> &passed) {
    SmallVector<Value> worklist(getCapturedValues(op).takeVector());
    while (!worklist.empty()) {
      Value value = worklist.pop_back_val();
      if (isBufferRoot(value)) {
        buffers.insert(value);
        continue;
      }
      Operation *def = value.getDefiningOp();
      if (def && !isAddressing(def) && isPassable(value)) {
        buffers.insert(value);
        passed.insert(value);
        continue;
      }
      if (!def || !isAddressing(def))
        return failure();
      if (addressing.insert(def))
        worklist.append(def->operand_begin(), def->operand_end());
    }
    return success();
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto graph = module.lookupSymbol<func::FuncOp>(graphFunction);
    if (!graph || graph.isExternal() || !graph.getBody().hasOneBlock())
      return;
    SymbolTable symbols(module);
    Block &body = graph.getBody().front();
    unsigned count = 0;
    for (Operation &op : llvm::make_early_inc_range(body)) {
      // Frees and run-time checks stay in the graph.
      if (isAddressing(&op) || op.getNumResults() != 0 ||
          op.hasTrait<OpTrait::IsTerminator>() ||
          isa<memref::DeallocOp, cf::AssertOp>(op))
        continue;
      SetVector<Operation *> addressing;
      SetVector<Value> buffers;
      llvm::DenseSet<Value> passed;
      if (failed(collectClosure(&op, addressing, buffers, passed)))
        continue;
      // Buffers in graph-argument then program order, clones in program
      // order.
      SmallVector<Value> params(buffers.begin(), buffers.end());
      auto position = [](Value v) -> std::pair<int, int64_t> {
        if (auto arg = dyn_cast<BlockArgument>(v))
          return {0, arg.getArgNumber()};
        return {1, 0};
      };
      llvm::stable_sort(params, [&](Value a, Value b) {
        auto [ka, ia] = position(a);
        auto [kb, ib] = position(b);
        if (ka != kb || ka == 0)
          return ka != kb ? ka < kb : ia < ib;
        return a.getDefiningOp()->isBeforeInBlock(b.getDefiningOp());
      });
      SmallVector<Operation *> clones(addressing.begin(), addressing.end());
      llvm::sort(clones, [](Operation *a, Operation *b) {
        return a->isBeforeInBlock(b);
      });

      OpBuilder builder(module.getContext());
      builder.setInsertionPoint(graph);
      SmallVector<Type> types;
      for (Value buffer : params)
        types.push_back(buffer.getType());
      auto kernel = func::FuncOp::create(
          builder, op.getLoc(),
          (graphFunction + "_kernel" + Twine(count++)).str(),
          builder.getFunctionType(types, {}));
      kernel.setPrivate();
      kernel->setAttr("onnxc.kernel", builder.getUnitAttr());
      // Distinct buffers an op uses are live at once, so the memory plan
      // gave them disjoint bytes (and the runtime rejects overlapping
      // inputs and outputs): LLVM may assume they do not alias.
      // Values passed through (a reshaped view of a buffer) may alias one.
      for (unsigned i = 0; i < params.size(); ++i)
        if (isa<MemRefType>(params[i].getType()) && !passed.contains(params[i]))
          kernel.setArgAttr(i, "llvm.noalias", builder.getUnitAttr());
      symbols.insert(kernel);
      Block *entry = kernel.addEntryBlock();
      builder.setInsertionPointToStart(entry);
      IRMapping mapping;
      for (auto [buffer, param] : llvm::zip(params, entry->getArguments()))
        mapping.map(buffer, param);
      for (Operation *clone : clones)
        builder.clone(*clone, mapping);
      builder.clone(op, mapping);
      func::ReturnOp::create(builder, op.getLoc());

      builder.setInsertionPoint(&op);
      SmallVector<Value> callArgs(params.begin(), params.end());
      func::CallOp::create(builder, op.getLoc(), kernel, callArgs);
      op.erase();
    }
    // Addressing ops left without users.
    for (Operation &op : llvm::make_early_inc_range(llvm::reverse(body)))
      if (isAddressing(&op) && op.use_empty())
        op.erase();
  }
};

} // namespace
} // namespace onnxc
