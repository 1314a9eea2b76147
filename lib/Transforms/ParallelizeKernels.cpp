//===- ParallelizeKernels.cpp - --onnxc-parallelize-kernels ---------------===//

#include "onnxc/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
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

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<func::FuncOp> kernels;
    for (auto func : module.getOps<func::FuncOp>())
      if (func->hasAttr("onnxc.kernel") && !func.isExternal())
        kernels.push_back(func);
    for (func::FuncOp kernel : kernels) {
      scf::ParallelOp loop = getParallelComputation(kernel);
      if (!loop || !loop.getInitVals().empty())
        continue;
      SmallVector<int64_t> counts = getConstantTripCounts(loop);
      if (counts.empty())
        continue;
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
        continue;
      // The grain: iterations per chunk so that each chunk is worth a
      // dispatch. Work is estimated as the operations of one iteration,
      // times the inner trip counts; loops in the body count as their
      // static trip counts.
      int64_t work = estimateWork(loop.getBody()) * inner;
      int64_t grain = std::max<int64_t>(
          1, llvm::divideCeil(minChunkWork, std::max<int64_t>(work, 1)));
      if (total <= grain)
        continue;
      buildRangeForm(kernel, loop, counts, split, total, grain);
    }
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

  /// Creates @<kernel>_range over the first `split` dims of `loop`
  /// linearized (the others stay serial loops inside each iteration) and
  /// makes the kernel call it over [0, total); `grain` is recorded for the
  /// target's dispatch.
  void buildRangeForm(func::FuncOp kernel, scf::ParallelOp loop,
                      ArrayRef<int64_t> counts, unsigned split, int64_t total,
                      int64_t grain) {
    OpBuilder builder(kernel);
    builder.setInsertionPointAfter(kernel);
    Location loc = kernel.getLoc();
    SmallVector<Type> types(kernel.getArgumentTypes());
    types.push_back(builder.getIndexType());
    types.push_back(builder.getIndexType());
    auto range = func::FuncOp::create(builder, loc,
                                      (kernel.getName() + "_range").str(),
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
    for (Operation &op : kernel.getBody().front().without_terminator()) {
      if (&op != loop.getOperation()) {
        builder.clone(op, mapping);
        continue;
      }
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

    // The kernel runs its whole range; the target may split the call.
    Block &body = kernel.getBody().front();
    for (Operation &op : llvm::make_early_inc_range(llvm::reverse(body)))
      op.erase();
    builder.setInsertionPointToStart(&body);
    SmallVector<Value> args(kernel.getArguments());
    args.push_back(arith::ConstantIndexOp::create(builder, loc, 0));
    args.push_back(arith::ConstantIndexOp::create(builder, loc, total));
    func::CallOp::create(builder, loc, range, args);
    func::ReturnOp::create(builder, loc);
  }
};

} // namespace
} // namespace onnxc
