//===- DynamicArguments.cpp - --onnxc-dynamic-arguments -------------------===//
//
// Memref arguments with run-time dims as a data pointer plus the dims, so
// that every function keeps the bare-pointer calling convention.
//
//===----------------------------------------------------------------------===//

#include "onnxc/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/SymbolTable.h"

namespace onnxc {
#define GEN_PASS_DEF_DYNAMICARGUMENTS
#include "onnxc/Transforms/Passes.h.inc"
} // namespace onnxc

using namespace mlir;

namespace onnxc {
namespace {

/// An identity-layout memref type with a dynamic dim; null otherwise.
static MemRefType getDynamicMemRef(Type type) {
  auto memref = dyn_cast<MemRefType>(type);
  if (!memref || memref.hasStaticShape())
    return {};
  return memref;
}

/// The 0-d memref that carries the data pointer of `type`.
static MemRefType getPointerType(MemRefType type) {
  return MemRefType::get({}, type.getElementType(), AffineMap(),
                         type.getMemorySpace());
}

/// Rebuilds a memref of `type` over the data pointer `pointer` with the
/// dynamic sizes `dynamicSizes` (in dim order) and identity strides.
static Value rebuild(OpBuilder &b, Location loc, MemRefType type, Value pointer,
                     ArrayRef<Value> dynamicSizes) {
  SmallVector<OpFoldResult> sizes;
  unsigned next = 0;
  for (int64_t d = 0; d < type.getRank(); ++d)
    sizes.push_back(type.isDynamicDim(d)
                        ? OpFoldResult(dynamicSizes[next++])
                        : OpFoldResult(b.getIndexAttr(type.getDimSize(d))));
  SmallVector<OpFoldResult> strides(type.getRank());
  OpFoldResult stride = b.getIndexAttr(1);
  for (int64_t d = type.getRank() - 1; d >= 0; --d) {
    strides[d] = stride;
    if (d == 0)
      break;
    std::optional<int64_t> a = getConstantIntValue(stride);
    std::optional<int64_t> s = getConstantIntValue(sizes[d]);
    if (a && s)
      stride = b.getIndexAttr(*a * *s);
    else
      stride = arith::MulIOp::create(
                   b, loc, getValueOrCreateConstantIndexOp(b, loc, stride),
                   getValueOrCreateConstantIndexOp(b, loc, sizes[d]))
                   .getResult();
  }
  return memref::ReinterpretCastOp::create(b, loc, type, pointer,
                                           b.getIndexAttr(0), sizes, strides);
}

struct DynamicArgumentsPass
    : impl::DynamicArgumentsBase<DynamicArgumentsPass> {
  using Base::Base;

  /// The graph function: appends the inputs' shape arrays and rebuilds each
  /// dynamic input from its data pointer and shape array.
  LogicalResult convertGraph(func::FuncOp func) {
    unsigned numInputs = 0;
    while (numInputs < func.getNumArguments() &&
           !func.getArgAttr(numInputs, "onnxc.output") &&
           !func.getArgAttr(numInputs, "onnxc.output_record") &&
           !func.getArgAttr(numInputs, "onnxc.workspace"))
      ++numInputs;
    for (unsigned i = numInputs; i < func.getNumArguments(); ++i)
      if (getDynamicMemRef(func.getArgument(i).getType()))
        return func.emitOpError("argument ")
               << i << " is not a graph input but has dims known only at "
               << "run time: " << func.getArgument(i).getType();
    OpBuilder b(func.getContext());
    SmallVector<Value> shapes;
    for (unsigned i = 0; i < numInputs; ++i) {
      auto type = dyn_cast<MemRefType>(func.getArgument(i).getType());
      if (!type)
        return func.emitOpError("graph input ") << i << " is not a memref";
      auto shapeType = MemRefType::get({type.getRank()}, b.getI64Type());
      unsigned index = func.getNumArguments();
      if (failed(func.insertArgument(
              index, shapeType,
              b.getDictionaryAttr(b.getNamedAttr("onnxc.input_shape",
                                                 b.getI64IntegerAttr(i))),
              func.getLoc())))
        return failure();
      shapes.push_back(func.getArgument(index));
    }
    Block &entry = func.getBody().front();
    b.setInsertionPointToStart(&entry);
    for (unsigned i = 0; i < numInputs; ++i) {
      BlockArgument arg = entry.getArgument(i);
      MemRefType type = getDynamicMemRef(arg.getType());
      if (!type)
        continue;
      if (!type.getLayout().isIdentity())
        return func.emitOpError("graph input ")
               << i << " has a non-identity layout: " << type;
      Location loc = arg.getLoc();
      SmallVector<Value> sizes;
      for (int64_t d = 0; d < type.getRank(); ++d) {
        if (!type.isDynamicDim(d))
          continue;
        Value c = arith::ConstantIndexOp::create(b, loc, d);
        Value dim = memref::LoadOp::create(b, loc, shapes[i], c);
        sizes.push_back(
            arith::IndexCastOp::create(b, loc, b.getIndexType(), dim));
      }
      arg.setType(getPointerType(type));
      Value rebuilt = rebuild(b, loc, type, arg, sizes);
      arg.replaceAllUsesExcept(rebuilt, rebuilt.getDefiningOp());
    }
    func.setFunctionType(FunctionType::get(
        func.getContext(), entry.getArgumentTypes(), func.getResultTypes()));
    return success();
  }

  /// Any other function: each dynamic memref argument becomes its data
  /// pointer followed by one index argument per dynamic dim, at the callers
  /// too (a range function's trailing begin and end stay last, where the
  /// target's dispatch expects them).
  LogicalResult convertCallee(func::FuncOp func, ModuleOp module) {
    FunctionType type = func.getFunctionType();
    SmallVector<unsigned> changed;
    for (auto [i, input] : llvm::enumerate(type.getInputs()))
      if (MemRefType memref = getDynamicMemRef(input)) {
        if (!memref.getLayout().isIdentity())
          return func.emitOpError("argument ")
                 << i << " has dims known only at run time and a "
                 << "non-identity layout (" << memref
                 << "); it cannot be passed as a bare pointer";
        changed.push_back(i);
      }
    if (changed.empty())
      return success();
    if (func.isExternal())
      return func.emitOpError("is a declaration with memref arguments "
                              "sized at run time; nothing can rebuild them");
    if (std::optional<SymbolTable::UseRange> uses =
            SymbolTable::getSymbolUses(func, module)) {
      for (SymbolTable::SymbolUse use : *uses) {
        auto call = dyn_cast<func::CallOp>(use.getUser());
        if (!call)
          return func.emitOpError("has a use other than a call; cannot "
                                  "change its dynamic memref arguments");
        OpBuilder b(call);
        SmallVector<Value> operands;
        for (auto [i, operand] : llvm::enumerate(call.getOperands())) {
          if (!llvm::is_contained(changed, i)) {
            operands.push_back(operand);
            continue;
          }
          auto memref = cast<MemRefType>(operand.getType());
          operands.push_back(memref::ReinterpretCastOp::create(
              b, call.getLoc(), getPointerType(memref), operand,
              b.getIndexAttr(0), ArrayRef<OpFoldResult>{},
              ArrayRef<OpFoldResult>{}));
          for (int64_t d = 0; d < memref.getRank(); ++d)
            if (memref.isDynamicDim(d))
              operands.push_back(
                  memref::DimOp::create(b, call.getLoc(), operand, d));
        }
        call->setOperands(operands);
      }
    }
    // Last argument first, so that earlier indices stay valid while the
    // dims are inserted after their pointers.
    Block &entry = func.getBody().front();
    OpBuilder b = OpBuilder::atBlockBegin(&entry);
    for (unsigned i : llvm::reverse(changed)) {
      BlockArgument arg = entry.getArgument(i);
      auto memref = cast<MemRefType>(arg.getType());
      SmallVector<Value> dims;
      unsigned at = i + 1;
      for (int64_t d = 0; d < memref.getRank(); ++d) {
        if (!memref.isDynamicDim(d))
          continue;
        if (failed(func.insertArgument(at, b.getIndexType(), DictionaryAttr(),
                                       func.getLoc())))
          return failure();
        dims.push_back(entry.getArgument(at++));
      }
      arg = entry.getArgument(i);
      arg.setType(getPointerType(memref));
      Value rebuilt = rebuild(b, func.getLoc(), memref, arg, dims);
      arg.replaceAllUsesExcept(rebuilt, rebuilt.getDefiningOp());
    }
    func.setFunctionType(FunctionType::get(
        func.getContext(), entry.getArgumentTypes(), type.getResults()));
    return success();
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    for (auto func : llvm::make_early_inc_range(module.getOps<func::FuncOp>())) {
      // The graph and its shape functions (the workspace size query) take
      // the inputs' shape arrays, as the ABI passes them.
      LogicalResult result = func.getSymName() == graphFunction ||
                                     func->hasAttr("onnxc.shape_function")
                                 ? convertGraph(func)
                                 : convertCallee(func, module);
      if (failed(result))
        return signalPassFailure();
    }
  }
};

} // namespace
} // namespace onnxc
