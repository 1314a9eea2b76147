//===- Passes.h - Conversions out of the onnx dialect -----------*- C++ -*-===//

#ifndef ONNXC_CONVERSION_PASSES_H
#define ONNXC_CONVERSION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Transforms/DialectConversion.h"

namespace onnxc {

#define GEN_PASS_DECL
#include "onnxc/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "onnxc/Conversion/Passes.h.inc"

/// Marks what --convert-onnx-to-linalg produces legal (arith, linalg, math,
/// scf, tensor, func, the unrealized casts of unsigned elements and
/// onnx.NoValue); onnx ops stay of unknown legality, so that a partial
/// conversion lowers those it can and keeps the rest.
void addONNXToLinalgLegality(mlir::ConversionTarget &target);

/// Every pattern of --convert-onnx-to-linalg.
void populateONNXToLinalgConversionPatterns(mlir::RewritePatternSet &patterns);

/// The onnx ops (e.g. "onnx.Add") that --convert-onnx-to-linalg has a
/// lowering for, sorted.
llvm::SmallVector<llvm::StringRef>
getONNXOpsWithLinalgLowering(mlir::MLIRContext *context);

/// Patterns lowering elementwise onnx ops to linalg.generic.
void populateONNXElementwiseToLinalgPatterns(mlir::RewritePatternSet &patterns);

/// Patterns lowering 2-D Conv (plain, depthwise, grouped) and the pools.
void populateONNXConvToLinalgPatterns(mlir::RewritePatternSet &patterns);

/// Patterns lowering Reshape-like ops, Transpose and Concat.
void populateONNXDataMovementToLinalgPatterns(mlir::RewritePatternSet &patterns);

/// Patterns lowering BatchNormalization (inference mode).
void populateONNXNormalizationToLinalgPatterns(mlir::RewritePatternSet &patterns);

/// Patterns lowering Reduce*, Softmax/LogSoftmax and LayerNormalization.
void populateONNXReductionToLinalgPatterns(mlir::RewritePatternSet &patterns);

/// Patterns lowering LSTM to linalg and an scf.for over time.
void populateONNXRecurrentToLinalgPatterns(mlir::RewritePatternSet &patterns);

/// Patterns lowering MatMul (named linalg ops where shapes allow) and Gemm.
void populateONNXMatMulToLinalgPatterns(mlir::RewritePatternSet &patterns);

} // namespace onnxc

#endif // ONNXC_CONVERSION_PASSES_H
