//===- IndexingUtils.h - Helpers of the indexing lowerings ------*- C++ -*-===//
//
// Shared by Indexing.cpp, Slicing.cpp and Generators.cpp, whose patterns
// populateONNXIndexingToLinalgPatterns (Common.h) adds together; the helpers
// are defined in Indexing.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef ONNXC_LIB_CONVERSION_ONNXTOLINALG_INDEXINGUTILS_H
#define ONNXC_LIB_CONVERSION_ONNXTOLINALG_INDEXINGUTILS_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/PatternMatch.h"

namespace onnxc::linalg_lowering {

/// A linalg.generic with parallel loops over all of `type`, writing a fresh
/// tensor (its dynamic dims sized by `dynamicSizes`) through the identity
/// map; `inputs` are read through `inputMaps` and `body` returns the
/// element from their values.
mlir::Value buildParallelGeneric(
    mlir::OpBuilder &b, mlir::Location loc, mlir::RankedTensorType type,
    mlir::ValueRange inputs, llvm::ArrayRef<mlir::AffineMap> inputMaps,
    llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location,
                                   mlir::ValueRange)>
        body,
    mlir::ValueRange dynamicSizes = {});

/// linalg.index 0 .. n-1 of the enclosing linalg op.
llvm::SmallVector<mlir::Value> loopIndices(mlir::OpBuilder &b,
                                           mlir::Location loc, int64_t n);

/// `index` (a signless integer or index) as an index; a negative value
/// counts back from `size`, as ONNX's gathers and scatters define.
mlir::Value wrapIndex(mlir::OpBuilder &b, mlir::Location loc, mlir::Value index,
                      int64_t size);

/// A run-time `index` into a dimension of `size` (> 0) elements, ready to
/// address memory: wrapped as wrapIndex does, then clamped into
/// [0, size - 1]. In-range indices come out unchanged. An index still out of
/// range after the wrap is invalid ONNX input, which onnxruntime reports as
/// an error; compiled kernels have no way to report one yet, so the index is
/// clamped to keep every read and write in bounds (never a crash) instead.
/// Every lowering that reads or writes at an index taken from a tensor
/// (Gather, GatherElements, GatherND, ScatterElements, ScatterND) goes
/// through this; `size` is a static size or an index value.
mlir::Value clampedIndex(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Value index, mlir::Value size);
mlir::Value clampedIndex(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Value index, int64_t size);

/// Reports an indexing op whose static shapes would let it read or write
/// out of bounds whatever its indices (an empty dimension addressed by a
/// non-empty index tensor, indices wider than the data): emits an error
/// naming the node, which the conversion then lists among the ops without a
/// lowering. onnxruntime rejects such inputs at run time.
mlir::LogicalResult failOutOfBoundsShapes(mlir::Operation *op,
                                          const llvm::Twine &why,
                                          mlir::PatternRewriter &rewriter);

/// The scalar `value` of its type. arith.constant takes signless integers
/// only, so an unsigned one is read out of a 0-d tensor constant.
mlir::Value elementConstant(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::TypedAttr value);

/// `value` (0 or 1 and the like) as an attribute of `element` type: float,
/// integer of any signedness, or i1.
mlir::TypedAttr elementAttr(mlir::Type element, double value);

/// The element of a one-element tensor of any rank (ONNX scalars come as
/// 0-d or as one-element 1-D tensors).
mlir::Value extractScalar(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value tensor);

/// Patterns lowering Slice, Split, Tile, DepthToSpace and SpaceToDepth.
void populateONNXSlicingToLinalgPatterns(mlir::RewritePatternSet &patterns);

/// Patterns lowering Range, ConstantOfShape, EyeLike, Trilu, Shape, Size,
/// Dropout and CumSum.
void populateONNXGeneratorsToLinalgPatterns(mlir::RewritePatternSet &patterns);

} // namespace onnxc::linalg_lowering

#endif // ONNXC_LIB_CONVERSION_ONNXTOLINALG_INDEXINGUTILS_H
