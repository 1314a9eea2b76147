//===- FlattenGlobals.cpp - --onnxc-flatten-globals -----------------------===//

#include "onnxc/Transforms/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

namespace onnxc {
#define GEN_PASS_DEF_FLATTENGLOBALS
#include "onnxc/Transforms/Passes.h.inc"
} // namespace onnxc

using namespace mlir;

namespace onnxc {
namespace {

/// The initial value of a global, retyped to `flatType`; null if the
/// attribute kind has no flat form.
static Attribute flattenValue(Attribute value, ShapedType flatType) {
  if (auto dense = dyn_cast<DenseElementsAttr>(value))
    return dense.reshape(flatType);
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(value))
    return DenseResourceElementsAttr::get(flatType, resource.getRawHandle());
  return {};
}

struct FlattenGlobalsPass : impl::FlattenGlobalsBase<FlattenGlobalsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    llvm::StringMap<MemRefType> flattened;
    for (auto global : module.getOps<memref::GlobalOp>()) {
      MemRefType type = global.getType();
      if (type.getRank() <= 1 || !type.hasStaticShape() ||
          !type.getLayout().isIdentity() || !global.getInitialValue())
        continue;
      auto flatType = MemRefType::get({type.getNumElements()},
                                      type.getElementType(), AffineMap(),
                                      type.getMemorySpace());
      Attribute value = flattenValue(
          *global.getInitialValue(),
          RankedTensorType::get(flatType.getShape(), type.getElementType()));
      if (!value)
        continue;
      global.setType(flatType);
      global.setInitialValueAttr(value);
      flattened[global.getSymName()] = flatType;
    }
    module.walk([&](memref::GetGlobalOp get) {
      auto it = flattened.find(get.getName());
      if (it == flattened.end())
        return;
      MemRefType type = get.getType();
      OpBuilder builder(get);
      auto flat = memref::GetGlobalOp::create(builder, get.getLoc(),
                                              it->second, get.getName());
      ReassociationIndices all =
          llvm::to_vector(llvm::seq<int64_t>(0, type.getRank()));
      auto expanded = memref::ExpandShapeOp::create(
          builder, get.getLoc(), type, flat, ArrayRef<ReassociationIndices>{all});
      get.replaceAllUsesWith(expanded.getResult());
      get.erase();
    });
  }
};

} // namespace
} // namespace onnxc
