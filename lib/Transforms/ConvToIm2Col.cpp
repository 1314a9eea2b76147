//===- ConvToIm2Col.cpp - --onnxc-conv-to-im2col --------------------------===//

#include "onnxc/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

namespace onnxc {
#define GEN_PASS_DEF_CONVTOIM2COL
#include "onnxc/Transforms/Passes.h.inc"
} // namespace onnxc

using namespace mlir;

namespace onnxc {
namespace {

/// Collapses `value` by grouping consecutive dims as `groups` gives sizes.
static Value collapse(OpBuilder &b, Location loc, Value value,
                      ArrayRef<int64_t> groupSizes) {
  SmallVector<ReassociationIndices> reassociation;
  int64_t dim = 0;
  for (int64_t size : groupSizes) {
    ReassociationIndices group;
    for (int64_t i = 0; i < size; ++i)
      group.push_back(dim++);
    reassociation.push_back(group);
  }
  return tensor::CollapseShapeOp::create(b, loc, value, reassociation);
}

/// Whether `type` is static but for its dim 0 (a batch known at run time).
static bool isStaticButBatch(RankedTensorType type) {
  return type.getRank() > 0 &&
         llvm::none_of(type.getShape().drop_front(), ShapedType::isDynamic);
}

/// An NCHW convolution (grouped: NGCHW x GFCHW) of f32 tensors with static
/// shapes, but for a batch N that may be known only at run time, as a patch
/// gather and one contraction (N is one of its batch loops). Returns the
/// result with the convolution's type.
static FailureOr<Value> rewriteConv(OpBuilder &b, Location loc, Value input,
                                    Value filter, Value init,
                                    ArrayRef<int64_t> strides,
                                    ArrayRef<int64_t> dilations, bool grouped) {
  auto inputType = cast<RankedTensorType>(input.getType());
  auto filterType = cast<RankedTensorType>(filter.getType());
  auto initType = cast<RankedTensorType>(init.getType());
  if (!isStaticButBatch(inputType) || !filterType.hasStaticShape() ||
      !isStaticButBatch(initType) ||
      inputType.isDynamicDim(0) != initType.isDynamicDim(0) ||
      !inputType.getElementType().isF32() ||
      !filterType.getElementType().isF32() || !initType.getElementType().isF32())
    return failure();
  // Shapes without the group dim: input [N, C, H, W], filter [F, C, KH, KW],
  // output [N, F, OH, OW]; the group dim, when present, follows N / leads F.
  unsigned g = grouped ? 1 : 0;
  int64_t n = inputType.getDimSize(0), c = inputType.getDimSize(1 + g);
  int64_t h = inputType.getDimSize(2 + g), w = inputType.getDimSize(3 + g);
  int64_t kh = filterType.getDimSize(2 + g), kw = filterType.getDimSize(3 + g);
  int64_t oh = initType.getDimSize(2 + g), ow = initType.getDimSize(3 + g);
  int64_t groups = grouped ? inputType.getDimSize(1) : 1;
  MLIRContext *ctx = b.getContext();

  // Patches [N, (G,) C*KH*KW, OH*OW]: a 1x1 convolution with unit stride
  // reads its input as it is; otherwise a gather whose innermost loop walks
  // an input row (unit stride when the convolution's stride is 1).
  Value patches;
  if (kh == 1 && kw == 1 && strides[0] == 1 && strides[1] == 1 && h == oh &&
      w == ow) {
    patches = collapse(b, loc, input, grouped ? ArrayRef<int64_t>{1, 1, 1, 2}
                                              : ArrayRef<int64_t>{1, 1, 2});
  } else {
    // Loops (n, [g,] c, kh, kw, oh, ow).
    unsigned loops = 6 + g;
    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    SmallVector<AffineExpr> inputExprs = {d(0)};
    if (grouped)
      inputExprs.push_back(d(1));
    inputExprs.push_back(d(1 + g));
    inputExprs.push_back(d(4 + g) * strides[0] + d(2 + g) * dilations[0]);
    inputExprs.push_back(d(5 + g) * strides[1] + d(3 + g) * dilations[1]);
    SmallVector<int64_t> shape = {n};
    if (grouped)
      shape.push_back(groups);
    shape.append({c, kh, kw, oh, ow});
    SmallVector<Value> batch;
    if (ShapedType::isDynamic(n))
      batch.push_back(tensor::DimOp::create(b, loc, input, 0));
    Value empty = tensor::EmptyOp::create(b, loc, shape, b.getF32Type(), batch);
    SmallVector<AffineMap> maps = {AffineMap::get(loops, 0, inputExprs, ctx),
                                   b.getMultiDimIdentityMap(loops)};
    SmallVector<utils::IteratorType> iterators(loops,
                                               utils::IteratorType::parallel);
    Value gathered =
        linalg::GenericOp::create(
            b, loc, empty.getType(), input, empty, maps, iterators,
            [](OpBuilder &nb, Location nl, ValueRange args) {
              linalg::YieldOp::create(nb, nl, args[0]);
            })
            .getResult(0);
    patches = collapse(b, loc, gathered,
                       grouped ? ArrayRef<int64_t>{1, 1, 3, 2}
                               : ArrayRef<int64_t>{1, 3, 2});
  }
  Value flatFilter = collapse(b, loc, filter,
                              grouped ? ArrayRef<int64_t>{1, 1, 3}
                                      : ArrayRef<int64_t>{1, 3});
  Value flatInit = collapse(b, loc, init,
                            grouped ? ArrayRef<int64_t>{1, 1, 1, 2}
                                    : ArrayRef<int64_t>{1, 1, 2});

  // Loops (n, [g,] f, p, k): out[n, g, f, p] += filter[g, f, k] * patches[n,
  // g, k, p].
  unsigned loops = 4 + g;
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineExpr> filterExprs, patchExprs = {d(0)}, outExprs = {d(0)};
  if (grouped) {
    filterExprs.push_back(d(1));
    patchExprs.push_back(d(1));
    outExprs.push_back(d(1));
  }
  filterExprs.append({d(1 + g), d(3 + g)});
  patchExprs.append({d(3 + g), d(2 + g)});
  outExprs.append({d(1 + g), d(2 + g)});
  SmallVector<AffineMap> maps = {AffineMap::get(loops, 0, filterExprs, ctx),
                                 AffineMap::get(loops, 0, patchExprs, ctx),
                                 AffineMap::get(loops, 0, outExprs, ctx)};
  SmallVector<utils::IteratorType> iterators(loops,
                                             utils::IteratorType::parallel);
  iterators.back() = utils::IteratorType::reduction;
  Value product =
      linalg::GenericOp::create(
          b, loc, flatInit.getType(), ValueRange{flatFilter, patches},
          flatInit, maps, iterators,
          [](OpBuilder &nb, Location nl, ValueRange args) {
            Value mul = arith::MulFOp::create(nb, nl, args[0], args[1]);
            linalg::YieldOp::create(nb, nl,
                                    arith::AddFOp::create(nb, nl, mul, args[2])
                                        .getResult());
          })
          .getResult(0);
  SmallVector<ReassociationIndices> reassociation =
      grouped ? SmallVector<ReassociationIndices>{{0}, {1}, {2}, {3, 4}}
              : SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}};
  return tensor::ExpandShapeOp::create(b, loc, initType, product,
                                       reassociation)
      .getResult();
}

/// A depthwise convolution of f32 tensors whose batch is known only at run
/// time (all else static) as a loop over the images, each a static
/// batch-1 convolution that --onnxc-vectorize-depthwise handles.
static void tileDepthwiseOverBatch(IRRewriter &rewriter,
                                   linalg::DepthwiseConv2DNchwChwOp op) {
  Value input = op.getDpsInputOperand(0)->get();
  Value filter = op.getDpsInputOperand(1)->get();
  Value init = op.getDpsInitOperand(0)->get();
  auto inputType = cast<RankedTensorType>(input.getType());
  auto initType = cast<RankedTensorType>(init.getType());
  if (!inputType.isDynamicDim(0) || !isStaticButBatch(inputType) ||
      !isStaticButBatch(initType) ||
      !cast<RankedTensorType>(filter.getType()).hasStaticShape() ||
      !inputType.getElementType().isF32() || !initType.getElementType().isF32())
    return;
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
  Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
  Value batch = tensor::DimOp::create(rewriter, loc, init, 0);
  auto imageSlice = [&](OpBuilder &b, Value image, RankedTensorType type) {
    SmallVector<OpFoldResult> offsets(4, b.getIndexAttr(0)), sizes,
        strides(4, b.getIndexAttr(1));
    offsets[0] = image;
    sizes.push_back(b.getIndexAttr(1));
    for (int64_t d = 1; d < 4; ++d)
      sizes.push_back(b.getIndexAttr(type.getDimSize(d)));
    return std::make_tuple(offsets, sizes, strides);
  };
  auto loop = scf::ForOp::create(
      rewriter, loc, zero, batch, one, ValueRange{init},
      [&](OpBuilder &b, Location l, Value image, ValueRange args) {
        auto [inOffsets, inSizes, inStrides] =
            imageSlice(b, image, inputType);
        SmallVector<int64_t> inShape(inputType.getShape());
        inShape[0] = 1;
        Value x = tensor::ExtractSliceOp::create(
            b, l, RankedTensorType::get(inShape, b.getF32Type()), input,
            inOffsets, inSizes, inStrides);
        auto [outOffsets, outSizes, outStrides] =
            imageSlice(b, image, initType);
        SmallVector<int64_t> outShape(initType.getShape());
        outShape[0] = 1;
        auto outType = RankedTensorType::get(outShape, b.getF32Type());
        Value acc = tensor::ExtractSliceOp::create(
            b, l, outType, args[0], outOffsets, outSizes, outStrides);
        Value conv = linalg::DepthwiseConv2DNchwChwOp::create(
                         b, l, TypeRange{outType}, ValueRange{x, filter},
                         ValueRange{acc}, op.getStrides(), op.getDilations())
                         .getResult(0);
        Value updated = tensor::InsertSliceOp::create(
            b, l, conv, args[0], outOffsets, outSizes, outStrides);
        scf::YieldOp::create(b, l, updated);
      });
  rewriter.replaceOp(op, loop.getResults());
}

struct ConvToIm2ColPass : impl::ConvToIm2ColBase<ConvToIm2ColPass> {
  void getDependentDialects(DialectRegistry &registry) const override {
    ConvToIm2ColBase::getDependentDialects(registry);
    registry.insert<scf::SCFDialect>();
  }

  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> convs;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (isa<linalg::Conv2DNchwFchwOp, linalg::Conv2DNgchwGfchwOp>(op) &&
          op.hasPureTensorSemantics())
        convs.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : convs) {
      rewriter.setInsertionPoint(op);
      DenseIntElementsAttr strides, dilations;
      if (auto conv = dyn_cast<linalg::Conv2DNchwFchwOp>(op.getOperation())) {
        strides = conv.getStrides();
        dilations = conv.getDilations();
      } else {
        auto grouped = cast<linalg::Conv2DNgchwGfchwOp>(op.getOperation());
        strides = grouped.getStrides();
        dilations = grouped.getDilations();
      }
      bool grouped = isa<linalg::Conv2DNgchwGfchwOp>(op);
      FailureOr<Value> rewritten = rewriteConv(
          rewriter, op.getLoc(), op.getDpsInputOperand(0)->get(),
          op.getDpsInputOperand(1)->get(), op.getDpsInitOperand(0)->get(),
          llvm::to_vector(strides.getValues<int64_t>()),
          llvm::to_vector(dilations.getValues<int64_t>()), grouped);
      if (succeeded(rewritten)) {
        rewriter.replaceOp(op, *rewritten);
        continue;
      }
      // Other element types: upstream's gather (ungrouped only); dynamic
      // sizes other than the batch stay convolutions (upstream's gather
      // refuses them).
      if (auto conv = dyn_cast<linalg::Conv2DNchwFchwOp>(op.getOperation()))
        (void)linalg::rewriteInIm2Col(rewriter, conv);
    }
    SmallVector<linalg::DepthwiseConv2DNchwChwOp> depthwise;
    getOperation().walk([&](linalg::DepthwiseConv2DNchwChwOp op) {
      if (op.hasPureTensorSemantics())
        depthwise.push_back(op);
    });
    for (linalg::DepthwiseConv2DNchwChwOp op : depthwise)
      tileDepthwiseOverBatch(rewriter, op);
  }
};

} // namespace
} // namespace onnxc
