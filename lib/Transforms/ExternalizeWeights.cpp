//===- ExternalizeWeights.cpp - --onnxc-externalize-weights ---------------===//

#include "onnxc/Transforms/ExternalWeights.h"
#include "onnxc/Transforms/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/Support/MathExtras.h"

namespace onnxc {
#define GEN_PASS_DEF_EXTERNALIZEWEIGHTS
#include "onnxc/Transforms/Passes.h.inc"
} // namespace onnxc

using namespace mlir;

namespace onnxc {

llvm::ArrayRef<char> getExternalizableData(LLVM::GlobalOp global) {
  if (!global.getConstant() || !global.getInitializerRegion().empty())
    return {};
  auto elements = dyn_cast_or_null<ElementsAttr>(global.getValueOrNull());
  if (!elements)
    return {};
  Type elementType = elements.getShapedType().getElementType();
  if (!elementType.isIntOrFloat() || elementType.getIntOrFloatBitWidth() % 8)
    return {};
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(elements)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    return blob ? blob->getData() : llvm::ArrayRef<char>();
  }
  auto dense = dyn_cast<DenseElementsAttr>(elements);
  if (!dense || dense.isSplat())
    return {};
  return dense.getRawData();
}

namespace {

struct ExternalizeWeightsPass
    : impl::ExternalizeWeightsBase<ExternalizeWeightsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *context = &getContext();
    // Globals referenced from other globals' initializers stay embedded:
    // their address must be a link-time constant.
    llvm::DenseSet<StringAttr> pinned;
    for (auto global : module.getOps<LLVM::GlobalOp>())
      global.getInitializerRegion().walk([&](LLVM::AddressOfOp address) {
        pinned.insert(address.getGlobalNameAttr().getAttr());
      });

    llvm::DenseMap<StringAttr, int64_t> offsets;
    int64_t bytes = 0;
    Builder builder(context);
    for (auto global : module.getOps<LLVM::GlobalOp>()) {
      llvm::ArrayRef<char> data = getExternalizableData(global);
      if (data.empty() || static_cast<int64_t>(data.size()) < minBytes ||
          pinned.contains(global.getSymNameAttr()))
        continue;
      int64_t offset = llvm::alignTo(bytes, kWeightsAlignment);
      bytes = offset + static_cast<int64_t>(data.size());
      offsets[global.getSymNameAttr()] = offset;
      global->setAttr(kWeightsOffsetAttr, builder.getI64IntegerAttr(offset));
    }
    if (offsets.empty())
      return;
    if (module.lookupSymbol(kWeightsBaseSymbol)) {
      module.emitError() << "symbol '" << kWeightsBaseSymbol
                         << "' already exists";
      return signalPassFailure();
    }
    module->setAttr(kWeightsBytesAttr, builder.getI64IntegerAttr(bytes));

    auto ptrType = LLVM::LLVMPointerType::get(context);
    OpBuilder moduleBuilder = OpBuilder::atBlockBegin(module.getBody());
    auto base = LLVM::GlobalOp::create(
        moduleBuilder, module.getLoc(), ptrType, /*isConstant=*/false,
        LLVM::Linkage::Internal, kWeightsBaseSymbol, Attribute());
    {
      OpBuilder::InsertionGuard guard(moduleBuilder);
      Block *init = moduleBuilder.createBlock(&base.getInitializerRegion());
      moduleBuilder.setInsertionPointToStart(init);
      Value zero = LLVM::ZeroOp::create(moduleBuilder, module.getLoc(), ptrType);
      LLVM::ReturnOp::create(moduleBuilder, module.getLoc(), zero);
    }

    auto i8Type = IntegerType::get(context, 8);
    for (auto function : module.getOps<LLVM::LLVMFuncOp>()) {
      if (function.isExternal())
        continue;
      // One load of the base per function, at its entry, so that every use
      // (in loops included) reads a register.
      Value basePointer;
      function.walk([&](LLVM::AddressOfOp address) {
        auto it = offsets.find(address.getGlobalNameAttr().getAttr());
        if (it == offsets.end())
          return;
        if (!basePointer) {
          OpBuilder entry = OpBuilder::atBlockBegin(&function.getBody().front());
          Value slot = LLVM::AddressOfOp::create(entry, address.getLoc(),
                                                 ptrType, kWeightsBaseSymbol);
          basePointer = LLVM::LoadOp::create(
              entry, address.getLoc(), ptrType, slot,
              /*alignment=*/0, /*isVolatile=*/false, /*isNonTemporal=*/false,
              /*isInvariant=*/true);
        }
        OpBuilder at(address);
        // A value, not a constant index: GEP's constant indices are 32-bit
        // and weights pass 2 GiB.
        Value offset = LLVM::ConstantOp::create(
            at, address.getLoc(), IntegerType::get(context, 64),
            at.getI64IntegerAttr(it->second));
        Value pointer = LLVM::GEPOp::create(at, address.getLoc(), ptrType, i8Type,
                                      basePointer, ValueRange{offset});
        address.replaceAllUsesWith(pointer);
        address.erase();
      });
    }
  }
};

} // namespace
} // namespace onnxc
