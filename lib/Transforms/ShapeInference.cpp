//===- ShapeInference.cpp - --onnx-shape-inference ------------------------===//

#include "onnxc/Transforms/Passes.h"

#include "onnxc/Dialect/ONNX/ONNXOps.h"

#include "mlir/Transforms/FoldUtils.h"

#define DEBUG_TYPE "onnx-shape-inference"

namespace onnxc {
#define GEN_PASS_DEF_ONNXSHAPEINFERENCE
#include "onnxc/Transforms/Passes.h.inc"
} // namespace onnxc

using namespace mlir;

namespace onnxc {
namespace {

struct ONNXShapeInferencePass
    : impl::ONNXShapeInferenceBase<ONNXShapeInferencePass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    if (!func.getBody().hasOneBlock()) {
      func.emitOpError("graph functions must have a single block");
      return signalPassFailure();
    }
    Block &block = func.getBody().front();
    OperationFolder folder(&getContext());
    // Graphs are in topological order: one forward sweep sees every op after
    // its operands have their final types.
    for (Operation &op : llvm::make_early_inc_range(block)) {
      if (auto inference = dyn_cast<onnx_ir::ShapeInferenceOpInterface>(&op))
        if (failed(inference.inferShapes()))
          return signalPassFailure();
      if (op.hasTrait<OpTrait::ConstantLike>())
        continue;
      (void)folder.tryToFold(&op);
    }
    for (Operation &op : llvm::make_early_inc_range(llvm::reverse(block)))
      if (isOpTriviallyDead(&op))
        op.erase();
    auto returnOp = cast<func::ReturnOp>(block.getTerminator());
    func.setType(FunctionType::get(&getContext(), func.getArgumentTypes(),
                                   returnOp.getOperandTypes()));
  }
};

} // namespace
} // namespace onnxc
