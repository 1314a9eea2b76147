//===- Common.h - Helpers shared by the ONNXToLinalg patterns ---*- C++ -*-===//

#ifndef ONNXC_LIB_CONVERSION_ONNXTOLINALG_COMMON_H
#define ONNXC_LIB_CONVERSION_ONNXTOLINALG_COMMON_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"

namespace onnxc::linalg_lowering {

/// tensor.empty of `type`, its dynamic sizes taken from `like` dimension by
/// dimension (`like` must have the same rank and the same dynamic dims).
mlir::Value emptyLike(mlir::OpBuilder &b, mlir::Location loc,
                      mlir::RankedTensorType type, mlir::Value like);

/// The indexing map reading an operand of `operandType` inside loops over
/// `resultShape` with ONNX multidirectional broadcasting: trailing dims
/// align, and a dim that is statically 1 where the result's is not is read
/// at index 0.
mlir::AffineMap getBroadcastMap(mlir::RankedTensorType operandType,
                                llvm::ArrayRef<int64_t> resultShape,
                                mlir::MLIRContext *ctx);

/// A tensor of `type` (static shape) filled with `value`.
mlir::Value filledTensor(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::RankedTensorType type, mlir::TypedAttr value);

/// The scalar constant `value` of `type` (float or integer).
mlir::Value scalarConstant(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Type type, double value);

/// Pads the spatial dims (2..) of an NC... tensor with `value`; `pads` is
/// ONNX's [begin..., end...]. Returns `input` when all pads are 0.
mlir::Value padSpatial(mlir::OpBuilder &b, mlir::Location loc,
                       mlir::Value input, llvm::ArrayRef<int64_t> pads,
                       mlir::Value value);

/// Element types the contraction lowerings handle: floats and integers other
/// than i1 (unsigned ones are computed in the signless type of their width).
bool isSupportedElement(mlir::Type t);

/// Emits a run-time check (`cf.assert`, which --onnxc-lower-run-time-checks
/// turns into an error returned by the run) that `condition` (i1) holds;
/// the message names `op`'s node and op, then says `what` is wrong. For
/// emitDimCheck, nothing when both sizes are constants (a compile-time
/// mismatch is the shape inference's to report).
void emitCheck(mlir::OpBuilder &b, mlir::Location loc, mlir::Operation *op,
               mlir::Value condition, const llvm::Twine &what);

/// A run-time check (see emitCheck) that `actual` equals `expected`.
void emitDimCheck(mlir::OpBuilder &b, mlir::Location loc, mlir::Operation *op,
                  mlir::OpFoldResult actual, mlir::OpFoldResult expected,
                  const llvm::Twine &what);

/// Softmax (or, with `isLog`, LogSoftmax) of the float tensor `x` along
/// `axis` (in [0, rank)): max, exp(x - max), sum, normalize, computed in
/// accumulatorType (f32 for f16/bf16) and rounded to x's element type.
/// Dynamic dims allowed. Defined in Reduction.cpp.
mlir::Value buildSoftmax(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                         int64_t axis, bool isLog);

/// Patterns lowering QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear,
/// MatMulInteger and QLinearMatMul.
void populateONNXQuantizationToLinalgPatterns(mlir::RewritePatternSet &patterns);

/// A linalg.generic over `init`'s dims, all parallel and with no inputs,
/// whose element at the loop indices is `element(b, loc, indices)`: the
/// form of the lowerings that gather from their operands with
/// tensor.extract. Returns the result tensor.
mlir::Value buildIndexedGeneric(
    mlir::OpBuilder &b, mlir::Location loc, mlir::Value init,
    llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location,
                                   llvm::ArrayRef<mlir::Value>)>
        element);

/// The cubic convolution weights (Keys; coefficient `a`, -0.75 in
/// onnxruntime's GridSample, cubic_coeff_a in Resize) of the 4 taps at
/// floor(x) - 1 .. floor(x) + 2 for `t` = x - floor(x), a float scalar; in
/// t's type. Defined in Common.cpp.
llvm::SmallVector<mlir::Value, 4>
cubicConvolutionWeights(mlir::OpBuilder &b, mlir::Location loc, mlir::Value t,
                        double a);

/// Patterns lowering DFT and STFT.
void populateONNXSpectralToLinalgPatterns(mlir::RewritePatternSet &patterns);

/// Patterns lowering CenterCropPad, ReverseSequence and Col2Im.
void populateONNXGatheringToLinalgPatterns(mlir::RewritePatternSet &patterns);

/// Patterns lowering GridSample and AffineGrid.
void populateONNXSamplingToLinalgPatterns(mlir::RewritePatternSet &patterns);

/// Patterns lowering If, Loop and Scan to scf.if, scf.while and scf.for.
void populateONNXControlFlowToSCFPatterns(mlir::RewritePatternSet &patterns);

/// Patterns lowering NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss.
void populateONNXLossToLinalgPatterns(mlir::RewritePatternSet &patterns);

/// The type contractions accumulate in: f32 for f16/bf16, the signless
/// integer of the same width for unsigned integers, else the type.
mlir::Type accumulatorType(mlir::OpBuilder &b, mlir::Type element);

/// Converts an accumulator tensor to `type`'s element type when they differ:
/// floats are rounded, unsigned integers take the accumulator's bits.
mlir::Value castTensor(mlir::OpBuilder &b, mlir::Location loc, mlir::Value acc,
                       mlir::RankedTensorType type);

/// The identity of a running maximum (`forMax`) or minimum over elements of
/// type `element`, in its accumulator type: -inf/+inf for floats, the
/// smallest/largest value of the signed or unsigned integer type.
mlir::TypedAttr getMaxMinIdentity(mlir::Type element, bool forMax);

/// The maximum/minimum of two scalars of an accumulator type; integers
/// compare unsigned when `isUnsigned`, floats propagate NaN.
mlir::Value maxScalar(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                      mlir::Value y, bool isUnsigned);
mlir::Value minScalar(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                      mlir::Value y, bool isUnsigned);

/// A zero-filled tensor of `shape` x `type`; dynamic sizes from `sizes`.
mlir::Value zeroAccumulator(mlir::OpBuilder &b, mlir::Location loc,
                            llvm::ArrayRef<int64_t> shape, mlir::Type type,
                            mlir::ValueRange sizes);

/// The statistics a normalization (LayerNormalization,
/// InstanceNormalization, MeanVarianceNormalization) needs over the dims of
/// `x` marked as reduced, computed so that a large mean relative to the
/// spread (1234 +- 0.01 in f32) loses no accuracy: a first pass estimates
/// the mean m~ (its f32 sum may be off by many ulps of the mean), the
/// centered values c = x - m~ are exact or nearly so, and a second pass
/// sums c and c^2 (the corrected two-pass algorithm of Chan, Golub and
/// LeVeque). The normalized value is then (c - offset) / sqrt(variance + eps)
/// with offset and variance from normalizationStats().
struct CenteredMoments {
  /// x - m~ in the accumulator type, shaped like x.
  mlir::Value centered;
  /// Sum of c and of c^2 over the reduced dims, which they keep with size 1.
  mlir::Value sum, sumSquares;
  /// Sum of x, shaped like `sum`: m~ is estimateSum / count, and the mean
  /// m~ plus the offset of normalizationStats().
  mlir::Value estimateSum;
  /// The number of elements reduced into each sum (the static dims'
  /// product when some reduced dim is known only at run time).
  double count;
  /// 1 / (elements reduced into each sum) as a scalar of the accumulator
  /// type, computed at run time; null when every reduced dim is static.
  mlir::Value dynamicInverseCount;

  /// 1 / (elements per sum): a constant, or dynamicInverseCount.
  mlir::Value inverseCount(mlir::OpBuilder &b, mlir::Location loc) const;
};
CenteredMoments computeCenteredMoments(mlir::OpBuilder &b, mlir::Location loc,
                                       mlir::Value x,
                                       llvm::ArrayRef<bool> reduced,
                                       mlir::Type accType);

/// In a generic's body, from the sums of c and c^2 over `count` elements:
/// the offset of the mean from m~ (sum / count) and the variance
/// (sumSquares / count - offset^2, never below 0).
std::pair<mlir::Value, mlir::Value>
normalizationStats(mlir::OpBuilder &b, mlir::Location loc, mlir::Value sum,
                   mlir::Value sumSquares, double count);

/// normalizationStats() over a count given by `moments` (run-time counts
/// included).
std::pair<mlir::Value, mlir::Value>
normalizationStats(mlir::OpBuilder &b, mlir::Location loc, mlir::Value sum,
                   mlir::Value sumSquares, const CenteredMoments &moments);

/// The product of `x`'s dims marked in `dims` as an index value, or null
/// when they are all static (their product is then `staticProduct`).
mlir::Value dynamicDimProduct(mlir::OpBuilder &b, mlir::Location loc,
                              mlir::Value x, llvm::ArrayRef<bool> dims,
                              int64_t &staticProduct);

/// `index` * `factor` as a float scalar of `type` (counts for means).
mlir::Value indexToFloat(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Value index, int64_t factor, mlir::Type type);

/// Patterns lowering the gathers, scatters, slicing and index-generating
/// ops (Indexing.cpp, Slicing.cpp, Generators.cpp).
void populateONNXIndexingToLinalgPatterns(mlir::RewritePatternSet &patterns);
/// NonZero and Compress with a run-time condition: outputs sized at run
/// time by a counting pass (DataDependent.cpp).
void populateONNXDataDependentToLinalgPatterns(
    mlir::RewritePatternSet &patterns);

} // namespace onnxc::linalg_lowering

namespace onnxc {

namespace onnx_ir {
class LpPoolOp;
} // namespace onnx_ir

/// (Conv.cpp) Sums `x` (float NCHW or NCL, spatial dims known only at run
/// time) over `op`'s windows, padded with zeros (auto_pad, ceil_mode as
/// ONNX's pools): LpPool's sums of |x|^p. `resultType` is the result's shape
/// with `x`'s element type. On failure returns the reason.
mlir::FailureOr<mlir::Value> buildDynamicSumPool(mlir::OpBuilder &b,
                                                 onnx_ir::LpPoolOp op,
                                                 mlir::Value x,
                                                 mlir::RankedTensorType resultType,
                                                 std::string &reason);

/// Patterns lowering ArgMax/ArgMin, TopK (constant K) and Hardmax.
void populateONNXSelectionToLinalgPatterns(mlir::RewritePatternSet &patterns);

/// Patterns lowering Einsum to one contraction linalg.generic.
void populateONNXEinsumToLinalgPatterns(mlir::RewritePatternSet &patterns);

/// Patterns lowering 1-D and 2-D ConvTranspose to a convolution of the
/// dilated, padded input with the flipped kernel.
void populateONNXConvTransposeToLinalgPatterns(
    mlir::RewritePatternSet &patterns);

/// Patterns lowering Resize (nearest and linear, constant scales or sizes).
void populateONNXResizeToLinalgPatterns(mlir::RewritePatternSet &patterns);

/// Patterns lowering InstanceNormalization, MeanVarianceNormalization,
/// LpNormalization, LRN, LpPool and GlobalLpPool.
void populateONNXNormsToLinalgPatterns(mlir::RewritePatternSet &patterns);

/// Patterns lowering BitShift and BitwiseAnd/Or/Xor/Not.
void populateONNXBitwiseToLinalgPatterns(mlir::RewritePatternSet &patterns);

/// Patterns lowering Pad (constant, reflect, edge and wrap modes; constant
/// pads and axes, negative pads crop).
void populateONNXPadToLinalgPatterns(mlir::RewritePatternSet &patterns);

} // namespace onnxc

#endif // ONNXC_LIB_CONVERSION_ONNXTOLINALG_COMMON_H
