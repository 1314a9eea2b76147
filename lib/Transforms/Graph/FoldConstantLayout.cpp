//===- FoldConstantLayout.cpp - --onnxc-fold-constant-layout --------------===//
//
// Transposes and reshapes of constants (weights stored in another layout
// than the op that reads them wants) are done once, at compile time: the
// result is a new constant, so no kernel moves the weights at run time and
// the contraction micro-kernels see a constant they can repack. The graph
// folders only fold small constants (shape computations); this pass takes
// any size, moving raw element bytes.
//
//===----------------------------------------------------------------------===//

#include "onnxc/Dialect/ONNX/ONNXOps.h"
#include "onnxc/Dialect/ONNX/ShapeUtils.h"
#include "onnxc/Transforms/Passes.h"

#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#define DEBUG_TYPE "onnxc-fold-constant-layout"

namespace onnxc {
#define GEN_PASS_DEF_FOLDCONSTANTLAYOUT
#include "onnxc/Transforms/Passes.h.inc"
} // namespace onnxc

using namespace mlir;
using namespace onnxc::onnx_ir;

namespace onnxc {
namespace {

/// The raw row-major bytes of a constant operand (element types of a whole
/// number of bytes), or none.
static std::optional<ArrayRef<char>> getRawBytes(Value v, Attribute &holder) {
  auto constant = v.getDefiningOp<ConstantOp>();
  if (!constant || !constant.getValueAttr())
    return std::nullopt;
  ElementsAttr value = constant.getValueAttr();
  auto type = cast<ShapedType>(value.getType());
  if (!type.hasStaticShape() || type.getElementTypeBitWidth() % 8 != 0)
    return std::nullopt;
  holder = value;
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(holder)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return std::nullopt;
    return blob->getData();
  }
  if (auto dense = dyn_cast<DenseElementsAttr>(holder)) {
    if (dense.isSplat())
      return std::nullopt;
    return dense.getRawData();
  }
  return std::nullopt;
}

/// Transpose(Constant) -> Constant.
struct FoldTranspose : OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TransposeOp op,
                                PatternRewriter &rewriter) const override {
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    Attribute holder;
    std::optional<ArrayRef<char>> bytes = getRawBytes(op.getData(), holder);
    if (!resultType || !resultType.hasStaticShape() || !bytes)
      return rewriter.notifyMatchFailure(op, "not a constant");
    auto inputType = cast<ShapedType>(op.getData().getType());
    int64_t rank = inputType.getRank();
    SmallVector<int64_t> perm;
    if (auto attr = op.getPermAttr())
      perm.assign(attr.asArrayRef().begin(), attr.asArrayRef().end());
    else
      for (int64_t d = rank - 1; d >= 0; --d)
        perm.push_back(d);
    int64_t width = inputType.getElementTypeBitWidth() / 8;
    int64_t count = inputType.getNumElements();
    if (static_cast<int64_t>(bytes->size()) != count * width)
      return rewriter.notifyMatchFailure(op, "unexpected data size");
    // Output element (o_0..o_r) reads input element with i_perm[d] = o_d.
    SmallVector<int64_t> inStrides(rank, 1), outShape(resultType.getShape());
    for (int64_t d = rank - 2; d >= 0; --d)
      inStrides[d] = inStrides[d + 1] * inputType.getDimSize(d + 1);
    std::vector<char> out(bytes->size());
    SmallVector<int64_t> index(rank, 0);
    for (int64_t o = 0; o < count; ++o) {
      int64_t in = 0;
      for (int64_t d = 0; d < rank; ++d)
        in += index[d] * inStrides[perm[d]];
      std::memcpy(out.data() + o * width, bytes->data() + in * width, width);
      for (int64_t d = rank - 1; d >= 0; --d) {
        if (++index[d] < outShape[d])
          break;
        index[d] = 0;
      }
    }
    rewriter.replaceOp(op, createBlobConstant(rewriter, op.getLoc(), resultType,
                                              ArrayRef<char>(out),
                                              "folded_layout"));
    return success();
  }
};

/// Reshape-like ops of a constant (same bytes, new shape) -> Constant.
template <typename OpTy>
struct FoldReshape : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    auto resultType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    Attribute holder;
    std::optional<ArrayRef<char>> bytes =
        getRawBytes(op->getOperand(0), holder);
    if (!resultType || !resultType.hasStaticShape() || !bytes)
      return rewriter.notifyMatchFailure(op, "not a constant");
    rewriter.replaceOp(op, createBlobConstant(rewriter, op.getLoc(), resultType,
                                              *bytes, "folded_layout"));
    return success();
  }
};

struct FoldConstantLayoutPass
    : impl::FoldConstantLayoutBase<FoldConstantLayoutPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldTranspose, FoldReshape<ReshapeOp>, FoldReshape<FlattenOp>,
                 FoldReshape<SqueezeOp>, FoldReshape<UnsqueezeOp>>(
        &getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
} // namespace onnxc
