//===- ExternalWeights.h - Constants moved to a weights file ----*- C++ -*-===//
//
// Shared by --onnxc-externalize-weights, which lays the constants out, and
// the CPU target, which writes them to the weights file.
//
//===----------------------------------------------------------------------===//

#ifndef ONNXC_TRANSFORMS_EXTERNALWEIGHTS_H
#define ONNXC_TRANSFORMS_EXTERNALWEIGHTS_H

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <vector>

namespace onnxc {

/// On an llvm.mlir.global: its byte offset in the weights data (i64).
constexpr llvm::StringLiteral kWeightsOffsetAttr = "onnxc.weights_offset";
/// On the module: the weights data's size in bytes (i64).
constexpr llvm::StringLiteral kWeightsBytesAttr = "onnxc.weights_bytes";
/// The pointer global the runtime sets to the mapped data.
constexpr llvm::StringLiteral kWeightsBaseSymbol = "onnxc_weights_base";
/// Alignment of every constant in the weights data, in bytes.
constexpr int64_t kWeightsAlignment = 64;

/// The bytes of `global`'s initializer as they would sit in memory, when
/// it can live in a weights file: a constant with a dense, non-splat
/// initializer of byte-sized elements (resource blobs included). Empty
/// otherwise.
llvm::ArrayRef<char> getExternalizableData(mlir::LLVM::GlobalOp global);

/// The bytes of a constant global with a dense initializer of byte-sized
/// elements, splats expanded (the CUDA target copies every constant the
/// device reads to the device): false when `global` has no such data.
bool getWeightsData(mlir::LLVM::GlobalOp global, std::vector<char> &data);

} // namespace onnxc

#endif // ONNXC_TRANSFORMS_EXTERNALWEIGHTS_H
