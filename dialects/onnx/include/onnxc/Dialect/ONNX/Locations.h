//===- Locations.h - What an onnx op's location names -----------*- C++ -*-===//
//
// The importer locates each op at a NameLoc of what it comes from: a node's
// name, or an initializer's name marked as such, so that a diagnostic can
// say which one it is about.
//
//===----------------------------------------------------------------------===//

#ifndef ONNXC_DIALECT_ONNX_LOCATIONS_H
#define ONNXC_DIALECT_ONNX_LOCATIONS_H

#include "mlir/IR/Location.h"

#include <string>

namespace onnxc::onnx_ir {

/// The location of the constant an initializer named `name` becomes, inside
/// `fileLoc` (the model file).
mlir::Location getInitializerLoc(llvm::StringRef name, mlir::Location fileLoc);

/// What a diagnostic located at `loc` is about: "initializer 'W'" for an
/// initializer's constant, "node 'N'" for the ops of a node (any other
/// NameLoc), or an empty string when `loc` holds no NameLoc.
std::string describeLocation(mlir::Location loc);

} // namespace onnxc::onnx_ir

#endif // ONNXC_DIALECT_ONNX_LOCATIONS_H
