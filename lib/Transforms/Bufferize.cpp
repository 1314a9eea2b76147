//===- Bufferize.cpp - --onnxc-bufferize ----------------------------------===//
//
// Tensors to buffers for a lowered graph: upstream one-shot bufferization
// configured for the compiled model's calling convention (dense inputs,
// caller-owned outputs, copies that need no runtime library).
//
//===----------------------------------------------------------------------===//

#include "onnxc/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Transforms/FuncBufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/Transforms/OneShotModuleBufferize.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Transforms/AllocationOpInterfaceImpl.h"
#include "mlir/Dialect/SCF/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Tensor/Transforms/BufferizableOpInterfaceImpl.h"

namespace onnxc {
#define GEN_PASS_DEF_BUFFERIZE
#include "onnxc/Transforms/Passes.h.inc"
} // namespace onnxc

using namespace mlir;

namespace onnxc {
namespace {

static LogicalResult createLinalgCopy(OpBuilder &builder, Location loc,
                                      Value from, Value to) {
  linalg::CopyOp::create(builder, loc, from, to);
  return success();
}

/// Turns the results of a bufferized public function into arguments, in
/// order, after its inputs (the compiled model's ABI):
///  - a static result becomes an out-param `{onnxc.output}` that the caller
///    owns; a buffer allocated in the function for it is replaced by the
///    out-param, so it is computed in place (else it is copied there);
///  - a result with a dynamic dim becomes a record `memref<(1+R)xi64>
///    {onnxc.output_record}`: the function stores the data pointer of a
///    buffer it allocated (marked `onnxc.output`, never freed here) and
///    the R dims, and the caller takes the buffer.
/// Upstream's promoteBufferResultsToOutParams has no form for results
/// whose size is known only after the run.
static LogicalResult convertResults(func::FuncOp func) {
  if (func.isExternal() || func.getNumResults() == 0)
    return success();
  if (!func.getBody().hasOneBlock())
    return func.emitOpError("needs a single block to return its results "
                            "through arguments");
  Block &body = func.getBody().front();
  auto ret = cast<func::ReturnOp>(body.getTerminator());
  OpBuilder b(ret);
  MLIRContext *ctx = func.getContext();
  llvm::DenseSet<Operation *> taken;
  SmallVector<Value> values(ret.getOperands());
  for (auto [i, value] : llvm::enumerate(values)) {
    auto type = dyn_cast<MemRefType>(value.getType());
    if (!type)
      return func.emitOpError("result ") << i << " is not a memref";
    Location loc = ret.getLoc();
    SmallVector<NamedAttribute> attrs(func.getResultAttrs(i));
    auto alloc = value.getDefiningOp<memref::AllocOp>();
    bool own = alloc && alloc->getBlock() == &body &&
               alloc.getType().getLayout().isIdentity() &&
               !taken.contains(alloc);
    auto identity = MemRefType::get(type.getShape(), type.getElementType(),
                                    AffineMap(), type.getMemorySpace());
    unsigned index = func.getNumArguments();
    if (type.hasStaticShape()) {
      attrs.push_back(b.getNamedAttr("onnxc.output", b.getUnitAttr()));
      if (failed(func.insertArgument(index, identity,
                                     b.getDictionaryAttr(attrs), loc)))
        return failure();
      Value out = func.getArgument(index);
      if (own) {
        alloc.replaceAllUsesWith(out);
        alloc.erase();
      } else {
        linalg::CopyOp::create(b, loc, value, out);
      }
      continue;
    }
    attrs.push_back(b.getNamedAttr("onnxc.output_record", b.getUnitAttr()));
    auto recordType =
        MemRefType::get({type.getRank() + 1}, IntegerType::get(ctx, 64));
    if (failed(func.insertArgument(index, recordType,
                                   b.getDictionaryAttr(attrs), loc)))
      return failure();
    Value record = func.getArgument(index);
    Value buffer = value;
    if (!own) {
      SmallVector<Value> sizes;
      for (int64_t d = 0; d < type.getRank(); ++d)
        if (type.isDynamicDim(d))
          sizes.push_back(memref::DimOp::create(b, loc, value, d));
      alloc = memref::AllocOp::create(b, loc, identity, sizes);
      linalg::CopyOp::create(b, loc, value, alloc.getResult());
      buffer = alloc;
    }
    taken.insert(alloc);
    alloc->setAttr("onnxc.output", b.getUnitAttr());
    auto store = [&](Value index, int64_t slot) {
      Value v = arith::IndexCastOp::create(b, loc, b.getI64Type(), index);
      memref::StoreOp::create(
          b, loc, v, record,
          ValueRange{arith::ConstantIndexOp::create(b, loc, slot)});
    };
    store(memref::ExtractAlignedPointerAsIndexOp::create(b, loc, buffer), 0);
    for (int64_t d = 0; d < type.getRank(); ++d)
      store(memref::DimOp::create(b, loc, buffer, d), d + 1);
  }
  ret.getOperandsMutable().clear();
  return func.eraseResults(llvm::BitVector(values.size(), true));
}

struct BufferizePass : impl::BufferizeBase<BufferizePass> {
  void getDependentDialects(DialectRegistry &registry) const override {
    Base::getDependentDialects(registry);
    arith::registerBufferizableOpInterfaceExternalModels(registry);
    bufferization::func_ext::registerBufferizableOpInterfaceExternalModels(
        registry);
    linalg::registerBufferizableOpInterfaceExternalModels(registry);
    // Lets results allocated in the graph become the out-params themselves.
    memref::registerAllocationOpInterfaceExternalModels(registry);
    scf::registerBufferizableOpInterfaceExternalModels(registry);
    tensor::registerBufferizableOpInterfaceExternalModels(registry);
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    bufferization::OneShotBufferizationOptions options;
    options.bufferizeFunctionBoundaries = true;
    options.setFunctionBoundaryTypeConversion(
        bufferization::LayoutMapOption::IdentityLayoutMap);
    options.memCpyFn = createLinalgCopy;
    // Loops (If/Loop/Scan) may yield a buffer they allocate to the next
    // iteration (a scan output that grows, a carried value whose shape
    // changes); --onnxc-plan-memory leaves those to the runtime's allocator.
    options.allowReturnAllocsFromLoops = true;
    bufferization::BufferizationState state;
    if (failed(bufferization::runOneShotModuleBufferize(module, options,
                                                        state)))
      return signalPassFailure();

    for (auto func : module.getOps<func::FuncOp>())
      if (failed(convertResults(func)))
        return signalPassFailure();
  }
};

} // namespace
} // namespace onnxc
