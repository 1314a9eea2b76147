# Runtime archives for cross compiles: runtime/ built by each target's GNU
# cross compiler into lib/<triple>/libonnxc_runtime.a, where onnx-compile
# --triple=<triple> looks for it (lib/Target/CPU/Linking.cpp). One C
# compiler per CMake project, so each target is a project of its own
# (runtime/cross with cmake/toolchains/<triple>.cmake), run by
# ExternalProject at every build (its ninja is a no-op when nothing changed).
#
# ONNXC_CROSS_RUNTIMES: AUTO (default) builds a target's archive when its
# compiler <triple>-gcc is on PATH, ON requires the compilers, OFF skips.
include(ExternalProject)

set(ONNXC_CROSS_RUNTIMES AUTO CACHE STRING
    "Build the runtime for aarch64-linux-gnu with aarch64-linux-gnu-gcc: AUTO (when found), ON or OFF")
set_property(CACHE ONNXC_CROSS_RUNTIMES PROPERTY STRINGS AUTO ON OFF)

# Builds lib/${triple}/libonnxc_runtime.a (target onnxc_runtime_${triple})
# with ${triple}-gcc, or says with a STATUS message why not.
function(onnxc_add_cross_runtime triple debian_package)
  set(archive "${PROJECT_BINARY_DIR}/lib/${triple}/libonnxc_runtime.a")
  if(ONNXC_CROSS_RUNTIMES STREQUAL "OFF")
    message(STATUS "Runtime for ${triple}: skipped (ONNXC_CROSS_RUNTIMES=OFF); "
                   "onnx-compile --triple=${triple} needs --runtime-lib=PATH")
    return()
  endif()
  string(MAKE_C_IDENTIFIER "ONNXC_CC_${triple}" cc_var)
  find_program(${cc_var} ${triple}-gcc)
  if(NOT ${cc_var})
    set(why "skipped: ${triple}-gcc not found (utils/setup.sh installs ${debian_package}); "
            "onnx-compile --triple=${triple} needs --runtime-lib=PATH and the "
            "${triple} tests are UNSUPPORTED")
    if(ONNXC_CROSS_RUNTIMES STREQUAL "ON")
      message(FATAL_ERROR "Runtime for ${triple}: ${why}")
    endif()
    message(STATUS "Runtime for ${triple}: ${why}")
    return()
  endif()
  message(STATUS "Runtime for ${triple}: building ${archive} with ${${cc_var}}")

  set(launcher)
  if(CCACHE_PROGRAM)
    set(launcher -DCMAKE_C_COMPILER_LAUNCHER=${CCACHE_PROGRAM})
  endif()
  ExternalProject_Add(onnxc_runtime_${triple}
    SOURCE_DIR ${PROJECT_SOURCE_DIR}/runtime/cross
    PREFIX ${PROJECT_BINARY_DIR}/runtime-cross/${triple}
    BINARY_DIR ${PROJECT_BINARY_DIR}/runtime-cross/${triple}/build
    CMAKE_ARGS
      -DCMAKE_TOOLCHAIN_FILE=${PROJECT_SOURCE_DIR}/cmake/toolchains/${triple}.cmake
      -DCMAKE_BUILD_TYPE=Release
      -DCMAKE_ARCHIVE_OUTPUT_DIRECTORY=${PROJECT_BINARY_DIR}/lib/${triple}
      ${launcher}
    # Runs the sub-build each time, which rebuilds on a change of
    # runtime/ (sources or CMakeLists.txt).
    BUILD_ALWAYS ON
    BUILD_BYPRODUCTS ${archive}
    INSTALL_COMMAND "")
  # The same layout in an install prefix: onnx-compile finds
  # <prefix>/lib/${triple}/libonnxc_runtime.a from <prefix>/bin.
  install(FILES ${archive} DESTINATION lib/${triple})
endfunction()

onnxc_add_cross_runtime(aarch64-linux-gnu gcc-aarch64-linux-gnu)
