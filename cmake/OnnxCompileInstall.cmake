#===- OnnxCompileInstall.cmake - install rules and the CMake package -----===#
#
# `cmake --install build --prefix P` writes
#
#   P/bin/onnx-compile, P/bin/onnx-run
#   P/lib/libonnxc_runtime.a            the host's runtime
#   P/lib/<triple>/libonnxc_runtime.a   cross-built runtimes (installed by
#                                       cmake/CrossRuntimes.cmake)
#   P/include/onnxc/runtime.h
#   P/lib/cmake/OnnxCompile/            OnnxCompileConfig.cmake (+ version file)
#                                       and OnnxCompileModel.cmake
#   P/share/doc/onnx-compile/           README.md, docs/*.md, examples/: the
#                                       source tree's layout, so that the
#                                       relative links between them work
#
# bin/ and lib/ are fixed names, not GNUInstallDirs' (lib/x86_64-linux-gnu
# under /usr): onnx-compile finds its runtime at <its dir>/../lib.
#
#===----------------------------------------------------------------------===#

include(CMakePackageConfigHelpers)

set(ONNXC_INSTALL_CMAKEDIR lib/cmake/OnnxCompile)
set(ONNXC_INSTALL_DOCDIR share/doc/onnx-compile)

install(TARGETS onnx-compile onnx-run RUNTIME DESTINATION bin)
# Debian puts libMLIR.so in /usr/lib/llvm-22/lib, outside the loader's
# search path; install drops the build RUNPATH, so keep the link
# directories outside the build tree instead.
set_target_properties(onnx-compile onnx-run PROPERTIES
  INSTALL_RPATH_USE_LINK_PATH ON)

install(TARGETS onnxc_runtime ARCHIVE DESTINATION lib)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/runtime/include/onnxc
  DESTINATION include FILES_MATCHING PATTERN "*.h")

configure_package_config_file(
  ${PROJECT_SOURCE_DIR}/cmake/OnnxCompileConfig.cmake.in
  ${PROJECT_BINARY_DIR}/cmake/OnnxCompileConfig.cmake
  INSTALL_DESTINATION ${ONNXC_INSTALL_CMAKEDIR})
# 0.x: a new minor version may change the function or the runtime ABI.
# ARCH_INDEPENDENT: the package holds host tools, and the project using it
# may build for another target (a 32-bit one, say).
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/cmake/OnnxCompileConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMinorVersion
  ARCH_INDEPENDENT)
install(FILES
  ${PROJECT_BINARY_DIR}/cmake/OnnxCompileConfig.cmake
  ${PROJECT_BINARY_DIR}/cmake/OnnxCompileConfigVersion.cmake
  ${PROJECT_SOURCE_DIR}/cmake/OnnxCompileModel.cmake
  DESTINATION ${ONNXC_INSTALL_CMAKEDIR})

install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${ONNXC_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs
  DESTINATION ${ONNXC_INSTALL_DOCDIR} FILES_MATCHING PATTERN "*.md")
install(DIRECTORY ${PROJECT_SOURCE_DIR}/examples
  DESTINATION ${ONNXC_INSTALL_DOCDIR})
