//===- Cubin.cpp - The kernels' PTX, and cubins assembled by ptxas --------===//

#include "onnxc/Target/CUDA/CUDATarget.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"

using namespace mlir;

namespace onnxc {

FailureOr<std::string> getModulePTX(ModuleOp module) {
  SmallVector<gpu::BinaryOp> binaries(module.getOps<gpu::BinaryOp>());
  if (binaries.size() > 1)
    return emitError(module.getLoc())
           << "internal error: the kernels are in " << binaries.size()
           << " PTX modules, not one";
  std::string ptx;
  if (!binaries.empty())
    for (Attribute object : binaries.front().getObjects())
      if (auto each = dyn_cast<gpu::ObjectAttr>(object))
        ptx = each.getObject().getValue().str();
  // PTX strings carry a terminating NUL for the driver.
  while (!ptx.empty() && ptx.back() == '\0')
    ptx.pop_back();
  return ptx;
}

std::string findPtxas(StringRef override, StringRef cudaPath) {
  if (!override.empty()) {
    // A bare name is looked up on PATH, as a shell would.
    if (!override.contains('/'))
      if (llvm::ErrorOr<std::string> found =
              llvm::sys::findProgramByName(override))
        return *found;
    return override.str();
  }
  for (const std::string &root : getCUDAToolkitRoots(cudaPath)) {
    SmallString<256> path(root);
    llvm::sys::path::append(path, "bin", "ptxas");
    if (llvm::sys::fs::can_execute(path))
      return std::string(path);
  }
  if (llvm::ErrorOr<std::string> onPath = llvm::sys::findProgramByName("ptxas"))
    return *onPath;
  return "";
}

LogicalResult assembleCubins(MLIRContext *context, StringRef ptx,
                             ArrayRef<std::string> archs, StringRef ptxas,
                             ModelSignature &signature) {
  if (ptx.empty())
    return success();
  auto error = [&]() { return emitError(UnknownLoc::get(context)); };
  SmallString<128> ptxPath;
  int fd;
  if (std::error_code ec =
          llvm::sys::fs::createTemporaryFile("onnxc-kernels", "ptx", fd, ptxPath))
    return error() << "cannot create a temporary file for ptxas: "
                   << ec.message();
  llvm::FileRemover removePtx(ptxPath);
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << ptx;
  }
  for (const std::string &arch : archs) {
    SmallString<128> cubinPath, logPath;
    if (llvm::sys::fs::createTemporaryFile("onnxc-kernels", "cubin", cubinPath) ||
        llvm::sys::fs::createTemporaryFile("onnxc-ptxas", "log", logPath))
      return error() << "cannot create a temporary file for ptxas";
    llvm::FileRemover removeCubin(cubinPath), removeLog(logPath);
    std::string archFlag = "-arch=" + arch;
    SmallVector<StringRef> args = {ptxas, archFlag, "-O3", ptxPath, "-o",
                                   cubinPath};
    std::optional<StringRef> redirects[] = {std::nullopt, logPath, logPath};
    // A ptxas that hangs must not hang the compiler; large models take
    // seconds.
    constexpr unsigned kSecondsToWait = 600;
    std::string message;
    bool timedOut = false;
    int status = llvm::sys::ExecuteAndWait(ptxas, args, std::nullopt,
                                           redirects, kSecondsToWait, 0,
                                           &message);
    if (status == -2 && message.find("timed out") != std::string::npos)
      timedOut = true;
    if (timedOut)
      return error() << "ptxas (" << ptxas << ") did not finish in "
                     << kSecondsToWait << " s for " << arch;
    if (status != 0) {
      auto log = llvm::MemoryBuffer::getFile(logPath);
      StringRef text = log ? (*log)->getBuffer().trim() : StringRef();
      if (text.empty())
        text = message;
      InFlightDiagnostic diag = error() << "ptxas " << archFlag
                                        << " refused the kernels' PTX ("
                                        << ptxas << ", exit status " << status
                                        << ")";
      if (!text.empty())
        diag << ": " << text.split('\n').first;
      return diag;
    }
    auto cubin = llvm::MemoryBuffer::getFile(cubinPath);
    if (!cubin || (*cubin)->getBuffer().size() < 4 ||
        !(*cubin)->getBuffer().starts_with("\x7f" "ELF"))
      return error() << "ptxas (" << ptxas << ") wrote no cubin for " << arch;
    signature.cubins.emplace_back(*getGPUArchVersion(arch),
                                  (*cubin)->getBuffer().str());
  }
  return success();
}

} // namespace onnxc
