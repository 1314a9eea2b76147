//===- Linking.cpp - .so, .a and .o artifacts with the runtime ------------===//

#include "onnxc/Target/CPU/CPUTarget.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Object/Archive.h"
#include "llvm/Object/ArchiveWriter.h"
#include "llvm/Object/ObjectFile.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/TargetParser/Host.h"

using namespace mlir;

namespace onnxc {

static InFlightDiagnostic error(MLIRContext *context) {
  return emitError(UnknownLoc::get(context));
}

/// Whether `target` runs on the host's architecture, so that the host's
/// runtime archive and C compiler driver serve it.
static bool isHostArch(const llvm::Triple &target) {
  return target.getArch() ==
         llvm::Triple(llvm::sys::getProcessTriple()).getArch();
}

/// Spellings of `target` that name its folder of runtime archives and its
/// GNU cross tools: Debian's multiarch arch-os[-env] first
/// (aarch64-linux-gnu, also for --triple=arm64-linux-gnu), then LLVM's
/// normalized triple (aarch64-unknown-linux-gnu).
static llvm::SmallVector<std::string, 2>
targetSpellings(const llvm::Triple &target) {
  std::string multiarch = (llvm::Triple::getArchTypeName(target.getArch()) +
                           "-" + llvm::Triple::getOSTypeName(target.getOS()))
                              .str();
  if (target.getEnvironment() != llvm::Triple::UnknownEnvironment)
    multiarch +=
        ("-" + llvm::Triple::getEnvironmentTypeName(target.getEnvironment()))
            .str();
  llvm::SmallVector<std::string, 2> spellings{multiarch};
  if (target.str() != multiarch)
    spellings.push_back(target.str());
  return spellings;
}

/// Where the runtime archive for `target` may lie, in search order:
/// lib/<triple>/libonnxc_runtime.a for each spelling of the triple, then,
/// for the host's architecture, lib/libonnxc_runtime.a; lib/ is the one
/// beside the bin/ folder of the running executable (a build tree or an
/// install prefix).
static llvm::SmallVector<std::string, 3>
runtimeLibraryCandidates(const llvm::Triple &target) {
  // Any address inside this binary finds its path.
  static int anchor;
  std::string executable = llvm::sys::fs::getMainExecutable(nullptr, &anchor);
  llvm::SmallString<256> libDir(
      llvm::sys::path::parent_path(llvm::sys::path::parent_path(executable)));
  llvm::sys::path::append(libDir, "lib");
  llvm::SmallVector<std::string, 3> candidates;
  for (const std::string &spelling : targetSpellings(target)) {
    llvm::SmallString<256> path(libDir);
    llvm::sys::path::append(path, spelling, "libonnxc_runtime.a");
    candidates.push_back(path.str().str());
  }
  if (isHostArch(target)) {
    llvm::SmallString<256> path(libDir);
    llvm::sys::path::append(path, "libonnxc_runtime.a");
    candidates.push_back(path.str().str());
  }
  return candidates;
}

std::string findRuntimeLibrary(llvm::StringRef override,
                               const llvm::Triple &target) {
  if (!override.empty())
    return override.str();
  llvm::SmallVector<std::string, 3> candidates =
      runtimeLibraryCandidates(target);
  for (const std::string &path : candidates)
    if (llvm::sys::fs::exists(path))
      return path;
  // None: the first, which checkRuntimeLibrary reports with the others.
  return candidates.front();
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

/// The C compiler driver that links for `target`: $CC when set; `cc` for
/// the host's architecture; otherwise the target's GNU cross driver on PATH
/// (aarch64-linux-gnu-gcc, then aarch64-unknown-linux-gnu-gcc). An error
/// names what was looked for.
static FailureOr<std::string> findCompilerDriver(MLIRContext *context,
                                                 const llvm::Triple &target) {
  const char *cc = std::getenv("CC");
  if ((cc && *cc) || isHostArch(target)) {
    std::string name = cc && *cc ? cc : "cc";
    if (llvm::ErrorOr<std::string> driver = llvm::sys::findProgramByName(name))
      return *driver;
    return error(context) << "linking needs a C compiler driver ('" << name
                          << "', or set CC); none found on PATH";
  }
  llvm::SmallVector<std::string, 2> names;
  for (const std::string &spelling : targetSpellings(target)) {
    names.push_back(spelling + "-gcc");
    if (llvm::ErrorOr<std::string> driver =
            llvm::sys::findProgramByName(names.back()))
      return *driver;
  }
  return error(context) << "linking for " << target.str()
                        << " needs a C compiler driver for that target: looked "
                           "for "
                        << llvm::join(names, " and ")
                        << " on PATH and found none (Debian's package: gcc-"
                        << targetSpellings(target).front()
                        << "), or set CC; a .a output needs no driver";
}

/// Runs the C compiler driver for `target` (findCompilerDriver) with
/// `args`.
static LogicalResult runCompilerDriver(MLIRContext *context,
                                       const llvm::Triple &target,
                                       llvm::ArrayRef<std::string> args) {
  FailureOr<std::string> driver = findCompilerDriver(context, target);
  if (failed(driver))
    return failure();
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
  // No archive for a foreign target where the compiler looks for one: say
  // where it looked and how to make one.
  if (!buffer && !isHostArch(target) &&
      runtimeLibrary == findRuntimeLibrary("", target))
    return error(context)
           << "no runtime library for " << target.str()
           << " beside onnx-compile (looked for '"
           << llvm::join(runtimeLibraryCandidates(target), "' and '")
           << "'): build runtime/src/*.c with that target's C compiler into "
              "an archive and pass it with --runtime-lib=PATH (the build "
              "makes lib/aarch64-linux-gnu/libonnxc_runtime.a when "
              "aarch64-linux-gnu-gcc is installed), or use --emit=llvm";
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
                                const llvm::Triple &target,
                                llvm::StringRef outputPath) {
  TempFile objectFile;
  if (failed(writeTemp(context, object, "o", objectFile)))
    return failure();
  // The runtime's whole archive: dlopen users call its API. nodelete: the
  // thread pool's workers outlive a dlclose, so the library must stay
  // mapped.
  return runCompilerDriver(
      context, target,
      {"-shared", "-o", outputPath.str(), objectFile.path.str().str(),
       "-Wl,--whole-archive", runtimeLibrary.str(), "-Wl,--no-whole-archive",
       "-Wl,-z,noexecstack", "-Wl,-z,nodelete", "-lm", "-lpthread"});
}

LogicalResult writeRelocatableObject(MLIRContext *context,
                                     llvm::ArrayRef<char> object,
                                     llvm::StringRef runtimeLibrary,
                                     const llvm::Triple &target,
                                     llvm::StringRef outputPath) {
  TempFile objectFile;
  if (failed(writeTemp(context, object, "o", objectFile)))
    return failure();
  return runCompilerDriver(context, target,
                           {"-r", "-nostdlib", "-o", outputPath.str(),
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
