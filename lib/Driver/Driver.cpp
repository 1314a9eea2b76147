//===- Driver.cpp - From an ONNX file to compiler artifacts ---------------===//

#include "onnxc/Driver/Driver.h"

#include "onnxc/Conversion/Passes.h"
#include "onnxc/Dialect/ONNX/ONNXOps.h"
#include "onnxc/Frontend/ONNXImporter.h"
#include "onnxc/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;

namespace onnxc {

void buildGraphPassPipeline(OpPassManager &pm) {
  OpPassManager &funcPm = pm.nest<func::FuncOp>();
  funcPm.addPass(createONNXShapeInference());
  funcPm.addPass(createCanonicalizerPass());
}

void buildPassPipeline(OpPassManager &pm, EmitKind emit) {
  buildGraphPassPipeline(pm);
  if (emit == EmitKind::ONNX)
    return;
  pm.nest<func::FuncOp>().addPass(createConvertONNXToLinalg());
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

LogicalResult compile(MLIRContext &context, const CompileOptions &options) {
  PassManager pm(&context);
  buildPassPipeline(pm, options.emit);
  if (options.printPipeline) {
    pm.printAsTextualPipeline(llvm::outs());
    llvm::outs() << "\n";
    return success();
  }
  OwningOpRef<ModuleOp> module = importONNXModelFile(context, options.inputPath);
  if (!module)
    return failure();
  if (failed(applyPassManagerCLOptions(pm)))
    return failure();
  applyDefaultTimingPassManagerCLOptions(pm);
  if (failed(pm.run(*module)))
    return failure();

  if (options.printStats) {
    printModelStats(*module, llvm::outs());
    if (options.outputPath == "-")
      return success();
  }
  std::string errorMessage;
  auto output = openOutputFile(options.outputPath, &errorMessage);
  if (!output)
    return emitError(UnknownLoc::get(&context))
           << "cannot open '" << options.outputPath << "': " << errorMessage;
  OpPrintingFlags flags;
  if (!options.printWeights)
    flags.elideLargeResourceString(64);
  module->print(output->os(), flags);
  output->keep();
  return success();
}

} // namespace onnxc
