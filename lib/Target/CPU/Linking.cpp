//===- Linking.cpp - .so, .a and .o artifacts with the runtime ------------===//

#include "onnxc/Target/CPU/CPUTarget.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/Object/Archive.h"
#include "llvm/Object/ArchiveWriter.h"
#include "llvm/Object/ObjectFile.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

using namespace mlir;

namespace onnxc {

static InFlightDiagnostic error(MLIRContext *context) {
  return emitError(UnknownLoc::get(context));
}

std::string findRuntimeLibrary(llvm::StringRef override) {
  if (!override.empty())
    return override.str();
  // Any address inside this binary finds its path.
  static int anchor;
  std::string executable = llvm::sys::fs::getMainExecutable(nullptr, &anchor);
  llvm::SmallString<256> path(llvm::sys::path::parent_path(
      llvm::sys::path::parent_path(executable)));
  llvm::sys::path::append(path, "lib", "libonnxc_runtime.a");
  return path.str().str();
}

namespace {
/// A temporary file removed on destruction.
struct TempFile {
  llvm::SmallString<128> path;
  ~TempFile() {
    if (!path.empty())
      llvm::sys::fs::remove(path);
  }
};
} // namespace

static LogicalResult writeTemp(MLIRContext *context, llvm::ArrayRef<char> data,
                               llvm::StringRef suffix, TempFile &file) {
  int fd;
  if (std::error_code ec =
          llvm::sys::fs::createTemporaryFile("onnxc-model", suffix, fd, file.path))
    return error(context) << "cannot create a temporary file: " << ec.message();
  llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
  os.write(data.data(), data.size());
  os.close();
  if (os.has_error())
    return error(context) << "cannot write " << file.path;
  return success();
}

/// Runs the C compiler driver ($CC or cc) with `args`.
static LogicalResult runCompilerDriver(MLIRContext *context,
                                       llvm::ArrayRef<std::string> args) {
  std::string driverName = "cc";
  if (const char *cc = std::getenv("CC"); cc && *cc)
    driverName = cc;
  llvm::ErrorOr<std::string> driver = llvm::sys::findProgramByName(driverName);
  if (!driver)
    return error(context) << "linking needs a C compiler driver ('"
                          << driverName << "', or set CC); none found on PATH";
  std::vector<llvm::StringRef> argv{*driver};
  argv.insert(argv.end(), args.begin(), args.end());
  TempFile log;
  if (llvm::sys::fs::createTemporaryFile("onnxc-link", "log", log.path))
    return error(context) << "cannot create a temporary file";
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, log.path.str(),
                                                log.path.str()};
  std::string message;
  int rc = llvm::sys::ExecuteAndWait(*driver, argv, std::nullopt, redirects, 0,
                                     0, &message);
  if (rc != 0) {
    auto diag = error(context) << "linking with " << *driver << " failed";
    if (!message.empty())
      diag << ": " << message;
    if (auto text = llvm::MemoryBuffer::getFile(log.path))
      diag << "\n" << (*text)->getBuffer().rtrim();
    return diag;
  }
  return success();
}

LogicalResult checkRuntimeLibrary(MLIRContext *context,
                                  llvm::StringRef runtimeLibrary,
                                  const llvm::Triple &target) {
  auto buffer = llvm::MemoryBuffer::getFile(runtimeLibrary);
  if (!buffer)
    return error(context) << "cannot read the runtime library '"
                          << runtimeLibrary << "': "
                          << buffer.getError().message()
                          << " (pass --runtime-lib=PATH)";
  auto archive = llvm::object::Archive::create((*buffer)->getMemBufferRef());
  if (!archive)
    return error(context) << "the runtime library '" << runtimeLibrary
                          << "' is not an archive: "
                          << llvm::toString(archive.takeError());
  llvm::Error err = llvm::Error::success();
  for (const llvm::object::Archive::Child &child : (*archive)->children(err)) {
    auto memberBuffer = child.getMemoryBufferRef();
    if (!memberBuffer) {
      llvm::consumeError(memberBuffer.takeError());
      continue;
    }
    auto object = llvm::object::ObjectFile::createObjectFile(*memberBuffer);
    if (!object) {
      llvm::consumeError(object.takeError());
      continue;
    }
    if ((*object)->getArch() != target.getArch())
      return error(context)
             << "the runtime library '" << runtimeLibrary << "' holds "
             << llvm::Triple::getArchTypeName((*object)->getArch())
             << " code, not " << target.getArchName()
             << "; build runtime/src/*.c with that target's C compiler into "
                "an archive and pass it with --runtime-lib=PATH (or use "
                "--emit=llvm)";
  }
  if (err)
    return error(context) << "cannot read " << runtimeLibrary << ": "
                          << llvm::toString(std::move(err));
  return success();
}

LogicalResult linkSharedLibrary(MLIRContext *context,
                                llvm::ArrayRef<char> object,
                                llvm::StringRef runtimeLibrary,
                                llvm::StringRef outputPath) {
  TempFile objectFile;
  if (failed(writeTemp(context, object, "o", objectFile)))
    return failure();
  // The runtime's whole archive: dlopen users call its API.
  // The runtime's whole archive: dlopen users call its API. nodelete: the
  // thread pool's workers outlive a dlclose, so the library must stay
  // mapped.
  return runCompilerDriver(
      context, {"-shared", "-o", outputPath.str(), objectFile.path.str().str(),
                "-Wl,--whole-archive", runtimeLibrary.str(),
                "-Wl,--no-whole-archive", "-Wl,-z,noexecstack",
                "-Wl,-z,nodelete", "-lm", "-lpthread"});
}

LogicalResult writeRelocatableObject(MLIRContext *context,
                                     llvm::ArrayRef<char> object,
                                     llvm::StringRef runtimeLibrary,
                                     llvm::StringRef outputPath) {
  TempFile objectFile;
  if (failed(writeTemp(context, object, "o", objectFile)))
    return failure();
  return runCompilerDriver(
      context, {"-r", "-nostdlib", "-o", outputPath.str(),
                objectFile.path.str().str(), "-Wl,--whole-archive",
                runtimeLibrary.str(), "-Wl,--no-whole-archive"});
}

LogicalResult writeStaticLibrary(MLIRContext *context,
                                 llvm::ArrayRef<char> object,
                                 llvm::StringRef runtimeLibrary,
                                 llvm::StringRef outputPath) {
  auto runtimeBuffer = llvm::MemoryBuffer::getFile(runtimeLibrary);
  if (!runtimeBuffer)
    return error(context) << "cannot read " << runtimeLibrary << ": "
                          << runtimeBuffer.getError().message();
  auto archive = llvm::object::Archive::create((*runtimeBuffer)->getMemBufferRef());
  if (!archive)
    return error(context) << runtimeLibrary << " is not an archive: "
                          << llvm::toString(archive.takeError());

  std::vector<llvm::NewArchiveMember> members;
  std::string objectName =
      (llvm::sys::path::stem(outputPath) + ".model.o").str();
  members.emplace_back(llvm::MemoryBufferRef(
      llvm::StringRef(object.data(), object.size()), objectName));
  llvm::Error err = llvm::Error::success();
  for (const llvm::object::Archive::Child &child : (*archive)->children(err)) {
    auto member = llvm::NewArchiveMember::getOldMember(child, /*Deterministic=*/true);
    if (!member)
      return error(context) << "cannot read a member of " << runtimeLibrary
                            << ": " << llvm::toString(member.takeError());
    members.push_back(std::move(*member));
  }
  if (err)
    return error(context) << "cannot read " << runtimeLibrary << ": "
                          << llvm::toString(std::move(err));
  if (llvm::Error e = llvm::writeArchive(
          outputPath, members, llvm::SymtabWritingMode::NormalSymtab,
          llvm::object::Archive::K_GNU, /*Deterministic=*/true,
          /*Thin=*/false))
    return error(context) << "cannot write " << outputPath << ": "
                          << llvm::toString(std::move(e));
  return success();
}

} // namespace onnxc
