//===- ModelABI.cpp - LLVM IR of the compiled model's C ABI ---------------===//
//
// Adds what runtime/include/onnxc/runtime.h expects of a compiled model to
// the translated kernel: an onnxc_model_desc with its tensor descriptors, the
// packed entry point, the typed NAME_run, NAME_model and, in a shared
// library, onnxc_get_model.
//
//===----------------------------------------------------------------------===//

#include "onnxc/Target/CPU/CPUTarget.h"
#include "onnxc/Transforms/ExternalWeights.h"
#include "onnxc/runtime.h"

#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/GPU/GPUToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;

namespace onnxc {

/// The descriptor layout this file emits (runtime/include/onnxc/runtime.h).
static constexpr uint32_t kABIVersion = ONNXC_ABI_VERSION;
/// The graph function's name after import.
static constexpr llvm::StringLiteral kGraphFunction = "main_graph";

namespace {
class ABIBuilder {
public:
  ABIBuilder(llvm::Module &module, const ModelSignature &signature)
      : module(module), context(module.getContext()), signature(signature),
        ptrType(llvm::PointerType::getUnqual(context)),
        i32Type(llvm::Type::getInt32Ty(context)),
        i64Type(llvm::Type::getInt64Ty(context)) {
    tensorDescType = llvm::StructType::create(
        context, {ptrType, i32Type, i32Type, ptrType, ptrType},
        "onnxc_tensor_desc");
    modelDescType = llvm::StructType::create(
        context,
        {i32Type, ptrType, i32Type, i32Type, ptrType, ptrType, i64Type,
         ptrType, ptrType, i32Type, ptrType, i32Type, ptrType, i64Type,
         ptrType},
        "onnxc_model_desc");
    weightsDescType = llvm::StructType::create(
        context, {ptrType, i64Type, i64Type, ptrType}, "onnxc_weights_desc");
  }

  void build(llvm::Function *kernel, bool sharedLibrary) {
    kernel->setLinkage(llvm::GlobalValue::InternalLinkage);
    dispatchParallelKernels();
    registerCubins();
    llvm::Function *entry = buildEntry(kernel);
    llvm::GlobalVariable *desc = buildModelDesc(entry);
    if (signature.isDynamic())
      buildTypedRunWithDims(desc);
    else
      buildTypedRun(desc);
    buildGetter(signature.name + "_model", desc);
    if (sharedLibrary)
      buildGetter("onnxc_get_model", desc);
  }

private:
  /// A kernel that calls a range function over [0, total) (see
  /// --onnxc-parallelize-kernels; the whole kernel, or a parallel loop
  /// inside its serial loop) calls onnxc_parallel_for instead, with a
  /// trampoline that unpacks the kernel's pointers for each chunk.
  void dispatchParallelKernels() {
    llvm::FunctionCallee parallelFor = module.getOrInsertFunction(
        "onnxc_parallel_for",
        llvm::FunctionType::get(llvm::Type::getVoidTy(context),
                                {ptrType, ptrType, i64Type, i64Type}, false));
    std::vector<llvm::CallInst *> calls;
    for (llvm::Function &function : module)
      for (llvm::Instruction &inst : llvm::instructions(function))
        if (auto *call = llvm::dyn_cast<llvm::CallInst>(&inst))
          if (llvm::Function *callee = call->getCalledFunction())
            if (callee->getName().starts_with(
                    (function.getName() + "_range").str()) &&
                callee->hasFnAttribute("onnxc-grain"))
              calls.push_back(call);
    for (llvm::CallInst *call : calls) {
      llvm::Function *range = call->getCalledFunction();
      unsigned numArgs = call->arg_size() - 2;
      auto *begin = llvm::dyn_cast<llvm::ConstantInt>(call->getArgOperand(numArgs));
      // The total may be known only at run time (a dynamic dim).
      llvm::Value *total = call->getArgOperand(numArgs + 1);
      if (!begin || !begin->isZero())
        continue;

      auto *trampolineType = llvm::FunctionType::get(
          llvm::Type::getVoidTy(context), {ptrType, i64Type, i64Type}, false);
      auto *trampoline = llvm::Function::Create(
          trampolineType, llvm::GlobalValue::InternalLinkage,
          range->getName() + ".chunk", module);
      llvm::IRBuilder<> builder(llvm::BasicBlock::Create(context, "", trampoline));
      std::vector<llvm::Value *> args;
      // Pointers and, for dims known at run time, i64 sizes: 8 bytes each.
      for (unsigned i = 0; i < numArgs; ++i)
        args.push_back(builder.CreateLoad(
            range->getArg(i)->getType(),
            builder.CreateConstGEP1_64(ptrType, trampoline->getArg(0), i)));
      args.push_back(trampoline->getArg(1));
      args.push_back(trampoline->getArg(2));
      builder.CreateCall(range, args);
      builder.CreateRetVoid();

      builder.SetInsertPoint(call);
      auto *arrayType = llvm::ArrayType::get(ptrType, std::max(numArgs, 1u));
      llvm::Value *array = builder.CreateAlloca(arrayType);
      for (unsigned i = 0; i < numArgs; ++i)
        builder.CreateStore(call->getArgOperand(i),
                            builder.CreateConstGEP2_64(arrayType, array, 0, i));
      // The grain --onnxc-parallelize-kernels estimated (1 if none).
      int64_t grain = 1;
      if (range->hasFnAttribute("onnxc-grain"))
        (void)llvm::to_integer(
            range->getFnAttribute("onnxc-grain").getValueAsString(), grain);
      builder.CreateCall(parallelFor,
                         {trampoline, array, total,
                          llvm::ConstantInt::get(i64Type, grain)});
      call->eraseFromParent();
    }
  }

  /// --target=cuda with cubins: the constructor that registers the PTX
  /// (onnxc_cuda_ModuleLoadJIT(ptx, optLevel), from MLIR's gpu.binary
  /// translation) registers the cubins with it:
  /// onnxc_cuda_ModuleLoadImages(ptx, cubins, count), cubins an array of
  /// {int32 sm, uint64 bytes, const void *data} (runtime/src/cuda.c).
  void registerCubins() {
    llvm::Function *loadJIT = module.getFunction("onnxc_cuda_ModuleLoadJIT");
    if (signature.cubins.empty() || !loadJIT)
      return;
    auto *entryType = llvm::StructType::get(context, {i32Type, i64Type, ptrType});
    std::vector<llvm::Constant *> entries;
    for (auto [sm, bytes] : signature.cubins) {
      auto *data = llvm::ConstantDataArray::getRaw(
          bytes, bytes.size(), llvm::Type::getInt8Ty(context));
      auto *global = new llvm::GlobalVariable(
          module, data->getType(), true, llvm::GlobalValue::PrivateLinkage,
          data, signature.name + ".cubin_sm" + std::to_string(sm));
      global->setAlignment(llvm::Align(8));
      entries.push_back(llvm::ConstantStruct::get(
          entryType, {llvm::ConstantInt::get(i32Type, sm),
                      llvm::ConstantInt::get(i64Type, bytes.size()), global}));
    }
    auto *tableType = llvm::ArrayType::get(entryType, entries.size());
    auto *table = new llvm::GlobalVariable(
        module, tableType, true, llvm::GlobalValue::PrivateLinkage,
        llvm::ConstantArray::get(tableType, entries), signature.name + ".cubins");
    llvm::FunctionCallee loadImages = module.getOrInsertFunction(
        "onnxc_cuda_ModuleLoadImages",
        llvm::FunctionType::get(ptrType, {ptrType, ptrType, i32Type}, false));
    std::vector<llvm::CallInst *> calls;
    for (llvm::User *user : loadJIT->users())
      if (auto *call = llvm::dyn_cast<llvm::CallInst>(user))
        calls.push_back(call);
    for (llvm::CallInst *call : calls) {
      llvm::IRBuilder<> builder(call);
      llvm::Value *images = builder.CreateCall(
          loadImages, {call->getArgOperand(0), table,
                       llvm::ConstantInt::get(i32Type, entries.size())});
      call->replaceAllUsesWith(images);
      call->eraseFromParent();
    }
  }

  llvm::Constant *string(const std::string &value, const llvm::Twine &name) {
    auto *init = llvm::ConstantDataArray::getString(context, value);
    return new llvm::GlobalVariable(module, init->getType(), /*isConstant=*/true,
                                    llvm::GlobalValue::PrivateLinkage, init,
                                    name);
  }

  llvm::Constant *tensorDescs(const std::vector<TensorSignature> &tensors,
                              const std::string &kind) {
    std::vector<llvm::Constant *> descs;
    for (auto [i, tensor] : llvm::enumerate(tensors)) {
      std::string prefix = signature.name + "." + kind + std::to_string(i);
      auto *shapeInit = llvm::ConstantDataArray::get(
          context, llvm::ArrayRef<uint64_t>(
                       reinterpret_cast<const uint64_t *>(tensor.shape.data()),
                       tensor.shape.size()));
      auto *shape = new llvm::GlobalVariable(
          module, shapeInit->getType(), true, llvm::GlobalValue::PrivateLinkage,
          shapeInit, prefix + ".shape");
      descs.push_back(llvm::ConstantStruct::get(
          tensorDescType,
          {string(tensor.name, prefix + ".name"),
           llvm::ConstantInt::get(i32Type, tensor.dtype),
           llvm::ConstantInt::get(i32Type, tensor.shape.size()), shape,
           dimParams(tensor, prefix)}));
    }
    auto *arrayType = llvm::ArrayType::get(tensorDescType, descs.size());
    return new llvm::GlobalVariable(
        module, arrayType, true, llvm::GlobalValue::PrivateLinkage,
        llvm::ConstantArray::get(arrayType, descs),
        signature.name + "." + kind + "s");
  }

  /// The dim_params array of a tensor with a run-time dim (its names, ""
  /// where unnamed); null for a static tensor.
  llvm::Constant *dimParams(const TensorSignature &tensor,
                            const std::string &prefix) {
    if (!tensor.isDynamic())
      return llvm::ConstantPointerNull::get(ptrType);
    std::vector<llvm::Constant *> names;
    for (auto [d, name] : llvm::enumerate(tensor.dimParams))
      names.push_back(string(name, prefix + ".dim" + std::to_string(d)));
    auto *arrayType = llvm::ArrayType::get(ptrType, names.size());
    return new llvm::GlobalVariable(
        module, arrayType, true, llvm::GlobalValue::PrivateLinkage,
        llvm::ConstantArray::get(arrayType, names), prefix + ".dim_params");
  }

  /// void NAME_entry(void **args): unpacks the pointers (inputs, outputs or
  /// output records, workspace, input shapes) and calls the kernel.
  llvm::Function *buildEntry(llvm::Function *kernel) {
    auto *type = llvm::FunctionType::get(llvm::Type::getVoidTy(context),
                                         {ptrType}, false);
    auto *entry = llvm::Function::Create(type, llvm::GlobalValue::InternalLinkage,
                                         signature.name + "_entry", module);
    llvm::IRBuilder<> builder(llvm::BasicBlock::Create(context, "", entry));
    std::vector<llvm::Value *> args;
    for (unsigned i = 0; i < kernel->arg_size(); ++i) {
      llvm::Value *slot = builder.CreateConstGEP1_64(ptrType, entry->getArg(0), i);
      args.push_back(builder.CreateLoad(ptrType, slot));
    }
    builder.CreateCall(kernel, args);
    builder.CreateRetVoid();
    return entry;
  }

  /// uint64_t NAME_dynamic_workspace_bytes(const int64_t *const *shapes):
  /// calls the graph's workspace query (--onnxc-plan-memory's
  /// `<graph>_workspace`, which takes the inputs' data pointers, unread,
  /// and their shape arrays); null when the model plans nothing at run
  /// time.
  llvm::Constant *buildWorkspaceQuery() {
    llvm::Function *query =
        module.getFunction((kGraphFunction + "_workspace").str());
    size_t numInputs = signature.inputs.size();
    if (!query || query->arg_size() != 2 * numInputs)
      return llvm::ConstantPointerNull::get(ptrType);
    auto *type = llvm::FunctionType::get(i64Type, {ptrType}, false);
    auto *wrapper = llvm::Function::Create(
        type, llvm::GlobalValue::InternalLinkage,
        signature.name + "_dynamic_workspace_bytes", module);
    llvm::IRBuilder<> builder(llvm::BasicBlock::Create(context, "", wrapper));
    std::vector<llvm::Value *> args(numInputs,
                                    llvm::ConstantPointerNull::get(ptrType));
    for (size_t i = 0; i < numInputs; ++i)
      args.push_back(builder.CreateLoad(
          ptrType, builder.CreateConstGEP1_64(ptrType, wrapper->getArg(0), i)));
    builder.CreateRet(builder.CreateCall(query, args));
    return wrapper;
  }

  /// The onnxc_weights_desc of --weights=external (null when embedded):
  /// the file's name, size and checksum, and the base pointer that the
  /// code reads the constants through.
  llvm::Constant *weightsDesc() {
    llvm::GlobalVariable *base = module.getGlobalVariable(kWeightsBaseSymbol, true);
    if (signature.weightsFile.empty() || !base)
      return llvm::ConstantPointerNull::get(ptrType);
    base->setName(signature.name + "_weights_base");
    llvm::Constant *init = llvm::ConstantStruct::get(
        weightsDescType,
        {string(signature.weightsFile, signature.name + ".weights_file"),
         llvm::ConstantInt::get(i64Type, signature.weightsBytes),
         llvm::ConstantInt::get(i64Type, signature.weightsChecksum), base});
    return new llvm::GlobalVariable(module, weightsDescType, true,
                                    llvm::GlobalValue::PrivateLinkage, init,
                                    signature.name + "_weights");
  }

  /// --target=cuda: the constants the runtime copies to the device (null
  /// when the kernels read none).
  llvm::Constant *deviceWeights() {
    if (signature.deviceWeights.empty())
      return llvm::ConstantPointerNull::get(ptrType);
    auto *init = llvm::ConstantDataArray::getRaw(
        llvm::StringRef(signature.deviceWeights.data(),
                        signature.deviceWeights.size()),
        signature.deviceWeights.size(), llvm::Type::getInt8Ty(context));
    auto *global = new llvm::GlobalVariable(
        module, init->getType(), true, llvm::GlobalValue::PrivateLinkage,
        init, signature.name + "_device_weights");
    global->setAlignment(llvm::Align(64));
    return global;
  }

  /// --target=cuda: the global where the constructor stores the handle
  /// that registering the kernels returned (the store of the result of
  /// onnxc_cuda_ModuleLoadJIT/ModuleLoadImages); null without kernels.
  llvm::Constant *deviceKernels() {
    for (llvm::StringRef name :
         {"onnxc_cuda_ModuleLoadImages", "onnxc_cuda_ModuleLoadJIT"}) {
      llvm::Function *load = module.getFunction(name);
      if (!load)
        continue;
      for (llvm::User *user : load->users())
        if (auto *call = llvm::dyn_cast<llvm::CallInst>(user))
          for (llvm::User *callUser : call->users())
            if (auto *store = llvm::dyn_cast<llvm::StoreInst>(callUser))
              if (auto *global = llvm::dyn_cast<llvm::GlobalVariable>(
                      store->getPointerOperand()))
                return global;
    }
    return llvm::ConstantPointerNull::get(ptrType);
  }

  llvm::GlobalVariable *buildModelDesc(llvm::Function *entry) {
    llvm::Constant *init = llvm::ConstantStruct::get(
        modelDescType,
        {llvm::ConstantInt::get(i32Type, kABIVersion),
         string(signature.name, signature.name + ".name"),
         llvm::ConstantInt::get(i32Type, signature.inputs.size()),
         llvm::ConstantInt::get(i32Type, signature.outputs.size()),
         tensorDescs(signature.inputs, "input"),
         tensorDescs(signature.outputs, "output"),
         llvm::ConstantInt::get(i64Type, signature.workspaceBytes), entry,
         weightsDesc(),
         llvm::ConstantInt::get(i32Type, signature.isDynamic()
                                             ? ONNXC_MODEL_DYNAMIC
                                             : 0),
         buildWorkspaceQuery(),
         llvm::ConstantInt::get(i32Type, signature.device),
         deviceWeights(),
         llvm::ConstantInt::get(i64Type, signature.deviceWeights.size()),
         deviceKernels()});
    return new llvm::GlobalVariable(module, modelDescType, true,
                                    llvm::GlobalValue::InternalLinkage, init,
                                    signature.name + "_descriptor");
  }

  /// int NAME_run(inputs..., outputs..., void *workspace): the typed API,
  /// through onnxc_run_pointers for its null checks and workspace.
  void buildTypedRun(llvm::GlobalVariable *desc) {
    size_t numInputs = signature.inputs.size();
    size_t numOutputs = signature.outputs.size();
    std::vector<llvm::Type *> params(numInputs + numOutputs + 1, ptrType);
    auto *type = llvm::FunctionType::get(i32Type, params, false);
    auto *run = llvm::Function::Create(type, llvm::GlobalValue::ExternalLinkage,
                                       signature.name + "_run", module);
    llvm::FunctionCallee runPointers = module.getOrInsertFunction(
        "onnxc_run_pointers",
        llvm::FunctionType::get(i32Type, {ptrType, ptrType, ptrType, ptrType},
                                false));
    llvm::IRBuilder<> builder(llvm::BasicBlock::Create(context, "", run));
    auto packed = [&](size_t first, size_t count) {
      auto *arrayType = llvm::ArrayType::get(ptrType, std::max<size_t>(count, 1));
      llvm::Value *array = builder.CreateAlloca(arrayType);
      for (size_t i = 0; i < count; ++i)
        builder.CreateStore(run->getArg(first + i),
                            builder.CreateConstGEP2_64(arrayType, array, 0, i));
      return array;
    };
    llvm::Value *inputs = packed(0, numInputs);
    llvm::Value *outputs = packed(numInputs, numOutputs);
    builder.CreateRet(builder.CreateCall(
        runPointers,
        {desc, inputs, outputs, run->getArg(numInputs + numOutputs)}));
  }

  /// int NAME_run(dims..., inputs..., outputs..., void *workspace) of a
  /// model with dims known only at run time (Header.cpp declares it): the
  /// run-time dims as int64 parameters (ModelSignature::getRunTimeDims),
  /// then the inputs' data; a static output is the caller's buffer, a
  /// dynamic one a `T **` and an `int64_t *` for its dims. Builds each
  /// input's shape and calls onnxc_run_shapes.
  void buildTypedRunWithDims(llvm::GlobalVariable *desc) {
    ModelSignature::RunTimeDims dims = signature.getRunTimeDims();
    size_t numInputs = signature.inputs.size();
    size_t numOutputs = signature.outputs.size();
    std::vector<llvm::Type *> params(dims.names.size(), i64Type);
    params.insert(params.end(), numInputs, ptrType);
    for (const TensorSignature &output : signature.outputs) {
      params.push_back(ptrType);
      if (output.isDynamic())
        params.push_back(ptrType);
    }
    params.push_back(ptrType);
    auto *type = llvm::FunctionType::get(i32Type, params, false);
    auto *run = llvm::Function::Create(type, llvm::GlobalValue::ExternalLinkage,
                                       signature.name + "_run", module);
    llvm::FunctionCallee runShapes = module.getOrInsertFunction(
        "onnxc_run_shapes",
        llvm::FunctionType::get(
            i32Type, {ptrType, ptrType, ptrType, ptrType, ptrType, ptrType},
            false));
    llvm::IRBuilder<> builder(llvm::BasicBlock::Create(context, "", run));
    auto array = [&](llvm::Type *element, size_t count) {
      auto *arrayType = llvm::ArrayType::get(element, std::max<size_t>(count, 1));
      return std::make_pair(arrayType, builder.CreateAlloca(arrayType));
    };
    unsigned arg = dims.names.size();
    auto [inputsType, inputs] = array(ptrType, numInputs);
    auto [shapesType, shapes] = array(ptrType, numInputs);
    for (size_t i = 0; i < numInputs; ++i) {
      const TensorSignature &input = signature.inputs[i];
      builder.CreateStore(run->getArg(arg++),
                          builder.CreateConstGEP2_64(inputsType, inputs, 0, i));
      auto [shapeType, shape] = array(i64Type, input.shape.size());
      for (auto [d, size] : llvm::enumerate(input.shape)) {
        int index = dims.inputDims[i][d];
        llvm::Value *value = index < 0
                                 ? llvm::ConstantInt::get(i64Type, size)
                                 : static_cast<llvm::Value *>(run->getArg(index));
        builder.CreateStore(value,
                            builder.CreateConstGEP2_64(shapeType, shape, 0, d));
      }
      builder.CreateStore(shape,
                          builder.CreateConstGEP2_64(shapesType, shapes, 0, i));
    }
    auto [outputsType, outputs] = array(ptrType, numOutputs);
    auto [outShapesType, outShapes] = array(ptrType, numOutputs);
    for (size_t i = 0; i < numOutputs; ++i) {
      builder.CreateStore(run->getArg(arg++),
                          builder.CreateConstGEP2_64(outputsType, outputs, 0, i));
      llvm::Value *shape = llvm::ConstantPointerNull::get(ptrType);
      if (signature.outputs[i].isDynamic())
        shape = run->getArg(arg++);
      builder.CreateStore(shape, builder.CreateConstGEP2_64(outShapesType,
                                                            outShapes, 0, i));
    }
    builder.CreateRet(builder.CreateCall(
        runShapes, {desc, inputs, shapes, outputs, outShapes, run->getArg(arg)}));
  }

  void buildGetter(const std::string &name, llvm::GlobalVariable *desc) {
    auto *type = llvm::FunctionType::get(ptrType, {}, false);
    auto *getter = llvm::Function::Create(
        type, llvm::GlobalValue::ExternalLinkage, name, module);
    llvm::IRBuilder<> builder(llvm::BasicBlock::Create(context, "", getter));
    builder.CreateRet(desc);
  }

  llvm::Module &module;
  llvm::LLVMContext &context;
  const ModelSignature &signature;
  llvm::PointerType *ptrType;
  llvm::IntegerType *i32Type, *i64Type;
  llvm::StructType *tensorDescType, *modelDescType, *weightsDescType;
};
} // namespace

std::unique_ptr<llvm::Module>
translateToLLVMIR(ModuleOp module, llvm::LLVMContext &llvmContext,
                  const ModelSignature &signature, bool sharedLibrary) {
  DialectRegistry registry;
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  registerGPUDialectTranslation(registry);
  gpu::registerOffloadingLLVMTranslationInterfaceExternalModels(registry);
  module->getContext()->appendDialectRegistry(registry);
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, llvmContext, signature.name);
  if (!llvmModule)
    return nullptr;
  llvm::Function *kernel = llvmModule->getFunction(kGraphFunction);
  size_t expectedArgs = 2 * signature.inputs.size() +
                        signature.outputs.size() + 1 +
                        !signature.deviceWeights.empty();
  if (!kernel || kernel->arg_size() != expectedArgs) {
    emitError(module.getLoc())
        << "internal error: the lowered graph function '" << kGraphFunction
        << "' should take " << expectedArgs
        << " pointers (inputs, outputs, workspace, input shapes, device "
           "weights)";
    return nullptr;
  }
  kernel->setName(signature.name + "_graph");
  // MLIR's memref lowering calls _mlir_memref_to_llvm_alloc/free (its
  // "generic functions"); the runtime serves them as onnxc_memref_alloc/free
  // so that other MLIR-generated code in a program cannot replace ours.
  // A --target=cuda model's buffers sized at run time are device memory:
  // onnxc_cuda_memref_alloc/free.
  bool cuda = signature.device == ONNXC_DEVICE_CUDA;
  for (auto [from, to] :
       {std::pair<llvm::StringRef, llvm::StringRef>{
            "_mlir_memref_to_llvm_alloc",
            cuda ? "onnxc_cuda_memref_alloc" : "onnxc_memref_alloc"},
        {"_mlir_memref_to_llvm_free",
         cuda ? "onnxc_cuda_memref_free" : "onnxc_memref_free"}})
    if (llvm::Function *function = llvmModule->getFunction(from))
      function->setName(to);
  // The GPU dialect's launches call MLIR's CUDA wrappers (mgpu*); the
  // runtime serves them as onnxc_cuda_* (runtime/src/cuda.c) on the
  // session's context and stream.
  for (llvm::Function &function : *llvmModule)
    if (function.isDeclaration() && function.getName().starts_with("mgpu"))
      function.setName("onnxc_cuda_" +
                       function.getName().drop_front(4).str());
  for (llvm::Function &function : *llvmModule) {
    if (function.isDeclaration())
      continue;
    // Every model has kernels of the same names: keep them out of the
    // symbol table, or two models would clash in one program.
    function.setLinkage(llvm::GlobalValue::InternalLinkage);
    // The graph's computations stay separate functions: inlining them back
    // would make one function as large as the model.
    if (function.getName().starts_with(kGraphFunction))
      function.addFnAttr(llvm::Attribute::NoInline);
  }
  ABIBuilder(*llvmModule, signature).build(kernel, sharedLibrary);
  return llvmModule;
}

} // namespace onnxc
