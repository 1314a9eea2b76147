//===- FlattenEmptyArguments.cpp - --onnxc-flatten-empty-arguments -------===//

#include "onnxc/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/SymbolTable.h"

namespace onnxc {
#define GEN_PASS_DEF_FLATTENEMPTYARGUMENTS
#include "onnxc/Transforms/Passes.h.inc"
} // namespace onnxc

using namespace mlir;

namespace onnxc {
namespace {

/// The 1-D form of a static, identity-layout memref type without elements
/// and of rank other than 1; null for any other type.
static MemRefType getFlatEmptyType(Type type) {
  auto memref = dyn_cast<MemRefType>(type);
  if (!memref || !memref.hasStaticShape() || memref.getRank() == 1 ||
      memref.getNumElements() != 0 || !memref.getLayout().isIdentity())
    return {};
  return MemRefType::get({0}, memref.getElementType(), AffineMap(),
                         memref.getMemorySpace());
}

static ReassociationIndices allDims(MemRefType type) {
  return llvm::to_vector(llvm::seq<int64_t>(0, type.getRank()));
}

struct FlattenEmptyArgumentsPass
    : impl::FlattenEmptyArgumentsBase<FlattenEmptyArgumentsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    for (auto func : llvm::make_early_inc_range(module.getOps<func::FuncOp>())) {
      FunctionType type = func.getFunctionType();
      SmallVector<Type> inputs(type.getInputs());
      SmallVector<unsigned> changed;
      for (auto [i, input] : llvm::enumerate(inputs))
        if (MemRefType flat = getFlatEmptyType(input)) {
          inputs[i] = flat;
          changed.push_back(i);
        }
      if (changed.empty())
        continue;
      // Call sites first, while the old types are at hand.
      if (std::optional<SymbolTable::UseRange> uses =
              SymbolTable::getSymbolUses(func, module)) {
        for (SymbolTable::SymbolUse use : *uses) {
          auto call = dyn_cast<func::CallOp>(use.getUser());
          if (!call) {
            func.emitOpError("has a use other than a call; cannot change "
                             "its empty memref arguments");
            return signalPassFailure();
          }
          OpBuilder builder(call);
          for (unsigned i : changed) {
            Value operand = call.getOperand(i);
            auto operandType = cast<MemRefType>(operand.getType());
            call.setOperand(i, memref::CollapseShapeOp::create(
                                   builder, call.getLoc(), operand,
                                   ArrayRef<ReassociationIndices>{
                                       allDims(operandType)}));
          }
        }
      }
      func.setFunctionType(
          FunctionType::get(&getContext(), inputs, type.getResults()));
      if (func.isExternal())
        continue;
      Block &entry = func.getBody().front();
      OpBuilder builder = OpBuilder::atBlockBegin(&entry);
      for (unsigned i : changed) {
        BlockArgument arg = entry.getArgument(i);
        auto shaped = cast<MemRefType>(arg.getType());
        arg.setType(inputs[i]);
        auto expanded = memref::ExpandShapeOp::create(
            builder, func.getLoc(), shaped, arg,
            ArrayRef<ReassociationIndices>{allDims(shaped)});
        arg.replaceAllUsesExcept(expanded.getResult(), expanded);
      }
    }
  }
};

} // namespace
} // namespace onnxc
