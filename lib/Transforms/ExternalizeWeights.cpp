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

bool getWeightsData(LLVM::GlobalOp global, std::vector<char> &data) {
  llvm::ArrayRef<char> raw = getExternalizableData(global);
  if (!raw.empty()) {
    data.assign(raw.begin(), raw.end());
    return true;
  }
  if (!global.getConstant() || !global.getInitializerRegion().empty())
    return false;
  auto dense = dyn_cast_or_null<DenseElementsAttr>(global.getValueOrNull());
  if (!dense || !dense.isSplat())
    return false;
  Type elementType = dense.getElementType();
  if (!elementType.isIntOrFloat() || elementType.getIntOrFloatBitWidth() % 8)
    return false;
  llvm::ArrayRef<char> element = dense.getRawData();
  size_t elementBytes = elementType.getIntOrFloatBitWidth() / 8;
  if (element.size() != elementBytes)
    return false;
  data.clear();
  data.reserve(elementBytes * dense.getNumElements());
  for (int64_t i = 0, e = dense.getNumElements(); i < e; ++i)
    data.insert(data.end(), element.begin(), element.end());
  return true;
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
    bool deviceCopy = !baseArgument.empty();
    std::vector<char> data;
    for (auto global : module.getOps<LLVM::GlobalOp>()) {
      if (pinned.contains(global.getSymNameAttr()))
        continue;
      int64_t size;
      if (deviceCopy) {
        // The device cannot read the host's copy of anything: splats too.
        if (!getWeightsData(global, data))
          continue;
        size = data.size();
      } else {
        size = getExternalizableData(global).size();
        if (!size || size < minBytes)
          continue;
      }
      int64_t offset = llvm::alignTo(bytes, kWeightsAlignment);
      bytes = offset + size;
      offsets[global.getSymNameAttr()] = offset;
      global->setAttr(kWeightsOffsetAttr, builder.getI64IntegerAttr(offset));
    }
    if (offsets.empty())
      return;
    if (deviceCopy) {
      if (failed(readThroughArgument(offsets)))
        return signalPassFailure();
      module->setAttr(kWeightsBytesAttr, builder.getI64IntegerAttr(bytes));
      return;
    }
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

  /// base-argument: the constants are read at their offset from a new last
  /// `!llvm.ptr` argument of that function; no other function may read
  /// one (its pointer would be the host's).
  LogicalResult
  readThroughArgument(const llvm::DenseMap<StringAttr, int64_t> &offsets) {
    ModuleOp module = getOperation();
    MLIRContext *context = &getContext();
    auto ptrType = LLVM::LLVMPointerType::get(context);
    auto i8Type = IntegerType::get(context, 8);
    auto target = module.lookupSymbol<LLVM::LLVMFuncOp>(baseArgument);
    if (!target || target.isExternal())
      return module.emitError()
             << "base-argument: no function '" << baseArgument << "' with a body";
    for (auto function : module.getOps<LLVM::LLVMFuncOp>()) {
      if (function == target || function.isExternal())
        continue;
      WalkResult walk = function.walk([&](LLVM::AddressOfOp address) {
        if (!offsets.count(address.getGlobalNameAttr().getAttr()))
          return WalkResult::advance();
        address.emitError() << "constant '" << address.getGlobalName()
                            << "' is read outside '" << baseArgument
                            << "', where its device copy is not passed";
        return WalkResult::interrupt();
      });
      if (walk.wasInterrupted())
        return failure();
    }
    // LLVMFuncOp has no insertArgument: the type, the block argument and
    // the argument attributes, by hand.
    auto type = target.getFunctionType();
    SmallVector<Type> params(type.getParams());
    params.push_back(ptrType);
    target.setFunctionType(LLVM::LLVMFunctionType::get(
        type.getReturnType(), params, type.isVarArg()));
    if (ArrayAttr argAttrs = target.getArgAttrsAttr()) {
      SmallVector<Attribute> attrs(argAttrs.begin(), argAttrs.end());
      attrs.push_back(DictionaryAttr::get(context));
      target.setArgAttrsAttr(ArrayAttr::get(context, attrs));
    }
    Value base =
        target.getBody().front().addArgument(ptrType, target.getLoc());
    target.walk([&](LLVM::AddressOfOp address) {
      auto it = offsets.find(address.getGlobalNameAttr().getAttr());
      if (it == offsets.end())
        return;
      OpBuilder at(address);
      Value offset = LLVM::ConstantOp::create(
          at, address.getLoc(), IntegerType::get(context, 64),
          at.getI64IntegerAttr(it->second));
      address.replaceAllUsesWith(
          LLVM::GEPOp::create(at, address.getLoc(), ptrType, i8Type, base,
                              ValueRange{offset})
              .getResult());
      address.erase();
    });
    return success();
  }
};

} // namespace
} // namespace onnxc
