//===- ParallelizeKernels.cpp - --onnxc-parallelize-kernels ---------------===//

#include "onnxc/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/RegionUtils.h"
#include "mlir/Interfaces/LoopLikeInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace onnxc {
#define GEN_PASS_DEF_PARALLELIZEKERNELS
#include "onnxc/Transforms/Passes.h.inc"
} // namespace onnxc

using namespace mlir;

namespace onnxc {
namespace {

/// Trip counts of the dims of `loop`: constants, or ShapedType::kDynamic
/// where a bound is known only at run time; empty if a step is not a
/// positive constant.
static SmallVector<int64_t> getTripCounts(scf::ParallelOp loop) {
  SmallVector<int64_t> counts;
  for (auto [lb, ub, step] : llvm::zip(loop.getLowerBound(),
                                       loop.getUpperBound(), loop.getStep())) {
    APInt l, u, s;
    if (!matchPattern(step, m_ConstantInt(&s)) || s.getSExtValue() <= 0)
      return {};
    if (!matchPattern(lb, m_ConstantInt(&l)) ||
        !matchPattern(ub, m_ConstantInt(&u))) {
      counts.push_back(ShapedType::kDynamic);
      continue;
    }
    int64_t span = u.getSExtValue() - l.getSExtValue();
    counts.push_back(span <= 0 ? 0 : llvm::divideCeil(span, s.getSExtValue()));
  }
  return counts;
}

/// Trip counts of the dims of `loop`; empty unless every bound is constant.
static SmallVector<int64_t> getConstantTripCounts(scf::ParallelOp loop) {
  SmallVector<int64_t> counts = getTripCounts(loop);
  if (llvm::any_of(counts, ShapedType::isDynamic))
    return {};
  return counts;
}

/// The trip count of dim `d` of `loop` as a value: ceil((ub - lb) / step),
/// 0 when ub <= lb; `mapping` gives the bounds' values where they are built.
static Value buildTripCount(OpBuilder &b, Location loc, scf::ParallelOp loop,
                            unsigned d, const IRMapping &mapping) {
  Value lb = mapping.lookupOrDefault(loop.getLowerBound()[d]);
  Value ub = mapping.lookupOrDefault(loop.getUpperBound()[d]);
  Value step = mapping.lookupOrDefault(loop.getStep()[d]);
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value span = arith::MaxSIOp::create(
      b, loc, arith::SubIOp::create(b, loc, ub, lb), zero);
  return arith::CeilDivUIOp::create(b, loc, span, step);
}

/// The kernel's one computation, if it is an scf.parallel; everything else
/// in the body must be free of side effects.
static scf::ParallelOp getParallelComputation(func::FuncOp kernel) {
  scf::ParallelOp found;
  for (Operation &op : kernel.getBody().front().without_terminator()) {
    if (auto loop = dyn_cast<scf::ParallelOp>(op)) {
      if (found)
        return {};
      found = loop;
    } else if (!isMemoryEffectFree(&op) || op.getNumRegions()) {
      return {};
    }
  }
  return found;
}

/// Serial iterations kept inside each split iteration of an elementwise body.
constexpr int64_t kInnerIterations = 64;

struct ParallelizeKernelsPass
    : impl::ParallelizeKernelsBase<ParallelizeKernelsPass> {
  using Base::Base;

  /// How a parallel loop is split: its first `split` dims linearized into
  /// `total` iterations (ShapedType::kDynamic when a count is known only at
  /// run time: the runtime's dispatch then decides), chunks of at least
  /// `grain`.
  struct Plan {
    SmallVector<int64_t> counts;
    unsigned split;
    int64_t total, grain;
  };

  /// The split of `loop`, or none when it is not worth a dispatch.
  std::optional<Plan> planSplit(scf::ParallelOp loop) {
    if (!loop.getInitVals().empty())
      return std::nullopt;
    SmallVector<int64_t> counts = getTripCounts(loop);
    if (counts.empty())
      return std::nullopt;
    // A body without loops (elementwise work) keeps its innermost dims as
    // serial loops of at least `kInnerIterations`, so that LLVM vectorizes
    // them and each split iteration is a row, not one element.
    bool hasLoops = loop.getBody()
                        ->walk([](LoopLikeOpInterface) {
                          return WalkResult::interrupt();
                        })
                        .wasInterrupted();
    // A count known only at run time is taken as kInnerIterations long.
    auto known = [](int64_t c) {
      return ShapedType::isDynamic(c) ? kInnerIterations : c;
    };
    unsigned split = counts.size();
    int64_t inner = 1;
    if (!hasLoops)
      while (split > 1 && inner < kInnerIterations)
        inner *= known(counts[--split]);
    int64_t total = 1;
    for (int64_t c : ArrayRef<int64_t>(counts).take_front(split))
      total = ShapedType::isDynamic(c) || ShapedType::isDynamic(total)
                  ? ShapedType::kDynamic
                  : total * c;
    if (!ShapedType::isDynamic(total) && total < minIterations)
      return std::nullopt;
    // The grain: iterations per chunk so that each chunk is worth a
    // dispatch. Work is estimated as the operations of one iteration,
    // times the inner trip counts; loops in the body count as their
    // static trip counts.
    int64_t work = estimateWork(loop.getBody()) * inner;
    int64_t grain = std::max<int64_t>(
        1, llvm::divideCeil(minChunkWork, std::max<int64_t>(work, 1)));
    if (!ShapedType::isDynamic(total) && total <= grain)
      return std::nullopt;
    return Plan{counts, split, total, grain};
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<func::FuncOp> kernels;
    for (auto func : module.getOps<func::FuncOp>())
      if (func->hasAttr("onnxc.kernel") && !func.isExternal())
        kernels.push_back(func);
    for (func::FuncOp kernel : kernels) {
      if (scf::ParallelOp loop = getParallelComputation(kernel)) {
        if (std::optional<Plan> plan = planSplit(loop)) {
          // Everything else in the body is side-effect free: cloned into
          // the range function, which then is the whole kernel.
          SmallVector<Operation *> prologue;
          for (Operation &op : kernel.getBody().front().without_terminator())
            if (&op != loop.getOperation())
              prologue.push_back(&op);
          func::FuncOp range = buildRangeFunction(
              kernel, loop, *plan, prologue, (kernel.getName() + "_range").str());
          Block &body = kernel.getBody().front();
          SmallVector<Operation *> old;
          for (Operation &op : body)
            old.push_back(&op);
          // The total, when known only at run time, from the prologue.
          OpBuilder builder = OpBuilder::atBlockBegin(&body);
          IRMapping mapping;
          if (ShapedType::isDynamic(plan->total))
            for (Operation *op : prologue)
              builder.clone(*op, mapping);
          callRange(builder, kernel, range,
                    buildTotal(builder, kernel.getLoc(), loop, *plan, mapping));
          func::ReturnOp::create(builder, kernel.getLoc());
          for (Operation *op : llvm::reverse(old))
            op->erase();
        }
        continue;
      }
      parallelizeNestedLoops(kernel);
    }
  }

  /// In a kernel whose computation is serial (a loop over time steps), each
  /// parallel loop inside it whose operands do not depend on the serial
  /// loop's values gets a range function of its own, called where the loop
  /// was: the target dispatches each call to the thread pool.
  void parallelizeNestedLoops(func::FuncOp kernel) {
    SmallVector<scf::ParallelOp> nested;
    kernel.walk([&](scf::ParallelOp loop) {
      if (loop->getParentOfType<scf::ParallelOp>())
        return;
      nested.push_back(loop);
    });
    Block &entry = kernel.getBody().front();
    int index = 0;
    for (scf::ParallelOp loop : nested) {
      std::optional<Plan> plan = planSplit(loop);
      if (!plan)
        continue;
      // The values the loop reads from outside: kernel arguments, or
      // side-effect-free ops computed from them and constants only.
      llvm::SetVector<Value> captured;
      getUsedValuesDefinedAbove(loop->getRegions(), captured);
      for (Value v : llvm::concat<Value>(loop.getLowerBound(),
                                         loop.getUpperBound(), loop.getStep()))
        captured.insert(v);
      llvm::SetVector<Operation *> prologue;
      bool invariant = true;
      SmallVector<Value> worklist(captured.begin(), captured.end());
      while (!worklist.empty() && invariant) {
        Value v = worklist.pop_back_val();
        if (auto arg = dyn_cast<BlockArgument>(v)) {
          invariant = arg.getOwner() == &entry;
          continue;
        }
        Operation *def = v.getDefiningOp();
        if (!isMemoryEffectFree(def) || def->getNumRegions()) {
          invariant = false;
          continue;
        }
        if (prologue.insert(def))
          worklist.append(def->operand_begin(), def->operand_end());
      }
      if (!invariant)
        continue;
      // Clone the prologue in program order.
      SmallVector<Operation *> ordered;
      kernel.walk([&](Operation *op) {
        if (prologue.contains(op))
          ordered.push_back(op);
      });
      func::FuncOp range = buildRangeFunction(
          kernel, loop, *plan, ordered,
          (kernel.getName() + "_range" + std::to_string(index++)).str());
      OpBuilder builder(loop);
      callRange(builder, kernel, range,
                buildTotal(builder, kernel.getLoc(), loop, *plan, IRMapping()));
      loop->erase();
    }
  }

  /// The number of split iterations of `plan` as a value: a constant, or
  /// the product of the split dims' trip counts at run time.
  static Value buildTotal(OpBuilder &builder, Location loc,
                          scf::ParallelOp loop, const Plan &plan,
                          const IRMapping &mapping) {
    if (!ShapedType::isDynamic(plan.total))
      return arith::ConstantIndexOp::create(builder, loc, plan.total);
    Value total;
    for (unsigned d = 0; d < plan.split; ++d) {
      Value count = buildTripCount(builder, loc, loop, d, mapping);
      total = total ? Value(arith::MulIOp::create(builder, loc, total, count))
                    : count;
    }
    return total;
  }

  /// Calls `range` with the kernel's arguments over [0, total).
  static void callRange(OpBuilder &builder, func::FuncOp kernel,
                        func::FuncOp range, Value total) {
    Location loc = kernel.getLoc();
    SmallVector<Value> args(kernel.getArguments());
    args.push_back(arith::ConstantIndexOp::create(builder, loc, 0));
    args.push_back(total);
    func::CallOp::create(builder, loc, range, args);
  }

  /// Operations one execution of `block` runs, loops unrolled by their
  /// static trip counts (16 when unknown).
  static int64_t estimateWork(Block *block) {
    int64_t work = 0;
    for (Operation &op : *block) {
      int64_t inner = 0;
      for (Region &region : op.getRegions())
        for (Block &nested : region)
          inner += estimateWork(&nested);
      int64_t trips = 1;
      if (auto forOp = dyn_cast<scf::ForOp>(op)) {
        std::optional<int64_t> count = constantTripCount(
            forOp.getLowerBound(), forOp.getUpperBound(), forOp.getStep());
        trips = count ? *count : 16;
      } else if (auto parallel = dyn_cast<scf::ParallelOp>(op)) {
        for (int64_t c : getConstantTripCounts(parallel))
          trips *= c;
      }
      work += 1 + trips * inner;
    }
    return work;
  }

  static std::optional<int64_t> constantTripCount(Value lb, Value ub,
                                                  Value step) {
    APInt l, u, s;
    if (!matchPattern(lb, m_ConstantInt(&l)) ||
        !matchPattern(ub, m_ConstantInt(&u)) ||
        !matchPattern(step, m_ConstantInt(&s)) || s.getSExtValue() <= 0)
      return std::nullopt;
    int64_t span = u.getSExtValue() - l.getSExtValue();
    return span <= 0 ? 0 : llvm::divideCeil(span, s.getSExtValue());
  }

  /// Creates a range function `name`: the kernel's arguments and a
  /// [begin, end) range of the first `plan.split` dims of `loop`
  /// linearized (the others stay serial loops inside each iteration). It
  /// clones `prologue` (side-effect-free ops the loop reads) first. The
  /// grain is recorded for the target's dispatch.
  func::FuncOp buildRangeFunction(func::FuncOp kernel, scf::ParallelOp loop,
                                  const Plan &plan,
                                  ArrayRef<Operation *> prologue,
                                  StringRef name) {
    ArrayRef<int64_t> counts = plan.counts;
    unsigned split = plan.split;
    int64_t grain = plan.grain;
    OpBuilder builder(kernel);
    builder.setInsertionPointAfter(kernel);
    Location loc = kernel.getLoc();
    SmallVector<Type> types(kernel.getArgumentTypes());
    types.push_back(builder.getIndexType());
    types.push_back(builder.getIndexType());
    auto range = func::FuncOp::create(builder, loc, name,
                                      builder.getFunctionType(types, {}));
    range.setPrivate();
    Block *entry = range.addEntryBlock();
    Value begin = entry->getArgument(kernel.getNumArguments());
    Value end = entry->getArgument(kernel.getNumArguments() + 1);

    IRMapping mapping;
    for (auto [from, to] :
         llvm::zip(kernel.getArguments(), entry->getArguments()))
      mapping.map(from, to);
    builder.setInsertionPointToStart(entry);
    for (Operation *op : prologue)
      builder.clone(*op, mapping);
    {
      // Trip counts and strides of the split dims, before the loop (values
      // when known only at run time); innermost dim fastest.
      SmallVector<Value> countValues(split), strides(split);
      Value stride;
      for (int64_t d = split - 1; d >= 0; --d) {
        countValues[d] =
            ShapedType::isDynamic(counts[d])
                ? buildTripCount(builder, loc, loop, d, mapping)
                : arith::ConstantIndexOp::create(builder, loc, counts[d])
                      .getResult();
        strides[d] = stride;
        stride = stride ? Value(arith::MulIOp::create(builder, loc, stride,
                                                      countValues[d]))
                        : countValues[d];
      }
      Value one = arith::ConstantIndexOp::create(builder, loc, 1);
      auto linear = scf::ForOp::create(builder, loc, begin, end, one);
      builder.setInsertionPointToStart(linear.getBody());
      // Delinearize: iv_d = lb_d + (i / stride_d % count_d) * step_d.
      SmallVector<Value> ivs(counts.size());
      for (int64_t d = split - 1; d >= 0; --d) {
        Value index = linear.getInductionVar();
        if (strides[d])
          index = arith::DivUIOp::create(builder, loc, index, strides[d]);
        if (d != 0)
          index = arith::RemUIOp::create(builder, loc, index, countValues[d]);
        Value step = mapping.lookupOrDefault(loop.getStep()[d]);
        Value lower = mapping.lookupOrDefault(loop.getLowerBound()[d]);
        index = arith::MulIOp::create(builder, loc, index, step);
        ivs[d] = arith::AddIOp::create(builder, loc, index, lower);
      }
      for (unsigned d = split; d < counts.size(); ++d) {
        auto serial = scf::ForOp::create(
            builder, loc, mapping.lookupOrDefault(loop.getLowerBound()[d]),
            mapping.lookupOrDefault(loop.getUpperBound()[d]),
            mapping.lookupOrDefault(loop.getStep()[d]));
        builder.setInsertionPointToStart(serial.getBody());
        ivs[d] = serial.getInductionVar();
      }
      for (auto [iv, value] : llvm::zip(loop.getInductionVars(), ivs))
        mapping.map(iv, value);
      for (Operation &inner : loop.getBody()->without_terminator())
        builder.clone(inner, mapping);
      builder.setInsertionPointAfter(linear);
    }
    func::ReturnOp::create(builder, loc);
    // Carried to the LLVM function as attribute "onnxc-grain".
    range->setAttr("passthrough",
                   builder.getArrayAttr(builder.getArrayAttr(
                       {builder.getStringAttr("onnxc-grain"),
                        builder.getStringAttr(std::to_string(grain))})));

    return range;
  }
};

} // namespace
} // namespace onnxc
