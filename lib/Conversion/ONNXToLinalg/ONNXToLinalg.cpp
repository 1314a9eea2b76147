//===- ONNXToLinalg.cpp - --convert-onnx-to-linalg ------------------------===//

#include "Common.h"

#include "onnxc/Conversion/Passes.h"

#include "onnxc/Dialect/ONNX/Locations.h"
#include "onnxc/Dialect/ONNX/ONNXOps.h"
#include "onnxc/Dialect/ONNX/ShapeUtils.h"

#include "mlir/IR/Diagnostics.h"

#define DEBUG_TYPE "convert-onnx-to-linalg"

namespace onnxc {
#define GEN_PASS_DEF_CONVERTONNXTOLINALG
#include "onnxc/Conversion/Passes.h.inc"
} // namespace onnxc

using namespace mlir;
using namespace onnxc::onnx_ir;

namespace onnxc {
namespace {

struct ConstantToArith : OpConversionPattern<ConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConstantOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    ElementsAttr value = getConstantOpValue(op);
    if (!value)
      return rewriter.notifyMatchFailure(op, "no supported value attribute");
    // Tensor constants of unsigned integers are fine too: arith.constant
    // requires signless types of scalars only.
    auto typed = dyn_cast<TypedAttr>(value);
    if (!typed || !isa<TensorType>(typed.getType()))
      return failure();
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, typed);
    return success();
  }
};

struct ConvertONNXToLinalgPass
    : impl::ConvertONNXToLinalgBase<ConvertONNXToLinalgPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    ConversionTarget target(*ctx);
    target.addLegalDialect<arith::ArithDialect, linalg::LinalgDialect,
                           math::MathDialect, scf::SCFDialect,
                           tensor::TensorDialect,
                           func::FuncDialect>();
    // onnx ops are left of unknown legality: partial conversion then lowers
    // those it has patterns for and keeps the rest, which are listed below
    // (marking them illegal would roll back everything on the first one).
    target.addLegalOp<NoValueOp>();
    // Lowerings view unsigned elements as signless through these casts
    // (ComputeTypes.h); the LLVM lowering reconciles them.
    target.addLegalOp<UnrealizedConversionCastOp>();
    RewritePatternSet patterns(ctx);
    populateONNXToLinalgConversionPatterns(patterns);

    // Lower what can be lowered, then list every op that could not.
    ConversionConfig config;
    DenseSet<Operation *> unconverted;
    config.unlegalizedOps = &unconverted;
    (void)applyPartialConversion(getOperation(), target, std::move(patterns),
                                 config);
    SmallVector<Operation *> remaining;
    getOperation().walk([&](Operation *op) {
      if (isa<ONNXDialect>(op->getDialect()) && !isa<NoValueOp>(op))
        remaining.push_back(op);
    });
    if (!remaining.empty()) {
      InFlightDiagnostic diag = getOperation().emitError()
                                << remaining.size()
                                << " op(s) have no lowering to linalg yet:";
      for (Operation *op : remaining) {
        std::string what = describeLocation(op->getLoc());
        diag << "\n  " << (what.empty() ? "node '?'" : what) << " ("
             << op->getName().getStringRef() << ")";
      }
      return signalPassFailure();
    }
    getOperation().walk([](NoValueOp op) {
      if (op->use_empty())
        op.erase();
    });
  }
};

} // namespace

void populateONNXToLinalgConversionPatterns(RewritePatternSet &patterns) {
  patterns.add<ConstantToArith>(patterns.getContext());
  populateONNXElementwiseToLinalgPatterns(patterns);
  populateONNXMatMulToLinalgPatterns(patterns);
  populateONNXConvToLinalgPatterns(patterns);
  populateONNXDataMovementToLinalgPatterns(patterns);
  populateONNXNormalizationToLinalgPatterns(patterns);
  populateONNXReductionToLinalgPatterns(patterns);
  populateONNXRecurrentToLinalgPatterns(patterns);
  linalg_lowering::populateONNXIndexingToLinalgPatterns(patterns);
  populateONNXSelectionToLinalgPatterns(patterns);
  populateONNXResizeToLinalgPatterns(patterns);
  populateONNXConvTransposeToLinalgPatterns(patterns);
  populateONNXEinsumToLinalgPatterns(patterns);
  populateONNXNormsToLinalgPatterns(patterns);
  populateONNXBitwiseToLinalgPatterns(patterns);
  populateONNXPadToLinalgPatterns(patterns);
}

SmallVector<StringRef> getONNXOpsWithLinalgLowering(MLIRContext *context) {
  context->getOrLoadDialect<ONNXDialect>();
  RewritePatternSet patterns(context);
  populateONNXToLinalgConversionPatterns(patterns);
  llvm::SetVector<StringRef> names;
  for (const std::unique_ptr<RewritePattern> &pattern :
       patterns.getNativePatterns())
    if (std::optional<OperationName> root = pattern->getRootKind())
      names.insert(root->getStringRef());
  SmallVector<StringRef> sorted = names.takeVector();
  llvm::sort(sorted);
  return sorted;
}

} // namespace onnxc
