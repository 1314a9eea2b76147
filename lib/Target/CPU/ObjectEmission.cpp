//===- ObjectEmission.cpp - Target machine, optimization, object code -----===//

#include "onnxc/Target/CPU/CPUTarget.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"
#include "llvm/TargetParser/Triple.h"

using namespace mlir;

namespace onnxc {

FailureOr<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(MLIRContext *context, const CPUTargetOptions &options) {
  llvm::InitializeAllTargetInfos();
  llvm::InitializeAllTargets();
  llvm::InitializeAllTargetMCs();
  llvm::InitializeAllAsmPrinters();

  std::string tripleName = options.triple.empty()
                               ? llvm::sys::getProcessTriple()
                               : llvm::Triple::normalize(options.triple);
  llvm::Triple triple(tripleName);
  std::string error;
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return emitError(UnknownLoc::get(context))
           << "unknown target triple '" << tripleName << "': " << error;

  bool foreign =
      triple.getArch() != llvm::Triple(llvm::sys::getProcessTriple()).getArch();
  std::string cpu = options.cpu;
  if (cpu.empty())
    cpu = foreign ? "generic" : "native";
  std::string features;
  if (cpu == "native") {
    if (foreign)
      return emitError(UnknownLoc::get(context))
             << "--cpu=native names the host CPU, which cannot run "
             << tripleName << "; pass --cpu=NAME for the target";
    cpu = llvm::sys::getHostCPUName().str();
    llvm::SubtargetFeatures hostFeatures;
    for (auto &[feature, enabled] : llvm::sys::getHostCPUFeatures())
      hostFeatures.AddFeature(feature, enabled);
    features = hostFeatures.getString();
  }
  // Checked first: LLVM would only print a warning and use a generic CPU.
  std::unique_ptr<llvm::MCSubtargetInfo> subtarget(
      target->createMCSubtargetInfo(triple, "", ""));
  if (subtarget && !subtarget->isCPUStringValid(cpu))
    return emitError(UnknownLoc::get(context))
           << "unknown CPU '" << cpu << "' for " << tripleName;
  llvm::TargetOptions targetOptions;
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      triple, cpu, features, targetOptions, llvm::Reloc::PIC_, std::nullopt,
      options.optLevel >= 3   ? llvm::CodeGenOptLevel::Aggressive
      : options.optLevel >= 1 ? llvm::CodeGenOptLevel::Default
                              : llvm::CodeGenOptLevel::None));
  if (!machine)
    return emitError(UnknownLoc::get(context))
           << "cannot create a target machine for " << tripleName;
  return machine;
}

CPUVectorUnit getVectorUnit(const llvm::TargetMachine &machine) {
  const llvm::MCSubtargetInfo *info = machine.getMCSubtargetInfo();
  const llvm::Triple &triple = machine.getTargetTriple();
  if (triple.isX86()) {
    if (info->checkFeatures("+avx512f"))
      return {512, 32};
    if (info->checkFeatures("+avx"))
      return {256, 16};
    return {128, 16};
  }
  if (triple.isAArch64())
    return {128, 32};
  return {128, 16};
}

void optimizeModule(llvm::Module &module, llvm::TargetMachine &machine,
                    unsigned optLevel) {
  module.setDataLayout(machine.createDataLayout());
  module.setTargetTriple(machine.getTargetTriple());
  if (optLevel == 0)
    return;
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PipelineTuningOptions tuning;
  tuning.LoopVectorization = true;
  tuning.SLPVectorization = true;
  llvm::PassBuilder builder(&machine, tuning);
  builder.registerModuleAnalyses(mam);
  builder.registerCGSCCAnalyses(cgam);
  builder.registerFunctionAnalyses(fam);
  builder.registerLoopAnalyses(lam);
  builder.crossRegisterProxies(lam, fam, cgam, mam);
  llvm::OptimizationLevel level = optLevel >= 3   ? llvm::OptimizationLevel::O3
                                  : optLevel == 2 ? llvm::OptimizationLevel::O2
                                                  : llvm::OptimizationLevel::O1;
  builder.buildPerModuleDefaultPipeline(level).run(module, mam);
}

LogicalResult emitObject(MLIRContext *context, llvm::Module &module,
                         llvm::TargetMachine &machine,
                         llvm::SmallVectorImpl<char> &object) {
  module.setDataLayout(machine.createDataLayout());
  module.setTargetTriple(machine.getTargetTriple());
  llvm::raw_svector_ostream os(object);
  llvm::legacy::PassManager codegen;
  if (machine.addPassesToEmitFile(codegen, os, nullptr,
                                  llvm::CodeGenFileType::ObjectFile))
    return emitError(UnknownLoc::get(context))
           << "the target cannot emit object files";
  codegen.run(module);
  return success();
}

} // namespace onnxc
