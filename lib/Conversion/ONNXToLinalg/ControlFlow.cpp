//===- ControlFlow.cpp - If, Loop and Scan to scf -------------------------===//
//
// The subgraphs move into scf regions as they are; the conversion driver
// then lowers their ops like any other.
//
//   If    scf.if on the condition's element; each branch's values are cast
//         to the result types (a dim that differs between the branches is
//         dynamic there).
//   Loop  scf.while over (iteration, condition, carried values, scan
//         buffers): the before region tests `i < M && cond`, the after
//         region is the body, fed the counters as one-element tensors.
//   Scan  scf.for over the scan length; each iteration extracts one slice
//         per scan input (from the end for a reverse direction).
//
// Scan outputs are stacked into a buffer that holds `capacity` rows along
// the output axis. It starts with the rows the trip count gives when that
// and the slice shape are known at compile time, else with none; a row
// that does not fit grows it (to the scan length for Scan, to twice the
// capacity plus one for a Loop whose trip count is unknown). Loop's result
// is the first `iterations` rows. Loop-carried values of static shape are
// written back into the iteration's own buffer (a copy that bufferizes in
// place), so a loop of static shapes allocates nothing per iteration.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

#include "onnxc/Conversion/Passes.h"
#include "onnxc/Dialect/ONNX/ONNXOps.h"
#include "onnxc/Dialect/ONNX/ShapeUtils.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace onnxc::onnx_ir;

namespace onnxc::linalg_lowering {
namespace {

/// Scan output buffers preallocated from a static trip count are at most
/// this large; larger ones grow as rows arrive.
constexpr int64_t kMaxPreallocatedBytes = int64_t(1) << 28;

/// The only element of `tensor` (ranked); when its shape is known only at
/// run time, a check first that it holds exactly one, naming `op` and
/// `what`.
Value extractScalar(OpBuilder &b, Location loc, Operation *op, Value tensor,
                    StringRef what) {
  auto type = cast<RankedTensorType>(tensor.getType());
  if (!type.hasStaticShape()) {
    Value count = arith::ConstantIndexOp::create(b, loc, 1);
    for (int64_t d = 0; d < type.getRank(); ++d)
      count = arith::MulIOp::create(b, loc, count,
                                    tensor::DimOp::create(b, loc, tensor, d));
    emitCheck(b, loc, op,
              arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, count,
                                    arith::ConstantIndexOp::create(b, loc, 1)),
              what + " must hold exactly one element");
  }
  SmallVector<Value> zeros(type.getRank(),
                           arith::ConstantIndexOp::create(b, loc, 0));
  return tensor::ExtractOp::create(b, loc, tensor, zeros);
}

/// `value` as `type` (a tensor type of the same rank and element type).
Value castTo(OpBuilder &b, Location loc, Value value, Type type) {
  if (value.getType() == type)
    return value;
  return tensor::CastOp::create(b, loc, type, value);
}

bool allRanked(TypeRange types) {
  return llvm::all_of(types, [](Type t) { return isa<RankedTensorType>(t); });
}

/// The type of a buffer stacking slices of `slice` along `axis`: the slice's
/// dims with a dynamic row count inserted at `axis`.
RankedTensorType getStackType(RankedTensorType slice, int64_t axis) {
  SmallVector<int64_t> shape(slice.getShape());
  shape.insert(shape.begin() + axis, ShapedType::kDynamic);
  return RankedTensorType::get(shape, slice.getElementType());
}

/// An empty stack buffer before the loop: `rows` rows of the static slice
/// shape when `rows` is given and small enough, else no rows (and 0 for the
/// slice's run-time dims, which the first row sets).
Value createStack(OpBuilder &b, Location loc, RankedTensorType slice,
                  int64_t axis, std::optional<int64_t> rows) {
  RankedTensorType stackType = getStackType(slice, axis);
  int64_t bytes = slice.hasStaticShape() && rows
                      ? *rows * slice.getNumElements() *
                            llvm::divideCeil(
                                slice.getElementType().getIntOrFloatBitWidth(),
                                8)
                      : -1;
  bool preallocate = bytes >= 0 && bytes <= kMaxPreallocatedBytes;
  SmallVector<Value> sizes;
  for (int64_t d = 0; d < stackType.getRank(); ++d)
    if (stackType.isDynamicDim(d))
      sizes.push_back(arith::ConstantIndexOp::create(
          b, loc, d == axis && preallocate ? *rows : 0));
  return tensor::EmptyOp::create(b, loc, stackType, sizes);
}

/// Stores `slice` as row `position` (an index) along `axis` of `stack`,
/// first growing the stack when the row is past its capacity: to
/// `growTo(capacity)` rows, the slice's dims giving the others.
Value appendRow(OpBuilder &b, Location loc, Value stack, Value position,
                Value slice, int64_t axis,
                function_ref<Value(OpBuilder &, Location, Value)> growTo) {
  auto stackType = cast<RankedTensorType>(stack.getType());
  Value capacity = tensor::DimOp::create(b, loc, stack, axis);
  Value full = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge,
                                     position, capacity);
  auto grow = scf::IfOp::create(
      b, loc, full,
      [&](OpBuilder &b, Location loc) {
        SmallVector<Value> sizes;
        for (int64_t d = 0; d < stackType.getRank(); ++d) {
          if (!stackType.isDynamicDim(d))
            continue;
          sizes.push_back(d == axis ? growTo(b, loc, capacity)
                                    : tensor::DimOp::create(
                                          b, loc, slice, d < axis ? d : d - 1)
                                          .getResult());
        }
        Value grown = tensor::EmptyOp::create(b, loc, stackType, sizes);
        SmallVector<OpFoldResult> zeros(stackType.getRank(), b.getIndexAttr(0));
        SmallVector<OpFoldResult> ones(stackType.getRank(), b.getIndexAttr(1));
        Value copied = tensor::InsertSliceOp::create(
            b, loc, stack, grown, zeros, tensor::getMixedSizes(b, loc, stack),
            ones);
        scf::YieldOp::create(b, loc, copied);
      },
      [&](OpBuilder &b, Location loc) { scf::YieldOp::create(b, loc, stack); });
  SmallVector<OpFoldResult> offsets(stackType.getRank(), b.getIndexAttr(0));
  offsets[axis] = position;
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, slice);
  sizes.insert(sizes.begin() + axis, b.getIndexAttr(1));
  SmallVector<OpFoldResult> ones(stackType.getRank(), b.getIndexAttr(1));
  return tensor::InsertSliceOp::create(b, loc, slice, grow.getResult(0),
                                       offsets, sizes, ones);
}

/// The next value of a loop-carried value of type `type`: `yielded`, cast;
/// of a static shape, written into `current`'s buffer so that the
/// iterations share it.
Value nextCarried(OpBuilder &b, Location loc, Value yielded, Value current) {
  auto type = cast<RankedTensorType>(current.getType());
  yielded = castTo(b, loc, yielded, type);
  if (yielded == current || !type.hasStaticShape())
    return yielded;
  return linalg::CopyOp::create(b, loc, yielded, current).getResult(0);
}

/// Replaces the body block's terminator (an onnx.Yield, now at the end of
/// `block`) and returns its operands.
SmallVector<Value> takeYield(ConversionPatternRewriter &rewriter,
                             Block *block) {
  auto yield = cast<YieldOp>(block->getTerminator());
  SmallVector<Value> operands(yield.getOperands());
  rewriter.setInsertionPoint(yield);
  rewriter.eraseOp(yield);
  return operands;
}

struct IfLowering : OpConversionPattern<IfOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(IfOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!isa<RankedTensorType>(adaptor.getCond().getType()))
      return rewriter.notifyMatchFailure(op, "the condition's rank is unknown");
    if (!allRanked(op->getResultTypes()))
      return rewriter.notifyMatchFailure(
          op, "an output's rank differs between the branches");
    Location loc = op.getLoc();
    Value cond =
        extractScalar(rewriter, loc, op, adaptor.getCond(), "the condition");
    auto ifOp = scf::IfOp::create(rewriter, loc, op->getResultTypes(), cond,
                                  /*addThenBlock=*/false,
                                  /*addElseBlock=*/false);
    for (auto [from, to] : {std::pair<Region *, Region *>{
                                &op.getThenBranch(), &ifOp.getThenRegion()},
                            {&op.getElseBranch(), &ifOp.getElseRegion()}}) {
      rewriter.inlineRegionBefore(*from, *to, to->end());
      SmallVector<Value> yielded = takeYield(rewriter, &to->front());
      SmallVector<Value> casted;
      for (auto [v, type] : llvm::zip(yielded, op->getResultTypes()))
        casted.push_back(castTo(rewriter, loc, v, type));
      scf::YieldOp::create(rewriter, loc, casted);
    }
    rewriter.replaceOp(op, ifOp.getResults());
    return success();
  }
};

struct LoopLowering : OpConversionPattern<LoopOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(LoopOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Block &body = op.getBody().front();
    auto yield = cast<YieldOp>(body.getTerminator());
    unsigned n = op.getNumCarried(), k = op.getNumScanOutputs();
    if (!allRanked(op->getResultTypes()) ||
        !allRanked(body.getArgumentTypes()) ||
        !allRanked(yield.getOperandTypes()))
      return rewriter.notifyMatchFailure(
          op, "a loop-carried value or scan output changes its rank");
    for (Value v : {adaptor.getM(), adaptor.getCond()})
      if (!isNone(v) && !isa<RankedTensorType>(v.getType()))
        return rewriter.notifyMatchFailure(op, "M or cond has an unknown rank");
    Location loc = op.getLoc();
    Type i64 = rewriter.getI64Type();
    Value maxTrip =
        isNone(adaptor.getM())
            ? arith::ConstantIntOp::create(rewriter, loc, i64,
                                           std::numeric_limits<int64_t>::max())
                  .getResult()
            : extractScalar(rewriter, loc, op, adaptor.getM(), "M");
    Value cond0 = isNone(adaptor.getCond())
                      ? arith::ConstantIntOp::create(rewriter, loc, 1, 1)
                            .getResult()
                      : extractScalar(rewriter, loc, op, adaptor.getCond(),
                                      "cond");
    std::optional<int64_t> rows;
    if (k)
      if (auto shape = dyn_cast<RankedTensorType>(op->getResult(n).getType());
          !shape.isDynamicDim(0))
        rows = shape.getDimSize(0);

    SmallVector<Value> inits{
        arith::ConstantIntOp::create(rewriter, loc, i64, 0), cond0};
    for (auto [v, arg] :
         llvm::zip(adaptor.getVInitial(), body.getArguments().drop_front(2)))
      inits.push_back(castTo(rewriter, loc, v, arg.getType()));
    SmallVector<RankedTensorType> sliceTypes;
    for (unsigned s = 0; s < k; ++s) {
      auto slice = cast<RankedTensorType>(yield.getOperand(1 + n + s).getType());
      sliceTypes.push_back(slice);
      inits.push_back(createStack(rewriter, loc, slice, 0, rows));
    }
    SmallVector<Type> types = llvm::map_to_vector(
        inits, [](Value v) { return v.getType(); });

    auto whileOp = scf::WhileOp::create(
        rewriter, loc, types, inits,
        [&](OpBuilder &b, Location loc, ValueRange args) {
          Value below = arith::CmpIOp::create(
              b, loc, arith::CmpIPredicate::slt, args[0], maxTrip);
          Value go = arith::AndIOp::create(b, loc, below, args[1]);
          scf::ConditionOp::create(b, loc, go, args);
        },
        [&](OpBuilder &, Location, ValueRange) {});
    Block *after = whileOp.getAfterBody();
    rewriter.setInsertionPointToStart(after);
    Value iteration = after->getArgument(0);
    SmallVector<Value> replacements{
        tensor::FromElementsOp::create(rewriter, loc,
                                       body.getArgument(0).getType(),
                                       ValueRange{iteration}),
        tensor::FromElementsOp::create(rewriter, loc,
                                       body.getArgument(1).getType(),
                                       ValueRange{after->getArgument(1)})};
    for (unsigned i = 0; i < n; ++i)
      replacements.push_back(after->getArgument(2 + i));
    rewriter.inlineBlockBefore(&body, after, after->end(), replacements);
    SmallVector<Value> yielded = takeYield(rewriter, after);

    SmallVector<Value> next{
        arith::AddIOp::create(rewriter, loc, iteration,
                              arith::ConstantIntOp::create(rewriter, loc, i64,
                                                           1)),
        extractScalar(rewriter, loc, op, yielded[0],
                      "the body's condition output")};
    for (unsigned i = 0; i < n; ++i)
      next.push_back(nextCarried(rewriter, loc, yielded[1 + i],
                                 after->getArgument(2 + i)));
    Value row = arith::IndexCastOp::create(rewriter, loc,
                                           rewriter.getIndexType(), iteration);
    auto doubled = [](OpBuilder &b, Location loc, Value capacity) -> Value {
      Value one = arith::ConstantIndexOp::create(b, loc, 1);
      return arith::AddIOp::create(
          b, loc, arith::AddIOp::create(b, loc, capacity, capacity), one);
    };
    for (unsigned s = 0; s < k; ++s)
      next.push_back(appendRow(rewriter, loc, after->getArgument(2 + n + s),
                               row,
                               castTo(rewriter, loc, yielded[1 + n + s],
                                      sliceTypes[s]),
                               0, doubled));
    scf::YieldOp::create(rewriter, loc, next);

    rewriter.setInsertionPointAfter(whileOp);
    SmallVector<Value> results;
    for (unsigned i = 0; i < n; ++i)
      results.push_back(castTo(rewriter, loc, whileOp.getResult(2 + i),
                               op->getResult(i).getType()));
    Value iterations = arith::IndexCastOp::create(
        rewriter, loc, rewriter.getIndexType(), whileOp.getResult(0));
    for (unsigned s = 0; s < k; ++s) {
      Value stack = whileOp.getResult(2 + n + s);
      auto stackType = cast<RankedTensorType>(stack.getType());
      SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(rewriter, loc,
                                                              stack);
      sizes[0] = iterations;
      SmallVector<OpFoldResult> zeros(stackType.getRank(),
                                      rewriter.getIndexAttr(0));
      SmallVector<OpFoldResult> ones(stackType.getRank(),
                                     rewriter.getIndexAttr(1));
      Value used = tensor::ExtractSliceOp::create(rewriter, loc, stackType,
                                                  stack, zeros, sizes, ones);
      results.push_back(
          castTo(rewriter, loc, used, op->getResult(n + s).getType()));
    }
    rewriter.replaceOp(op, results);
    return success();
  }
};

struct ScanLowering : OpConversionPattern<ScanOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ScanOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Block &body = op.getBody().front();
    auto yield = cast<YieldOp>(body.getTerminator());
    unsigned n = op.getNumStates(), k = op.getNumScanOutputs();
    ValueRange operands = adaptor.getInitialStateAndScanInputs();
    unsigned m = operands.size() - n;
    if (!allRanked(op->getResultTypes()) || !allRanked(operands.getTypes()) ||
        !allRanked(body.getArgumentTypes()) ||
        !allRanked(yield.getOperandTypes()))
      return rewriter.notifyMatchFailure(
          op, "a state or scan output changes its rank");
    Location loc = op.getLoc();
    auto normalized = [](int64_t axis, int64_t rank) {
      return axis < 0 ? axis + rank : axis;
    };

    // The length, from the first scan input; the others must agree.
    SmallVector<int64_t> inputAxes;
    for (unsigned j = 0; j < m; ++j)
      inputAxes.push_back(normalized(
          ScanOp::getEntry(op.getScanInputAxes(), j, 0),
          cast<RankedTensorType>(operands[n + j].getType()).getRank()));
    Value length =
        tensor::DimOp::create(rewriter, loc, operands[n], inputAxes[0]);
    for (unsigned j = 1; j < m; ++j)
      emitDimCheck(rewriter, loc, op,
                   tensor::DimOp::create(rewriter, loc, operands[n + j],
                                         inputAxes[j])
                       .getResult(),
                   length,
                   "scan input #" + Twine(j) +
                       "'s length differs from scan input #0's");
    int64_t staticLength = op.getStaticLength();

    SmallVector<Value> inits;
    for (unsigned i = 0; i < n; ++i)
      inits.push_back(
          castTo(rewriter, loc, operands[i], body.getArgument(i).getType()));
    SmallVector<RankedTensorType> sliceTypes;
    SmallVector<int64_t> outputAxes;
    for (unsigned s = 0; s < k; ++s) {
      auto slice = cast<RankedTensorType>(yield.getOperand(n + s).getType());
      sliceTypes.push_back(slice);
      outputAxes.push_back(
          normalized(ScanOp::getEntry(op.getScanOutputAxes(), s, 0),
                     slice.getRank() + 1));
      inits.push_back(createStack(
          rewriter, loc, slice, outputAxes.back(),
          ShapedType::isDynamic(staticLength)
              ? std::nullopt
              : std::optional<int64_t>(staticLength)));
    }

    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    auto forOp = scf::ForOp::create(
        rewriter, loc, zero, length, one, inits,
        [](OpBuilder &, Location, Value, ValueRange) {});
    Block *loopBody = forOp.getBody();
    rewriter.setInsertionPointToStart(loopBody);
    Value t = forOp.getInductionVar();
    Value last = arith::SubIOp::create(rewriter, loc, length, one);
    Value reversed = arith::SubIOp::create(rewriter, loc, last, t);
    auto position = [&](std::optional<ArrayRef<int64_t>> directions,
                        unsigned i) {
      return ScanOp::getEntry(directions, i, 0) == 1 ? reversed : t;
    };

    SmallVector<Value> replacements(forOp.getRegionIterArgs().take_front(n));
    for (unsigned j = 0; j < m; ++j) {
      Value input = operands[n + j];
      auto inputType = cast<RankedTensorType>(input.getType());
      int64_t axis = inputAxes[j];
      SmallVector<OpFoldResult> offsets(inputType.getRank(),
                                        rewriter.getIndexAttr(0));
      offsets[axis] = position(op.getScanInputDirections(), j);
      SmallVector<OpFoldResult> sizes =
          tensor::getMixedSizes(rewriter, loc, input);
      sizes[axis] = rewriter.getIndexAttr(1);
      SmallVector<OpFoldResult> ones(inputType.getRank(),
                                     rewriter.getIndexAttr(1));
      SmallVector<int64_t> sliceShape(inputType.getShape());
      sliceShape.erase(sliceShape.begin() + axis);
      auto sliceType =
          RankedTensorType::get(sliceShape, inputType.getElementType());
      Value slice = tensor::ExtractSliceOp::create(rewriter, loc, sliceType,
                                                   input, offsets, sizes, ones);
      replacements.push_back(
          castTo(rewriter, loc, slice, body.getArgument(n + j).getType()));
    }
    rewriter.inlineBlockBefore(&body, loopBody, loopBody->end(), replacements);
    SmallVector<Value> yielded = takeYield(rewriter, loopBody);

    SmallVector<Value> next;
    for (unsigned i = 0; i < n; ++i)
      next.push_back(nextCarried(rewriter, loc, yielded[i],
                                 forOp.getRegionIterArg(i)));
    auto toLength = [&](OpBuilder &, Location, Value) { return length; };
    for (unsigned s = 0; s < k; ++s)
      next.push_back(appendRow(
          rewriter, loc, forOp.getRegionIterArg(n + s),
          position(op.getScanOutputDirections(), s),
          castTo(rewriter, loc, yielded[n + s], sliceTypes[s]), outputAxes[s],
          toLength));
    scf::YieldOp::create(rewriter, loc, next);

    rewriter.setInsertionPointAfter(forOp);
    SmallVector<Value> results;
    for (auto [result, value] : llvm::zip(op->getResults(), forOp.getResults()))
      results.push_back(castTo(rewriter, loc, value, result.getType()));
    rewriter.replaceOp(op, results);
    return success();
  }
};

} // namespace

void populateONNXControlFlowToSCFPatterns(RewritePatternSet &patterns) {
  patterns.add<IfLowering, LoopLowering, ScanLowering>(patterns.getContext());
}

} // namespace onnxc::linalg_lowering
