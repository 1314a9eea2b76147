//===- ONNXToLinalg.cpp - --convert-onnx-to-linalg ------------------------===//

#include "Common.h"

#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"

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

/// The reasons the patterns gave for not lowering each op
/// (notifyMatchFailure), in the order given.
using Reasons = SmallVector<std::string>;
using FailureReasons = llvm::DenseMap<Operation *, Reasons>;

/// Collects the reasons a pattern reports through notifyMatchFailure and
/// forwards every notification to the rewriter's own listener, which is
/// the dialect conversion's bookkeeping. (Release builds of MLIR drop
/// match-failure reasons; ConversionConfig::notifyCallback only sees them
/// in debug builds.)
class ReasonRecorder : public RewriterBase::ForwardingListener {
public:
  ReasonRecorder(OpBuilder::Listener *listener, Reasons &reasons)
      : ForwardingListener(listener), reasons(reasons) {}

  void notifyMatchFailure(
      Location loc, function_ref<void(Diagnostic &)> reasonCallback) override {
    Diagnostic diag(loc, DiagnosticSeverity::Remark);
    reasonCallback(diag);
    if (!llvm::is_contained(reasons, diag.str()))
      reasons.push_back(diag.str());
    ForwardingListener::notifyMatchFailure(loc, reasonCallback);
  }

private:
  Reasons &reasons;
};

/// Runs `pattern` with a ReasonRecorder listening, so that an op no pattern
/// lowers is reported with the reasons the lowerings know ("only 1-D and 2-D
/// pooling windows are supported, got 3-D") for every op at once, without
/// each pattern reporting errors itself.
class ReasonRecordingPattern : public RewritePattern {
public:
  ReasonRecordingPattern(std::unique_ptr<RewritePattern> pattern,
                         FailureReasons &reasons)
      : RewritePattern(rootOf(*pattern), pattern->getBenefit(),
                       pattern->getContext(), generatedOf(*pattern)),
        pattern(std::move(pattern)), reasons(reasons) {
    setHasBoundedRewriteRecursion(this->pattern->hasBoundedRewriteRecursion());
    setDebugName(this->pattern->getDebugName());
  }

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    // ConversionPatternRewriter hides setListener; OpBuilder's is the same.
    OpBuilder &builder = rewriter;
    OpBuilder::Listener *previous = builder.getListener();
    Reasons found;
    ReasonRecorder recorder(previous, found);
    builder.setListener(&recorder);
    LogicalResult result = pattern->matchAndRewrite(op, rewriter);
    builder.setListener(previous);
    if (succeeded(result))
      reasons.erase(op);
    else
      for (std::string &reason : found)
        if (!llvm::is_contained(reasons[op], reason))
          reasons[op].push_back(std::move(reason));
    return result;
  }

private:
  // Every pattern of the lowering has a root op name.
  static StringRef rootOf(const RewritePattern &pattern) {
    std::optional<OperationName> root = pattern.getRootKind();
    assert(root && "ONNX lowering patterns match one op kind");
    return root->getStringRef();
  }
  static SmallVector<StringRef> generatedOf(const RewritePattern &pattern) {
    return llvm::map_to_vector(pattern.getGeneratedOps(),
                               [](OperationName n) { return n.getStringRef(); });
  }

  std::unique_ptr<RewritePattern> pattern;
  FailureReasons &reasons;
};

struct ConvertONNXToLinalgPass
    : impl::ConvertONNXToLinalgBase<ConvertONNXToLinalgPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    ConversionTarget target(*ctx);
    addONNXToLinalgLegality(target);
    RewritePatternSet lowerings(ctx);
    populateONNXToLinalgConversionPatterns(lowerings);
    FailureReasons reasons;
    llvm::DenseSet<OperationName> lowered;
    RewritePatternSet patterns(ctx);
    for (std::unique_ptr<RewritePattern> &pattern :
         lowerings.getNativePatterns()) {
      lowered.insert(*pattern->getRootKind());
      patterns.add(std::make_unique<ReasonRecordingPattern>(std::move(pattern),
                                                            reasons));
    }

    // Lower what can be lowered, then list every op that could not, with
    // the reasons its lowerings gave.
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
             << op->getName().stripDialect() << "): ";
        auto it = reasons.find(op);
        if (!lowered.contains(op->getName()))
          diag << "not supported on the CPU yet";
        else if (it == reasons.end() || it->second.empty())
          diag << "no lowering for this configuration";
        else
          diag << "no lowering: " << llvm::join(it->second, "; ");
      }
      // Most lowerings that refuse do so for a dim known only at run time:
      // say which inputs have one and how to fix them.
      func::FuncOp func = getOperation();
      SmallVector<std::string> dynamicInputs;
      for (unsigned i = 0; i < func.getNumArguments(); ++i) {
        auto type = dyn_cast<RankedTensorType>(func.getArgument(i).getType());
        auto name = func.getArgAttrOfType<StringAttr>(i, "onnx.name");
        if (type && !type.hasStaticShape())
          dynamicInputs.push_back(
              "'" + (name ? name.str() : std::to_string(i)) + "' (" +
              llvm::join(llvm::map_range(type.getShape(),
                                         [](int64_t d) {
                                           return ShapedType::isDynamic(d)
                                                      ? std::string("?")
                                                      : std::to_string(d);
                                         }),
                         "x") +
              ")");
      }
      if (!dynamicInputs.empty())
        diag << "\n  inputs with dims known only at run time: "
             << llvm::join(dynamicInputs, ", ")
             << "; fixing them with --input-shape=NAME=DxDx... lets ops "
                "that need static shapes compile";
      return signalPassFailure();
    }
    getOperation().walk([](NoValueOp op) {
      if (op->use_empty())
        op.erase();
    });
  }
};

} // namespace

void addONNXToLinalgLegality(ConversionTarget &target) {
  target.addLegalDialect<arith::ArithDialect, cf::ControlFlowDialect,
                         linalg::LinalgDialect,
                         math::MathDialect, scf::SCFDialect,
                         tensor::TensorDialect, func::FuncDialect>();
  // onnx ops are left of unknown legality: partial conversion then lowers
  // those it has patterns for and keeps the rest, which the pass lists
  // (marking them illegal would roll back everything on the first one).
  target.addLegalOp<NoValueOp>();
  // Lowerings view unsigned elements as signless through these casts
  // (ComputeTypes.h); the LLVM lowering reconciles them.
  target.addLegalOp<UnrealizedConversionCastOp>();
}

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
  linalg_lowering::populateONNXDataDependentToLinalgPatterns(patterns);
  populateONNXSelectionToLinalgPatterns(patterns);
  populateONNXResizeToLinalgPatterns(patterns);
  populateONNXConvTransposeToLinalgPatterns(patterns);
  populateONNXEinsumToLinalgPatterns(patterns);
  populateONNXNormsToLinalgPatterns(patterns);
  populateONNXBitwiseToLinalgPatterns(patterns);
  populateONNXPadToLinalgPatterns(patterns);
  linalg_lowering::populateONNXLossToLinalgPatterns(patterns);
  linalg_lowering::populateONNXQuantizationToLinalgPatterns(patterns);
  linalg_lowering::populateONNXControlFlowToSCFPatterns(patterns);
  linalg_lowering::populateONNXSamplingToLinalgPatterns(patterns);
  linalg_lowering::populateONNXGatheringToLinalgPatterns(patterns);
  linalg_lowering::populateONNXSpectralToLinalgPatterns(patterns);
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
