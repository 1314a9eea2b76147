//===- Locations.cpp - What an onnx op's location names -------------------===//

#include "onnxc/Dialect/ONNX/Locations.h"

#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;

namespace onnxc::onnx_ir {

/// The metadata of the FusedLoc under an initializer's NameLoc.
static constexpr llvm::StringLiteral kInitializerTag = "onnx.initializer";

Location getInitializerLoc(StringRef name, Location fileLoc) {
  MLIRContext *context = fileLoc.getContext();
  Location tagged = FusedLoc::get(context, {fileLoc},
                                  StringAttr::get(context, kInitializerTag));
  return NameLoc::get(StringAttr::get(context, name), tagged);
}

std::string describeLocation(Location loc) {
  auto name = loc->findInstanceOf<NameLoc>();
  if (!name)
    return "";
  auto fused = dyn_cast<FusedLoc>(name.getChildLoc());
  auto tag = fused ? dyn_cast_or_null<StringAttr>(fused.getMetadata())
                   : StringAttr();
  bool isInitializer = tag && tag.getValue() == kInitializerTag;
  return (isInitializer ? "initializer '" : "node '") +
         name.getName().getValue().str() + "'";
}

} // namespace onnxc::onnx_ir
