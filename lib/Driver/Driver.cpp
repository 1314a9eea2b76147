//===- Driver.cpp - From an ONNX file to compiler artifacts ---------------===//

#include "onnxc/Driver/Driver.h"

#include "onnxc/Conversion/Passes.h"
#include "onnxc/Dialect/ONNX/Locations.h"
#include "onnxc/Dialect/ONNX/ONNXOps.h"
#include "onnxc/Frontend/ONNXImporter.h"
#include "onnxc/Target/CPU/CPUTarget.h"
#include "onnxc/Target/CUDA/CUDATarget.h"
#include "onnxc/Transforms/Passes.h"
#include "onnxc/runtime.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/AsmState.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Target/LLVM/NVVM/Target.h"
#include "mlir/Target/LLVMIR/Dialect/GPU/GPUToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/NVVM/NVVMToLLVMIRTranslation.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;

namespace onnxc {

ArrayRef<llvm::StringLiteral> getOptimizationPassNames() {
  static constexpr llvm::StringLiteral names[] = {
      "onnxc-fold-constant-layout",  "onnxc-fold-batchnorm",
      "onnxc-conv-to-im2col",        "onnxc-fuse-elementwise",
      "onnxc-collapse-dims",         "onnxc-vectorize-contractions",
      "onnxc-vectorize-depthwise",   "onnxc-approximate-math",
      "onnxc-contiguous-inner-loop", "onnxc-reassociate-reductions",
      "onnxc-parallelize-kernels"};
  return names;
}

void buildGraphPassPipeline(OpPassManager &pm,
                            const llvm::StringSet<> &disabled) {
  OpPassManager &funcPm = pm.nest<func::FuncOp>();
  funcPm.addPass(createONNXShapeInference());
  funcPm.addPass(createCanonicalizerPass());
  if (!disabled.contains("onnxc-fold-constant-layout"))
    funcPm.addPass(createFoldConstantLayout());
  if (!disabled.contains("onnxc-fold-batchnorm"))
    funcPm.addPass(createFoldBatchNorm());
}

void buildConversionPipeline(OpPassManager &pm) {
  pm.nest<func::FuncOp>().addPass(createConvertONNXToLinalg());
}

void buildPassPipeline(OpPassManager &pm, EmitKind emit,
                       const llvm::StringSet<> &disabled) {
  buildGraphPassPipeline(pm, disabled);
  if (emit != EmitKind::ONNX)
    buildConversionPipeline(pm);
}

static void printType(Type type, llvm::raw_ostream &os) {
  auto tensor = dyn_cast<TensorType>(type);
  if (!tensor) {
    os << type;
    return;
  }
  if (tensor.hasRank()) {
    for (auto [i, d] : llvm::enumerate(tensor.getShape()))
      os << (i ? "x" : "") << (ShapedType::isDynamic(d) ? "?" : std::to_string(d));
    os << (tensor.getRank() ? " " : "scalar ");
  } else {
    os << "unranked ";
  }
  os << tensor.getElementType();
}

void printModelStats(ModuleOp module, llvm::raw_ostream &os) {
  for (auto func : module.getOps<func::FuncOp>()) {
    os << "graph @" << func.getName() << "\n";
    os << "inputs:\n";
    for (unsigned i = 0; i < func.getNumArguments(); ++i) {
      auto name = func.getArgAttrOfType<StringAttr>(i, "onnx.name");
      os << "  " << (name ? name.getValue() : "?") << ": ";
      printType(func.getArgument(i).getType(), os);
      os << "\n";
    }
    os << "outputs:\n";
    for (unsigned i = 0; i < func.getNumResults(); ++i) {
      auto name = func.getResultAttrOfType<StringAttr>(i, "onnx.name");
      os << "  " << (name ? name.getValue() : "?") << ": ";
      printType(func.getResultTypes()[i], os);
      os << "\n";
    }
    llvm::MapVector<StringRef, int> histogram;
    int total = 0;
    func.walk([&](Operation *op) {
      if (!isa<onnx_ir::ONNXDialect>(op->getDialect()) ||
          isa<onnx_ir::NoValueOp>(op))
        return;
      ++histogram[op->getName().getStringRef()];
      ++total;
    });
    SmallVector<std::pair<StringRef, int>> sorted(histogram.begin(),
                                                  histogram.end());
    llvm::sort(sorted, [](auto &a, auto &b) {
      return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    os << "ops: " << total << "\n";
    for (auto &[name, count] : sorted)
      os << "  " << llvm::format("%-28s", name.str().c_str()) << count << "\n";
  }
}

std::optional<EmitKind> getEmitKindForPath(StringRef path) {
  if (path == "-")
    return EmitKind::ONNX;
  return llvm::StringSwitch<std::optional<EmitKind>>(
             llvm::sys::path::extension(path))
      .Case(".so", EmitKind::SharedLibrary)
      .Case(".a", EmitKind::StaticLibrary)
      .Case(".o", EmitKind::Object)
      .Case(".h", EmitKind::Header)
      .Case(".ll", EmitKind::LLVMIR)
      .Case(".ptx", EmitKind::PTX)
      .Case(".mlir", EmitKind::ONNX)
      .Default(std::nullopt);
}

/// Fails, saying why, when `path` cannot be written: a directory, or in a
/// folder that does not exist. Checked before compiling, so that a long
/// compile does not end in the linker's "cannot open output file".
static LogicalResult checkOutputPath(MLIRContext &context, StringRef path,
                                     StringRef what) {
  if (path == "-")
    return success();
  if (llvm::sys::fs::is_directory(path))
    return emitError(UnknownLoc::get(&context))
           << "cannot write " << what << " '" << path
           << "': it is a directory";
  StringRef parent = llvm::sys::path::parent_path(path);
  if (!parent.empty() && !llvm::sys::fs::is_directory(parent))
    return emitError(UnknownLoc::get(&context))
           << "cannot write " << what << " '" << path << "': folder '"
           << parent << "' does not exist";
  return success();
}

/// The symbol prefix: --name, else the output file's stem, as a C
/// identifier.
static FailureOr<std::string> getModelName(MLIRContext &context,
                                           const CompileOptions &options) {
  std::string name = options.name;
  if (name.empty()) {
    StringRef stem = options.outputPath == "-"
                         ? StringRef("model")
                         : llvm::sys::path::stem(options.outputPath);
    for (char c : stem)
      name += llvm::isAlnum(c) ? c : '_';
    if (name.empty() || llvm::isDigit(name[0]))
      name = "model_" + name;
  }
  bool valid = !name.empty() && !llvm::isDigit(name[0]) &&
               llvm::all_of(name, [](char c) {
                 return llvm::isAlnum(c) || c == '_';
               });
  if (!valid)
    return emitError(UnknownLoc::get(&context))
           << "--name='" << name << "' is not a C identifier";
  return name;
}

/// Applies --input-shape=NAME=DxDx...: fixes the dynamic dims of an input.
static LogicalResult applyInputShapes(ModuleOp module,
                                      ArrayRef<std::string> inputShapes) {
  auto graph = module.lookupSymbol<func::FuncOp>("main_graph");
  for (StringRef spec : inputShapes) {
    auto [name, dims] = spec.split('=');
    auto error = [&]() {
      return emitError(module.getLoc()) << "--input-shape=" << spec << ": ";
    };
    SmallVector<int64_t> shape;
    SmallVector<StringRef> parts;
    if (!dims.empty())
      dims.split(parts, 'x');
    for (StringRef part : parts) {
      int64_t d;
      if (part.getAsInteger(10, d) || d < 0)
        return error() << "expected NAME=DxDx... with non-negative dims";
      shape.push_back(d);
    }
    std::optional<unsigned> index;
    for (unsigned i = 0; i < graph.getNumArguments(); ++i)
      if (auto n = graph.getArgAttrOfType<StringAttr>(i, "onnx.name"))
        if (n.getValue() == name)
          index = i;
    if (!index)
      return error() << "the model has no input '" << name << "'";
    auto type = dyn_cast<RankedTensorType>(graph.getArgument(*index).getType());
    if (type && type.getRank() != static_cast<int64_t>(shape.size()))
      return error() << "input '" << name << "' has rank " << type.getRank();
    if (type)
      for (auto [dim, have, want] : llvm::enumerate(type.getShape(), shape))
        if (!ShapedType::isDynamic(have) && have != want)
          return error() << "dim " << dim << " of input '" << name
                         << "' is fixed to " << have << " by the model ("
                         << type << "), not " << want;
    Type elementType = cast<TensorType>(graph.getArgument(*index).getType())
                           .getElementType();
    graph.getArgument(*index).setType(RankedTensorType::get(shape, elementType));
  }
  graph.setType(FunctionType::get(module.getContext(),
                                  graph.getBody().getArgumentTypes(),
                                  graph.getResultTypes()));
  return success();
}

static LogicalResult writeFile(MLIRContext &context, StringRef path,
                               llvm::function_ref<void(llvm::raw_ostream &)> write) {
  std::string errorMessage;
  auto output = openOutputFile(path, &errorMessage);
  if (!output)
    return emitError(UnknownLoc::get(&context))
           << "cannot open '" << path << "': " << errorMessage;
  write(output->os());
  output->keep();
  return success();
}

/// The oldest of --gpu-arch's architectures (checked by checkGPUArch):
/// the PTX's, which the driver compiles for the newer ones.
static std::string getOldestGPUArch(ArrayRef<std::string> archs) {
  return *llvm::min_element(archs, [](const std::string &a,
                                      const std::string &b) {
    return *getGPUArchVersion(a) < *getGPUArchVersion(b);
  });
}

static LogicalResult runPipeline(PassManager &pm, ModuleOp module) {
  if (failed(applyPassManagerCLOptions(pm)))
    return failure();
  applyDefaultTimingPassManagerCLOptions(pm);
  return pm.run(module);
}

/// --target=cuda: the kernels to PTX and the host code to the LLVM dialect;
/// the constants the kernels read into `signature.deviceWeights`.
static LogicalResult lowerForCUDA(MLIRContext &context, ModuleOp module,
                                  const CompileOptions &options, EmitKind emit,
                                  const llvm::StringSet<> &disabled,
                                  ModelSignature &signature) {
  // The NVVM target's serializer and the interfaces the GPU passes
  // convert through.
  DialectRegistry registry;
  registerAllExtensions(registry);
  NVVM::registerNVVMTargetInterfaceExternalModels(registry);
  registerLLVMDialectTranslation(registry);
  registerNVVMDialectTranslation(registry);
  registerGPUDialectTranslation(registry);
  context.appendDialectRegistry(registry);

  CUDATargetOptions cuda;
  // The PTX for the oldest architecture: the driver compiles it for newer.
  cuda.chip = getOldestGPUArch(options.gpuArchs);
  cuda.libdevice = findLibdevice(options.cudaPath);
  if (!options.cudaPath.empty() && cuda.libdevice.empty())
    return emitError(UnknownLoc::get(&context))
           << "--cuda-path=" << options.cudaPath
           << ": no nvvm/libdevice/libdevice.10.bc there";
  PassManager kernels(&context), host(&context);
  buildCUDAKernelPipeline(kernels, cuda, disabled);
  buildCUDAHostPipeline(host);
  if (failed(runPipeline(kernels, module)) ||
      failed(checkLibdeviceCalls(module, cuda)) ||
      failed(runPipeline(host, module)) ||
      failed(collectDeviceWeights(module, signature)))
    return failure();
  signature.device = ONNXC_DEVICE_CUDA;
  // PTX and the header need no cubins.
  if (emit == EmitKind::PTX || emit == EmitKind::Header)
    return success();
  // A cubin per architecture, so that the driver need not JIT-compile the
  // PTX on those GPUs.
  std::string ptxas = findPtxas(options.ptxas, options.cudaPath);
  if (!options.ptxas.empty() && !llvm::sys::fs::can_execute(ptxas))
    return emitError(UnknownLoc::get(&context))
           << "--ptxas=" << options.ptxas << ": not an executable file";
  FailureOr<std::string> ptx = getModulePTX(module);
  if (failed(ptx))
    return failure();
  if (ptxas.empty()) {
    if (!ptx->empty())
      emitWarning(UnknownLoc::get(&context))
          << "ptxas not found: the library holds PTX only, which the driver "
             "compiles when the first session loads it (pass --ptxas=PATH or "
             "--cuda-path=DIR for cubins)";
    return success();
  }
  return assembleCubins(&context, *ptx, options.gpuArchs, ptxas, signature);
}

/// The CUDA target keeps a loop's condition and carried values in device
/// memory, where the host code that runs the loop cannot read them: If,
/// Loop and Scan compile for the CPU only. Lists every such node.
static LogicalResult checkCUDAControlFlow(ModuleOp module) {
  SmallVector<std::string> nodes;
  module.walk([&](Operation *op) {
    if (isa<onnx_ir::IfOp, onnx_ir::LoopOp, onnx_ir::ScanOp>(op)) {
      std::string what = onnx_ir::describeLocation(op->getLoc());
      nodes.push_back((what.empty() ? std::string("node '?'") : what) + " (" +
                      op->getName().stripDialect().str() + ")");
    }
  });
  if (nodes.empty())
    return success();
  InFlightDiagnostic diag = emitError(module.getLoc())
                            << "--target=cuda does not support control flow "
                               "(If, Loop, Scan) yet; compile for the CPU:";
  for (const std::string &node : nodes)
    diag << "\n  " << node;
  return failure();
}

/// -o model.ptx: the PTX of the module's kernels (empty without kernels).
static LogicalResult writePTX(ModuleOp module, StringRef path) {
  FailureOr<std::string> ptx = getModulePTX(module);
  if (failed(ptx))
    return failure();
  return writeFile(*module.getContext(), path,
                   [&](llvm::raw_ostream &os) { os << *ptx; });
}

/// Lowers the linalg module to native code and writes the artifact.
static LogicalResult emitNative(MLIRContext &context, ModuleOp module,
                                const CompileOptions &options,
                                const llvm::StringSet<> &disabled, EmitKind emit,
                                FailureOr<ModelSignature> signature) {
  auto graph = module.lookupSymbol<func::FuncOp>("main_graph");
  // Names and dim params live on in the descriptor; LLVM has no use for
  // them.
  for (StringRef attr : {"onnx.name", "onnx.dim_params"}) {
    StringAttr nameAttr = StringAttr::get(&context, attr);
    for (unsigned i = 0; i < graph.getNumArguments(); ++i)
      graph.removeArgAttr(i, nameAttr);
    for (unsigned i = 0; i < graph.getNumResults(); ++i)
      graph.removeResultAttr(i, nameAttr);
  }

  CPUTargetOptions targetOptions;
  targetOptions.triple = options.triple;
  targetOptions.cpu = options.cpu;
  targetOptions.optLevel = options.optLevel;
  auto machine = createTargetMachine(&context, targetOptions);
  if (failed(machine))
    return failure();

  if (options.target == TargetKind::CUDA) {
    if (failed(lowerForCUDA(context, module, options, emit, disabled,
                            *signature)))
      return failure();
  } else if (options.gpuMappingOnCPU) {
    PassManager pm(&context);
    buildGPUMappingOnCPUPipeline(pm, CUDATargetOptions(), disabled);
    if (failed(runPipeline(pm, module)))
      return failure();
  } else {
    PassManager pm(&context);
    buildCPULoweringPipeline(pm, getVectorUnit(**machine), disabled,
                             options.externalWeights);
    if (failed(runPipeline(pm, module)))
      return failure();
  }
  if (emit == EmitKind::PTX)
    return writePTX(module, options.outputPath);
  auto lowered = module.lookupSymbol<LLVM::LLVMFuncOp>("main_graph");
  auto workspace =
      lowered ? lowered->getAttrOfType<IntegerAttr>("onnxc.workspace_bytes")
              : IntegerAttr();
  if (!workspace)
    return emitError(module.getLoc())
           << "internal error: the graph function was not lowered to the "
              "LLVM dialect with its workspace size";
  signature->workspaceBytes = workspace.getInt();

  std::string outputPath = options.outputPath;
  llvm::SmallString<128> headerPath(outputPath);
  llvm::sys::path::replace_extension(headerPath, "h");
  if (options.externalWeights && emit != EmitKind::Header &&
      failed(writeExternalWeights(module, getWeightsPath(outputPath),
                                  *signature)))
    return failure();
  if (emit == EmitKind::Header)
    return writeFile(context, outputPath, [&](llvm::raw_ostream &os) {
      os << generateHeader(*signature);
    });

  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule = translateToLLVMIR(
      module, llvmContext, *signature, emit == EmitKind::SharedLibrary);
  if (!llvmModule)
    return failure();
  optimizeModule(*llvmModule, **machine, options.optLevel);
  if (emit == EmitKind::LLVMIR)
    return writeFile(context, outputPath,
                     [&](llvm::raw_ostream &os) { llvmModule->print(os, nullptr); });

  llvm::SmallVector<char, 0> object;
  if (failed(emitObject(&context, *llvmModule, **machine, object)))
    return failure();
  const llvm::Triple &triple = (*machine)->getTargetTriple();
  std::string runtime = findRuntimeLibrary(options.runtimeLibrary, triple);
  if (failed(checkRuntimeLibrary(&context, runtime, triple)))
    return failure();
  LogicalResult written =
      emit == EmitKind::SharedLibrary
          ? linkSharedLibrary(&context, object, runtime, triple, outputPath)
      : emit == EmitKind::StaticLibrary
          ? writeStaticLibrary(&context, object, runtime, outputPath)
          : writeRelocatableObject(&context, object, runtime, triple,
                                   outputPath);
  if (failed(written))
    return failure();
  if (options.printStats)
    llvm::outs() << "workspace: " << signature->workspaceBytes << " bytes\n"
                 << "wrote " << outputPath << " and " << headerPath << "\n";
  return writeFile(context, headerPath, [&](llvm::raw_ostream &os) {
    os << generateHeader(*signature);
  });
}

/// The --disable-pass flags as a set; an error naming the accepted flags
/// for one that is not an optimization pass.
static FailureOr<llvm::StringSet<>>
getDisabledPasses(MLIRContext &context, const CompileOptions &options) {
  llvm::StringSet<> disabled;
  for (StringRef flag : options.disabledPasses) {
    flag = flag.ltrim('-');
    if (!llvm::is_contained(getOptimizationPassNames(), flag)) {
      std::string names;
      for (StringRef name : getOptimizationPassNames())
        names += (names.empty() ? "" : ", ") + name.str();
      return emitError(UnknownLoc::get(&context))
             << "--disable-pass=" << flag
             << ": not an optimization pass; expected one of " << names;
    }
    disabled.insert(flag);
  }
  return disabled;
}

LogicalResult compile(MLIRContext &context, const CompileOptions &options) {
  EmitKind emit = options.emit;
  if (emit == EmitKind::Auto) {
    std::optional<EmitKind> kind = getEmitKindForPath(options.outputPath);
    if (!kind)
      return emitError(UnknownLoc::get(&context))
             << "-o " << options.outputPath
             << ": unknown output kind; use .so, .a, .o, .h, .ll, .ptx or "
                ".mlir, "
                "or say which with --emit=KIND";
    emit = *kind;
  }
  if (!options.printPipeline) {
    if (failed(checkOutputPath(context, options.outputPath, "the output")))
      return failure();
    if (emit >= EmitKind::Object && emit <= EmitKind::SharedLibrary) {
      llvm::SmallString<128> header(options.outputPath);
      llvm::sys::path::replace_extension(header, "h");
      if (failed(checkOutputPath(context, header, "the header")))
        return failure();
    }
    if (options.externalWeights && emit > EmitKind::Linalg &&
        failed(checkOutputPath(context, getWeightsPath(options.outputPath),
                               "the weights file")))
      return failure();
  }
  FailureOr<llvm::StringSet<>> disabled = getDisabledPasses(context, options);
  if (failed(disabled))
    return failure();
  if (emit == EmitKind::PTX && options.target != TargetKind::CUDA)
    return emitError(UnknownLoc::get(&context))
           << "-o " << options.outputPath
           << ": PTX is the output of --target=cuda";
  if (options.gpuMappingOnCPU && options.target != TargetKind::CPU)
    return emitError(UnknownLoc::get(&context))
           << "--gpu-mapping-on-cpu runs the CUDA target's loops on the CPU: "
              "it does not combine with --target=cuda";
  if (options.gpuMappingOnCPU && options.externalWeights)
    return emitError(UnknownLoc::get(&context))
           << "--gpu-mapping-on-cpu embeds the weights: it does not combine "
              "with --weights=external";
  if (options.target == TargetKind::CUDA) {
    if (options.gpuArchs.empty())
      return emitError(UnknownLoc::get(&context))
             << "--gpu-arch: expected at least one sm_NN";
    for (const std::string &arch : options.gpuArchs)
      if (failed(checkGPUArch(&context, arch)))
        return failure();
    if (!options.ptxas.empty() &&
        !llvm::sys::fs::can_execute(findPtxas(options.ptxas, "")))
      return emitError(UnknownLoc::get(&context))
             << "--ptxas=" << options.ptxas
             << ": not an executable file (give its path, or a name on PATH)";
    if (options.externalWeights)
      return emitError(UnknownLoc::get(&context))
             << "--weights=external is not supported with --target=cuda: "
                "the weights are copied to the device from the library";
  }
  if (options.printPipeline) {
    PassManager pm(&context);
    buildPassPipeline(pm, emit, *disabled);
    pm.printAsTextualPipeline(llvm::outs());
    llvm::outs() << "\n";
    if (emit > EmitKind::Linalg && options.target == TargetKind::CUDA) {
      // The kernels' pipeline, then the host code's.
      CUDATargetOptions cuda;
      cuda.chip = getOldestGPUArch(options.gpuArchs);
      cuda.libdevice = findLibdevice(options.cudaPath);
      PassManager kernels(&context), host(&context);
      buildCUDAKernelPipeline(kernels, cuda, *disabled);
      buildCUDAHostPipeline(host);
      for (PassManager *each : {&kernels, &host}) {
        each->printAsTextualPipeline(llvm::outs());
        llvm::outs() << "\n";
      }
    } else if (emit > EmitKind::Linalg) {
      // The micro-kernels are sized for the target's vector unit.
      CPUTargetOptions targetOptions;
      targetOptions.triple = options.triple;
      targetOptions.cpu = options.cpu;
      auto machine = createTargetMachine(&context, targetOptions);
      if (failed(machine))
        return failure();
      PassManager cpu(&context);
      buildCPULoweringPipeline(cpu, getVectorUnit(**machine), *disabled);
      cpu.printAsTextualPipeline(llvm::outs());
      llvm::outs() << "\n";
    }
    return success();
  }
  OwningOpRef<ModuleOp> module = importONNXModelFile(context, options.inputPath);
  if (!module)
    return failure();
  if (!options.inputShapes.empty() &&
      failed(applyInputShapes(*module, options.inputShapes)))
    return failure();
  // The graph passes, then the conversion: --stats shows the graph's ops.
  PassManager graphPm(&context), conversionPm(&context);
  buildGraphPassPipeline(graphPm, *disabled);
  if (emit != EmitKind::ONNX)
    buildConversionPipeline(conversionPm);
  for (PassManager *each : {&graphPm, &conversionPm}) {
    if (failed(applyPassManagerCLOptions(*each)))
      return failure();
    applyDefaultTimingPassManagerCLOptions(*each);
  }
  if (failed(graphPm.run(*module)))
    return failure();
  if (options.target == TargetKind::CUDA && emit > EmitKind::Linalg &&
      failed(checkCUDAControlFlow(*module)))
    return failure();
  if (options.printStats) {
    printModelStats(*module, llvm::outs());
    if (options.outputPath == "-" && emit <= EmitKind::Linalg)
      return success();
  }
  if (options.outputPath == "-" && emit != EmitKind::LLVMIR &&
      emit != EmitKind::Header && emit != EmitKind::PTX &&
      emit > EmitKind::Linalg)
    return emitError(module->getLoc())
           << "binary output needs a file: pass -o model.so, .a or .o";
  if (options.externalWeights &&
      (emit <= EmitKind::Linalg || options.outputPath == "-"))
    return emitError(module->getLoc())
           << "--weights=external writes the weights beside a native output "
              "(-o model.so: model.weights): pass -o model.so, .a, .o or .ll";
  // Native code needs static shapes: say so, naming the input, before the
  // conversion trips over a dynamic dim.
  FailureOr<ModelSignature> signature = failure();
  if (emit > EmitKind::Linalg) {
    FailureOr<std::string> name = getModelName(context, options);
    if (failed(name))
      return failure();
    signature = getModelSignature(
        module->lookupSymbol<func::FuncOp>("main_graph"), *name);
    if (failed(signature))
      return failure();
  }
  if (failed(conversionPm.run(*module)))
    return failure();
  if (emit > EmitKind::Linalg)
    return emitNative(context, *module, options, *disabled, emit,
                      std::move(signature));
  OpPrintingFlags flags;
  if (!options.printWeights)
    flags.elideLargeResourceString(64);
  return writeFile(context, options.outputPath,
                   [&](llvm::raw_ostream &os) { module->print(os, flags); });
}

} // namespace onnxc
