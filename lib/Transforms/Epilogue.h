//===- Epilogue.h - Elementwise consumers fused into kernels ----*- C++ -*-===//
//
// Shared by the micro-kernel passes (--onnxc-vectorize-contractions,
// --onnxc-vectorize-depthwise): finding the elementwise consumer of a
// kernel's result that can be applied to the kernel's accumulators before
// they are stored, and emitting it on vectors.
//
//===----------------------------------------------------------------------===//

#ifndef ONNXC_LIB_TRANSFORMS_EPILOGUE_H
#define ONNXC_LIB_TRANSFORMS_EPILOGUE_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Builders.h"

#include <optional>

namespace onnxc {

/// An elementwise `linalg.generic` that consumes a contraction's result and
/// nothing else reads afterwards (bias, activation, residual add, the
/// convolution's reshape back): applied to the accumulators before the
/// store, so the result never makes a second pass through memory.
struct Epilogue {
  enum class Kind { Result, Row, Vector };
  mlir::linalg::GenericOp op;
  /// Per input of `op`: the contraction's result, a value per output row
  /// (invariant along N), or a vector along N.
  llvm::SmallVector<Kind> kinds;
  /// Per input (Vector) and for the output: the buffer with the dims that
  /// make up N collapsed into one.
  llvm::SmallVector<mlir::Value> collapsedInputs;
  mlir::Value collapsedOutput;
  /// Dims of `op`'s loops that precede N (they equal C's leading dims).
  unsigned prefix = 0;
};

/// The buffer a value is a view of (through every view op: reshapes, casts,
/// subviews), so that any reader of any part of it is found.
mlir::Value getRootBuffer(mlir::Value buffer);

/// Whether the last `count` dims of a buffer are contiguous row-major.
bool hasContiguousSuffix(mlir::Value buffer, unsigned count);

/// Finds the epilogue of a top-level kernel op (a contraction or
/// convolution on buffers, before the memory plan) whose output [P..., N]
/// is an intermediate buffer: the next op with memory effects, an
/// elementwise f32 generic over [P..., S...] (prod(S) = N) that reads the
/// result with an identity map and is its last reader. Its other inputs
/// must be invariant along N or contiguous vectors along it. None if there
/// is none that can be fused.
std::optional<Epilogue> matchEpilogue(mlir::linalg::LinalgOp producer);

/// The zero fill of the producer's output that nothing but the producer
/// (and its fused epilogue) reads, if any: its kernel can start from zero
/// accumulators and the fill be dropped.
mlir::linalg::FillOp
getDroppableZeroFill(mlir::linalg::LinalgOp producer,
                     const std::optional<Epilogue> &epilogue);

/// Collapses the last `count` dims of a contiguous buffer into one.
mlir::Value collapseSuffix(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value buffer, unsigned count);

/// Creates the views of `e.collapsedInputs` and `e.collapsedOutput` at the
/// builder's insertion point.
void createEpilogueViews(mlir::OpBuilder &b, mlir::Location loc, Epilogue &e);

/// Applies the epilogue to one accumulator vector whose first element is
/// the producer's output element `indices` (last index along N) and stores
/// the result into the epilogue's output; `mask` (may be null) selects the
/// lanes of a partial vector.
void storeThroughEpilogue(mlir::OpBuilder &b, mlir::Location loc, Epilogue &e,
                          llvm::ArrayRef<mlir::Value> indices, mlir::Value acc,
                          mlir::Value mask);

} // namespace onnxc

#endif // ONNXC_LIB_TRANSFORMS_EPILOGUE_H
