//===- LowerRunTimeChecks.cpp - --onnxc-lower-run-time-checks -------------===//
//
// A failed run-time check returns an error from the run instead of aborting
// the process: cf.assert becomes a call of the runtime's onnxc_fail.
//
//===----------------------------------------------------------------------===//

#include "onnxc/Transforms/Passes.h"

#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/FunctionCallUtils.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/SymbolTable.h"

namespace onnxc {
#define GEN_PASS_DEF_LOWERRUNTIMECHECKS
#include "onnxc/Transforms/Passes.h.inc"
} // namespace onnxc

using namespace mlir;

namespace onnxc {
namespace {

/// The runtime's `void onnxc_fail(const char *message)`, which does not
/// return (runtime/src/runtime.c).
constexpr llvm::StringLiteral kFailFunction = "onnxc_fail";

struct LowerRunTimeChecksPass
    : impl::LowerRunTimeChecksBase<LowerRunTimeChecksPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<cf::AssertOp> asserts;
    module.walk([&](cf::AssertOp op) { asserts.push_back(op); });
    if (asserts.empty())
      return;
    MLIRContext *ctx = &getContext();
    auto ptrType = LLVM::LLVMPointerType::get(ctx);
    OpBuilder b(ctx);
    b.setInsertionPointToStart(module.getBody());
    auto fail = module.lookupSymbol<LLVM::LLVMFuncOp>(kFailFunction);
    if (!fail)
      fail = LLVM::LLVMFuncOp::create(
          b, module.getLoc(), kFailFunction,
          LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx), {ptrType}));
    unsigned count = 0;
    for (cf::AssertOp op : asserts) {
      // Split before the check: the check's block branches to the rest or
      // to a block that reports the message.
      Block *before = op->getBlock();
      Block *after = before->splitBlock(op);
      Block *failed = new Block();
      after->getParent()->getBlocks().insertAfter(Region::iterator(after),
                                                  failed);
      b.setInsertionPointToStart(failed);
      // C string: the attribute's bytes and a terminating NUL.
      std::string text = op.getMsg().str();
      text.push_back('\0');
      Value message = LLVM::createGlobalString(
          op.getLoc(), b, ("onnxc_check_" + Twine(count++)).str(),
          text,
          LLVM::Linkage::Private);
      LLVM::CallOp::create(b, op.getLoc(), fail, ValueRange{message});
      LLVM::UnreachableOp::create(b, op.getLoc());
      b.setInsertionPointToEnd(before);
      cf::CondBranchOp::create(b, op.getLoc(), op.getArg(), after,
                               ValueRange{}, failed, ValueRange{});
      op.erase();
    }
  }
};

} // namespace
} // namespace onnxc
