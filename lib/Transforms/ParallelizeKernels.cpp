//===- ParallelizeKernels.cpp - --onnxc-parallelize-kernels ---------------===//

#include "onnxc/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
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
      int64_t total = 1;
      for (int64_t c : counts)
        total *= c;
      if (total < minIterations)
        continue;
      buildRangeForm(kernel, loop, counts, total);
    }
  }

  /// Creates @<kernel>_range and makes the kernel call it over [0, total).
  void buildRangeForm(func::FuncOp kernel, scf::ParallelOp loop,
                      ArrayRef<int64_t> counts, int64_t total) {
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
      for (int64_t d = counts.size() - 1; d >= 0; --d) {
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
      for (auto [iv, value] : llvm::zip(loop.getInductionVars(), ivs))
        mapping.map(iv, value);
      for (Operation &inner : loop.getBody()->without_terminator())
        builder.clone(inner, mapping);
      builder.setInsertionPointAfter(linear);
    }
    func::ReturnOp::create(builder, loc);

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
