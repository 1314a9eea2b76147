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

/// Trip counts of the dims of `loop`; empty unless every bound is constant.
static SmallVector<int64_t> getConstantTripCounts(scf::ParallelOp loop) {
  SmallVector<int64_t> counts;
  for (auto [lb, ub, step] : llvm::zip(loop.getLowerBound(),
                                       loop.getUpperBound(), loop.getStep())) {
    APInt l, u, s;
    if (!matchPattern(lb, m_ConstantInt(&l)) ||
        !matchPattern(ub, m_ConstantInt(&u)) ||
        !matchPattern(step, m_ConstantInt(&s)) || s.getSExtValue() <= 0)
      return {};
    int64_t span = u.getSExtValue() - l.getSExtValue();
    counts.push_back(span <= 0 ? 0 : llvm::divideCeil(span, s.getSExtValue()));
  }
  return counts;
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
  /// `total` iterations, chunks of at least `grain`.
  struct Plan {
    SmallVector<int64_t> counts;
    unsigned split;
    int64_t total, grain;
  };

  /// The split of `loop`, or none when it is not worth a dispatch.
  std::optional<Plan> planSplit(scf::ParallelOp loop) {
    if (!loop.getInitVals().empty())
      return std::nullopt;
    SmallVector<int64_t> counts = getConstantTripCounts(loop);
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
    unsigned split = counts.size();
    int64_t inner = 1;
    if (!hasLoops)
      while (split > 1 && inner < kInnerIterations)
        inner *= counts[--split];
    int64_t total = 1;
    for (int64_t c : ArrayRef<int64_t>(counts).take_front(split))
      total *= c;
    if (total < minIterations)
      return std::nullopt;
    // The grain: iterations per chunk so that each chunk is worth a
    // dispatch. Work is estimated as the operations of one iteration,
    // times the inner trip counts; loops in the body count as their
    // static trip counts.
    int64_t work = estimateWork(loop.getBody()) * inner;
    int64_t grain = std::max<int64_t>(
        1, llvm::divideCeil(minChunkWork, std::max<int64_t>(work, 1)));
    if (total <= grain)
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
          for (Operation &op : llvm::make_early_inc_range(llvm::reverse(body)))
            op.erase();
          OpBuilder builder = OpBuilder::atBlockBegin(&body);
          callRange(builder, kernel, range, plan->total);
          func::ReturnOp::create(builder, kernel.getLoc());
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
      callRange(builder, kernel, range, plan->total);
      loop->erase();
    }
  }

  /// Calls `range` with the kernel's arguments over [0, total).
  static void callRange(OpBuilder &builder, func::FuncOp kernel,
                        func::FuncOp range, int64_t total) {
    Location loc = kernel.getLoc();
    SmallVector<Value> args(kernel.getArguments());
    args.push_back(arith::ConstantIndexOp::create(builder, loc, 0));
    args.push_back(arith::ConstantIndexOp::create(builder, loc, total));
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
      Value one = arith::ConstantIndexOp::create(builder, loc, 1);
      auto linear = scf::ForOp::create(builder, loc, begin, end, one);
      builder.setInsertionPointToStart(linear.getBody());
      // Delinearize, innermost dim fastest: iv_d = lb_d + (i / stride_d %
      // count_d) * step_d.
      int64_t stride = 1;
      SmallVector<Value> ivs(counts.size());
      for (int64_t d = split - 1; d >= 0; --d) {
        Value index = linear.getInductionVar();
        if (stride != 1)
          index = arith::DivUIOp::create(
              builder, loc, index,
              arith::ConstantIndexOp::create(builder, loc, stride));
        if (d != 0)
          index = arith::RemUIOp::create(
              builder, loc, index,
              arith::ConstantIndexOp::create(builder, loc, counts[d]));
        Value step = mapping.lookupOrDefault(loop.getStep()[d]);
        Value lower = mapping.lookupOrDefault(loop.getLowerBound()[d]);
        index = arith::MulIOp::create(builder, loc, index, step);
        ivs[d] = arith::AddIOp::create(builder, loc, index, lower);
        stride *= counts[d];
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
