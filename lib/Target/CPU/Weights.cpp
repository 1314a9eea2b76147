//===- Weights.cpp - The external weights file ----------------------------===//
//
// Writes the constants that --onnxc-externalize-weights laid out into the
// file the runtime maps (format: runtime/include/onnxc/runtime.h), straight
// from their attributes: no copy of the weights is assembled in memory.
//
//===----------------------------------------------------------------------===//

#include "onnxc/Target/CPU/CPUTarget.h"
#include "onnxc/Transforms/ExternalWeights.h"

#include "checksum.h" // runtime/src: the runtime checks what this writes.

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace onnxc {

static constexpr uint64_t kHeaderBytes = 64;
static constexpr uint32_t kFormatVersion = 1;

std::string getWeightsPath(llvm::StringRef outputPath) {
  llvm::SmallString<128> path(outputPath);
  llvm::sys::path::replace_extension(path, "weights");
  return path.str().str();
}

LogicalResult writeExternalWeights(ModuleOp module, llvm::StringRef path,
                                   ModelSignature &signature) {
  auto bytesAttr = module->getAttrOfType<IntegerAttr>(kWeightsBytesAttr);
  if (!bytesAttr)
    return success(); // Nothing large enough to move: all stays embedded.
  auto fail = [&](const llvm::Twine &message) {
    return emitError(module.getLoc()) << message;
  };
  uint64_t bytes = bytesAttr.getInt();

  // A temporary file renamed over `path` at the end: a process that maps
  // the old file keeps its pages (truncating it in place would SIGBUS it).
  llvm::Expected<llvm::sys::fs::TempFile> temp =
      llvm::sys::fs::TempFile::create(path + ".tmp-%%%%%%");
  if (!temp)
    return fail("cannot write the weights file '" + path +
                "': " + llvm::toString(temp.takeError()));
  auto discard = llvm::make_scope_exit([&] {
    if (temp->FD >= 0)
      llvm::consumeError(temp->discard());
  });
  {
    llvm::raw_fd_ostream os(temp->FD, /*shouldClose=*/false);
    char header[kHeaderBytes] = {};
    memcpy(header, "ONNXCWTS", 8);
    llvm::support::endian::write32le(header + 8, kFormatVersion);
    llvm::support::endian::write32le(header + 12, kHeaderBytes);
    llvm::support::endian::write64le(header + 16, bytes);
    os.write(header, kHeaderBytes);
    onnxc_checksum checksum;
    onnxc_checksum_init(&checksum);
    static const char zeros[kWeightsAlignment] = {};
    uint64_t written = 0;
    llvm::SmallVector<LLVM::GlobalOp> moved;
    for (auto global : module.getOps<LLVM::GlobalOp>()) {
      auto offset = global->getAttrOfType<IntegerAttr>(kWeightsOffsetAttr);
      if (!offset)
        continue;
      llvm::ArrayRef<char> data = getExternalizableData(global);
      if (data.empty() || static_cast<uint64_t>(offset.getInt()) < written ||
          static_cast<uint64_t>(offset.getInt()) - written >= kWeightsAlignment)
        return fail("internal error: weights global '" + global.getSymName() +
                    "' has no data or overlaps the one before it");
      uint64_t padding = offset.getInt() - written;
      os.write(zeros, padding);
      onnxc_checksum_update(&checksum, zeros, padding);
      os.write(data.data(), data.size());
      onnxc_checksum_update(&checksum, data.data(), data.size());
      written = offset.getInt() + data.size();
      moved.push_back(global);
    }
    if (written != bytes)
      return fail("internal error: the weights data holds " +
                  llvm::Twine(written) + " bytes, the layout " +
                  llvm::Twine(bytes));
    // The checksum into the header, now that the data has passed by.
    signature.weightsChecksum = onnxc_checksum_final(&checksum);
    char field[8];
    llvm::support::endian::write64le(field, signature.weightsChecksum);
    os.seek(24);
    os.write(field, sizeof(field));
    os.flush();
    if (os.has_error())
      return fail("cannot write '" + temp->TmpName +
                  "': " + os.error().message());
    for (LLVM::GlobalOp global : moved)
      global.erase();
  }
  module->removeAttr(kWeightsBytesAttr);
  if (llvm::Error error = temp->keep(path))
    return fail("cannot write the weights file '" + path +
                "': " + llvm::toString(std::move(error)));

  signature.weightsFile = llvm::sys::path::filename(path).str();
  signature.weightsBytes = bytes;
  return success();
}

} // namespace onnxc
