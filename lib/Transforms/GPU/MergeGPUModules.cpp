//===- MergeGPUModules.cpp - --onnxc-merge-gpu-modules --------------------===//
//
// One gpu.module (one PTX image) per model instead of one per kernel.
//
//===----------------------------------------------------------------------===//

#include "onnxc/Transforms/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/SymbolTable.h"

namespace onnxc {
#define GEN_PASS_DEF_MERGEGPUMODULES
#include "onnxc/Transforms/Passes.h.inc"
} // namespace onnxc

using namespace mlir;

namespace onnxc {
namespace {

struct MergeGPUModulesPass
    : impl::MergeGPUModulesBase<MergeGPUModulesPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<gpu::GPUModuleOp> kernelModules(
        module.getOps<gpu::GPUModuleOp>());
    if (kernelModules.size() < 2)
      return;
    gpu::GPUModuleOp target = kernelModules.front();
    SymbolTable targetSymbols(target);
    // (old module, old symbol) -> new symbol in `target`.
    llvm::DenseMap<std::pair<StringAttr, StringAttr>, StringAttr> renamed;
    for (gpu::GPUModuleOp source : llvm::drop_begin(kernelModules)) {
      // Modules for other targets or with other options stay apart.
      bool same = true;
      for (NamedAttribute attr : source->getAttrs())
        if (attr.getName() != SymbolTable::getSymbolAttrName() &&
            target->getAttr(attr.getName()) != attr.getValue())
          same = false;
      if (!same || source->getAttrs().size() != target->getAttrs().size())
        continue;
      StringAttr sourceName = source.getSymNameAttr();
      SymbolTable sourceSymbols(source);
      Block &body = source.getBodyRegion().front();
      // Rename inside the source first (a kernel after its module, which
      // is unique; anything else only on a clash), uses included.
      for (Operation &op : body) {
        auto symbol = dyn_cast<SymbolOpInterface>(op);
        if (!symbol)
          continue;
        StringAttr oldName = symbol.getNameAttr();
        std::string name = isa<gpu::GPUFuncOp>(op) ? sourceName.str()
                                                   : oldName.str();
        std::string candidate = name;
        for (unsigned suffix = 0;
             targetSymbols.lookup(candidate) ||
             (candidate != oldName.str() && sourceSymbols.lookup(candidate));
             ++suffix)
          candidate = name + "_" + std::to_string(suffix);
        StringAttr newName = StringAttr::get(&getContext(), candidate);
        if (newName != oldName) {
          if (failed(SymbolTable::replaceAllSymbolUses(&op, newName, source)))
            return signalPassFailure();
          sourceSymbols.setSymbolName(&op, newName);
        }
        renamed[{sourceName, oldName}] = newName;
      }
      for (Operation &op : llvm::make_early_inc_range(body)) {
        if (!isa<SymbolOpInterface>(op))
          continue;
        op.remove();
        targetSymbols.insert(&op);
      }
      source.erase();
    }
    // The launches follow their kernels.
    module.walk([&](gpu::LaunchFuncOp launch) {
      SymbolRefAttr kernel = launch.getKernel();
      auto it = renamed.find({kernel.getRootReference(),
                              kernel.getLeafReference()});
      if (it == renamed.end())
        return;
      launch.setKernelAttr(SymbolRefAttr::get(
          target.getSymNameAttr(), {FlatSymbolRefAttr::get(it->second)}));
    });
  }
};

} // namespace
} // namespace onnxc
