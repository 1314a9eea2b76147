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
#include "llvm/Support/MemoryBuffer.h"
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
    return fail("cannot create the weights file beside '" + path +
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
    uint64_t written = 0;
    llvm::SmallVector<LLVM::GlobalOp> moved;
    for (auto global : module.getOps<LLVM::GlobalOp>()) {
      auto offset = global->getAttrOfType<IntegerAttr>(kWeightsOffsetAttr);
      if (!offset)
        continue;
      llvm::ArrayRef<char> data = getExternalizableData(global);
      if (data.empty() || static_cast<uint64_t>(offset.getInt()) < written)
        return fail("internal error: weights global '" + global.getSymName() +
                    "' has no data or overlaps the one before it");
      os.write_zeros(offset.getInt() - written);
      os.write(data.data(), data.size());
      written = offset.getInt() + data.size();
      moved.push_back(global);
    }
    if (written != bytes)
      return fail("internal error: the weights data holds " +
                  llvm::Twine(written) + " bytes, the layout " +
                  llvm::Twine(bytes));
    os.flush();
    if (os.has_error())
      return fail("cannot write '" + temp->TmpName +
                  "': " + os.error().message());
    for (LLVM::GlobalOp global : moved)
      global.erase();
  }
  module->removeAttr(kWeightsBytesAttr);

  // The checksum over the file as written, read back through the page
  // cache rather than from a second copy in memory.
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> contents =
      llvm::MemoryBuffer::getOpenFileSlice(temp->FD, temp->TmpName, bytes,
                                           kHeaderBytes);
  if (!contents)
    return fail("cannot read back '" + temp->TmpName +
                "': " + contents.getError().message());
  uint64_t checksum = onnxc_checksum_bytes(
      (*contents)->getBufferStart(), (*contents)->getBufferSize());
  contents->reset();
  {
    llvm::raw_fd_ostream os(temp->FD, /*shouldClose=*/false);
    char field[8];
    llvm::support::endian::write64le(field, checksum);
    os.seek(24);
    os.write(field, sizeof(field));
    os.flush();
    if (os.has_error())
      return fail("cannot write '" + temp->TmpName +
                  "': " + os.error().message());
  }
  if (llvm::Error error = temp->keep(path))
    return fail("cannot write the weights file '" + path +
                "': " + llvm::toString(std::move(error)));

  signature.weightsFile = llvm::sys::path::filename(path).str();
  signature.weightsBytes = bytes;
  signature.weightsChecksum = checksum;
  return success();
}

} // namespace onnxc
