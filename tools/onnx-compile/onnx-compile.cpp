//===- onnx-compile.cpp - The onnx-compile command line -------------------===//

#include "onnxc/Conversion/Passes.h"
#include "onnxc/Dialect/ONNX/Locations.h"
#include "onnxc/Driver/Driver.h"
#include "onnxc/Transforms/Passes.h"
#include "onnxc/runtime.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"
#include "mlir/Transforms/Passes.h"
#include "mlir/IR/AsmState.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/ADT/Statistic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/WithColor.h"

using namespace mlir;
namespace cl = llvm::cl;

static cl::OptionCategory category("onnx-compile options");

static cl::opt<std::string> inputPath(cl::Positional, cl::desc("<model.onnx>"),
                                      cl::cat(category));
static cl::opt<std::string> outputPath("o", cl::desc("Output file ('-' for stdout)"),
                                       cl::value_desc("file"), cl::init("-"),
                                       cl::cat(category));
static cl::opt<onnxc::EmitKind> emitKind(
    "emit",
    cl::desc("What to produce (default: from the -o extension: .so, .a, .o, "
             ".h, .ll, .ptx, .mlir; stdout: mlir)"),
    cl::init(onnxc::EmitKind::Auto),
    cl::values(clEnumValN(onnxc::EmitKind::ONNX, "mlir",
                          "the imported onnx dialect, shapes inferred and "
                          "shape computations folded"),
               clEnumValN(onnxc::EmitKind::Linalg, "linalg",
                          "linalg/tensor/arith/math on tensors"),
               clEnumValN(onnxc::EmitKind::LLVMIR, "llvm",
                          "LLVM IR of the compiled model (.ll)"),
               clEnumValN(onnxc::EmitKind::PTX, "ptx",
                          "--target=cuda: the kernels' PTX (.ptx), for "
                          "ptxas or inspection"),
               clEnumValN(onnxc::EmitKind::Object, "obj",
                          "relocatable object with the runtime, and a C "
                          "header (.o)"),
               clEnumValN(onnxc::EmitKind::StaticLibrary, "lib",
                          "static library with the runtime, and a C header "
                          "(.a)"),
               clEnumValN(onnxc::EmitKind::SharedLibrary, "shared",
                          "shared library with the runtime, and a C header "
                          "(.so)"),
               clEnumValN(onnxc::EmitKind::Header, "header",
                          "the C header of the typed API (.h)")),
    cl::cat(category));
static cl::opt<std::string> modelName(
    "name",
    cl::desc("Prefix of the generated symbols (NAME_run, NAME_model, "
             "NAME_WORKSPACE_BYTES); default: the output file's stem"),
    cl::value_desc("identifier"), cl::cat(category));
static cl::opt<std::string> cpuName(
    "cpu", cl::desc("Target CPU: native (the host's; the default without "
                    "--triple) or an LLVM CPU name such as x86-64-v3, "
                    "skylake-avx512, neoverse-n1 (default with a --triple of "
                    "another architecture: generic)"),
    cl::cat(category));
static cl::opt<std::string> tripleName(
    "triple", cl::desc("Target triple for cross compiles, e.g. "
                       "aarch64-linux-gnu (default: the host's)"),
    cl::cat(category));
static cl::opt<onnxc::TargetKind> targetKind(
    "target",
    cl::desc("Where the model runs: cpu (default) or cuda (NVIDIA GPUs: "
             "PTX kernels launched through the CUDA driver by the host code)"),
    cl::init(onnxc::TargetKind::CPU),
    cl::values(clEnumValN(onnxc::TargetKind::CPU, "cpu", "the CPU (--triple)"),
               clEnumValN(onnxc::TargetKind::CUDA, "cuda",
                          "NVIDIA GPUs (--gpu-arch)")),
    cl::cat(category));
static cl::list<std::string> gpuArchs(
    "gpu-arch",
    cl::desc("--target=cuda: the GPU architectures, sm_NN (default "
             "sm_80,sm_90): a cubin for each (with ptxas), and the PTX of "
             "the oldest, which the driver compiles for newer GPUs"),
    cl::CommaSeparated, cl::value_desc("sm_NN,..."), cl::cat(category));
static cl::opt<std::string> ptxasPath(
    "ptxas",
    cl::desc("--target=cuda: the ptxas that assembles the cubins (default: "
             "$CUDA path's bin/ptxas, or ptxas on PATH; without one the "
             "library holds PTX only)"),
    cl::value_desc("path"), cl::cat(category));
static cl::opt<std::string> cudaPath(
    "cuda-path",
    cl::desc("--target=cuda: the CUDA toolkit's folder, for libdevice "
             "(default: $CUDA_HOME, $CUDA_PATH, /usr/local/cuda, ...)"),
    cl::value_desc("dir"), cl::cat(category));
static cl::opt<bool> gpuMappingOnCPU(
    "gpu-mapping-on-cpu",
    cl::desc("Testing: a CPU model whose loops are mapped to blocks and "
             "threads as for --target=cuda and run serially, to check the "
             "mapping's numerics on a machine without a GPU"),
    cl::Hidden, cl::cat(category));
static cl::opt<unsigned> optLevel("O", cl::desc("LLVM optimization level 0-3 "
                                                "(default 3)"),
                                  cl::init(3), cl::Prefix, cl::cat(category));
static cl::opt<std::string> runtimeLibrary(
    "runtime-lib",
    cl::desc("The runtime archive linked into the model (default: "
             "lib/libonnxc_runtime.a beside this tool's bin/)"),
    cl::value_desc("path"), cl::cat(category));
enum class WeightsPlacement { Embedded, External };
static cl::opt<WeightsPlacement> weightsPlacement(
    "weights",
    cl::desc("Where the constants live: embedded (default) in the code, or "
             "external: in NAME.weights beside the output, mapped by the "
             "runtime at session creation (for models past 2 GiB, or weights "
             "shared between processes)"),
    cl::init(WeightsPlacement::Embedded),
    cl::values(clEnumValN(WeightsPlacement::Embedded, "embedded",
                          "in the library's read-only data"),
               clEnumValN(WeightsPlacement::External, "external",
                          "in a .weights file beside the output")),
    cl::cat(category));
static cl::list<std::string> inputShapes(
    "input-shape",
    cl::desc("Fix the dynamic dims of an input, e.g. --input-shape=image="
             "1x3x224x224 (repeatable)"),
    cl::value_desc("name=DxD..."), cl::cat(category));
static cl::list<std::string> disabledPasses(
    "disable-pass",
    cl::desc("Leave out an optimization pass, by its flag, e.g. "
             "--disable-pass=onnxc-vectorize-contractions (comma-separated or "
             "repeated; for bisecting a wrong result)"),
    cl::CommaSeparated, cl::value_desc("pass"), cl::cat(category));
static cl::opt<bool> printLoweredOps(
    "print-lowered-ops",
    cl::desc("Print the onnx ops that have a lowering to native code and exit"),
    cl::cat(category));
static cl::opt<bool> printPipeline(
    "print-pipeline", cl::desc("Print the pass pipeline and exit"),
    cl::cat(category));
static cl::opt<bool> printWeights(
    "print-weights",
    cl::desc("Print initializer blobs in full in .mlir output (default: "
             "elided)"),
    cl::cat(category));

/// Prints "<model>: error: node 'N': message" for diagnostics located at a
/// node ("initializer 'W'" at an initializer), and "<model>: error: message"
/// otherwise.
static LogicalResult printDiagnostic(Diagnostic &diag) {
  auto &os = llvm::errs();
  os << inputPath << ": ";
  switch (diag.getSeverity()) {
  case DiagnosticSeverity::Error:
    llvm::WithColor(os, llvm::HighlightColor::Error) << "error: ";
    break;
  case DiagnosticSeverity::Warning:
    llvm::WithColor(os, llvm::HighlightColor::Warning) << "warning: ";
    break;
  default:
    os << "note: ";
    break;
  }
  // "node 'n'" or "initializer 'w'", from the importer's locations.
  std::string where = onnxc::onnx_ir::describeLocation(diag.getLocation());
  if (!where.empty())
    os << where << ": ";
  os << diag.str() << "\n";
  for (Diagnostic &note : diag.getNotes())
    os << "  note: " << note.str() << "\n";
  return success();
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  registerMLIRContextCLOptions();
  // Before the pass manager's options: --mlir-print-ir-before=PASS and
  // friends take the names of the passes registered by then.
  onnxc::registerONNXCPasses();
  onnxc::registerONNXCConversionPasses();
  mlir::registerTransformsPasses();
  registerPassManagerCLOptions();
  registerDefaultTimingManagerCLOptions();
  registerAsmPrinterCLOptions();
  // LLVM already owns -stats (its statistics, empty in release builds);
  // reuse that flag for ours.
  auto &registered = cl::getRegisteredOptions();
  cl::Option *printStats = registered["stats"];
  printStats->setDescription("Print the op histogram and the graph's inputs "
                             "and outputs with their shapes");
  printStats->addCategory(category);
  cl::HideUnrelatedOptions(category);
  printStats->setHiddenFlag(cl::NotHidden);
  cl::SetVersionPrinter([](llvm::raw_ostream &os) {
    os << "onnx-compile " << ONNXC_VERSION << " (LLVM " << LLVM_VERSION_STRING
       << ", runtime ABI " << ONNXC_ABI_VERSION << ")\n";
  });
  cl::ParseCommandLineOptions(
      argc, argv,
      "onnx-compile: an ahead-of-time compiler for ONNX models\n\n"
      "  onnx-compile model.onnx -o model.so          # shared library + model.h\n"
      "  onnx-compile model.onnx -o model.a --name=net # static library + model.h\n"
      "  onnx-compile model.onnx --emit=mlir -o model.mlir\n"
      "  onnx-compile model.onnx --stats\n\n"
      "Run with --help-hidden for the MLIR debugging flags\n"
      "(--mlir-print-ir-after-all, --mlir-timing, ...).\n");

  DialectRegistry registry;
  MLIRContext context(registry);
  if (printLoweredOps) {
    for (StringRef name : onnxc::getONNXOpsWithLinalgLowering(&context))
      llvm::outs() << name << "\n";
    return 0;
  }
  if (inputPath.empty()) {
    llvm::errs() << "onnx-compile: error: no model given (see --help)\n";
    return 1;
  }
  context.printOpOnDiagnostic(false);
  ScopedDiagnosticHandler handler(&context, printDiagnostic);

  onnxc::CompileOptions options;
  options.inputPath = inputPath;
  options.outputPath = outputPath;
  options.emit = emitKind;
  options.printStats = llvm::AreStatisticsEnabled();
  options.printPipeline = printPipeline;
  options.printWeights = printWeights;
  options.externalWeights = weightsPlacement == WeightsPlacement::External;
  options.name = modelName;
  options.cpu = cpuName;
  options.triple = tripleName;
  options.target = targetKind;
  if (!gpuArchs.empty())
    options.gpuArchs.assign(gpuArchs.begin(), gpuArchs.end());
  options.ptxas = ptxasPath;
  options.cudaPath = cudaPath;
  options.gpuMappingOnCPU = gpuMappingOnCPU;
  options.optLevel = std::min(3u, optLevel.getValue());
  options.disabledPasses.assign(disabledPasses.begin(), disabledPasses.end());
  options.runtimeLibrary = runtimeLibrary;
  options.inputShapes.assign(inputShapes.begin(), inputShapes.end());
  return failed(onnxc::compile(context, options)) ? 1 : 0;
}
