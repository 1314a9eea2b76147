#===- OnnxCompileModel.cmake - onnx_compile_model() ----------------------===#
#
# Loaded by OnnxCompileConfig.cmake (find_package(OnnxCompile)); documented
# in docs/cmake.md.
#
#   onnx_compile_model(<target> MODEL <file.onnx> [NAME <symbol-prefix>]
#                      [CPU <name>] [INPUT_SHAPES <name=DxD>...]
#                      [OPTIONS <flag>...] [DEPENDS <file>...])
#
# Compiles the model at build time with onnx-compile into one relocatable
# object (the model and its copy of the runtime) and wraps it in the static
# library <target>, whose usage requirements are the generated <NAME>.h, the
# runtime's onnxc/runtime.h, libm and the thread library: linking <target>
# is all a program needs to call <NAME>_run().
#
#===----------------------------------------------------------------------===#

include_guard(GLOBAL)

# Functions run under the policies recorded where they are defined, not
# under the caller's.
cmake_policy(PUSH)
cmake_policy(VERSION 3.20)

# Reads the onnx-compile flags `options` (the OPTIONS of the call `fn`) as
# onnx-compile does: -flag or --flag, the value after '=' or as the next
# item, and -O's level attached (-O2) or not. Sets, in the caller's scope,
# `external_weights` (TRUE for --weights external; the last --weights
# wins), `triple` ("" without --triple) and `runtime` (the --runtime-lib
# given, else ""). Refuses -o, --emit and --name, which the function sets,
# and a flag missing its value.
function(_onnx_compile_parse_options fn options)
  # onnx-compile's flags that take a value; any other flag is taken as one
  # that stands alone (a value it might take is then read as an item of
  # its own, which matches none of these).
  set(valued o name emit cpu triple weights runtime-lib input-shape
             disable-pass O target gpu-arch cuda-path ptxas)
  set(external_weights FALSE)
  set(triple "")
  set(runtime "")
  list(LENGTH options count)
  set(i 0)
  while(i LESS count)
    list(GET options ${i} option)
    math(EXPR i "${i} + 1")
    set(flag "")
    set(value "")
    set(attached FALSE)
    if(option MATCHES "^--?O(.*)$")
      set(flag O)
      set(value "${CMAKE_MATCH_1}")
      if(NOT value STREQUAL "")
        set(attached TRUE)
      endif()
    elseif(option MATCHES "^--?([A-Za-z0-9][A-Za-z0-9_.-]*)(=(.*))?$")
      set(flag "${CMAKE_MATCH_1}")
      if(NOT "${CMAKE_MATCH_2}" STREQUAL "")
        set(value "${CMAKE_MATCH_3}")
        set(attached TRUE)
      endif()
    endif()
    if(flag STREQUAL "")
      continue()
    endif()
    if(flag IN_LIST valued AND NOT attached)
      if(NOT i LESS count)
        message(FATAL_ERROR "${fn}: OPTIONS flag '${option}' needs a value "
          "(${option}=VALUE, or the value as the next item)")
      endif()
      list(GET options ${i} value)
      math(EXPR i "${i} + 1")
    endif()
    if(flag MATCHES "^(o|emit|name)$")
      message(FATAL_ERROR "${fn}: OPTIONS may not set '${option}'; the "
        "output, its kind and NAME are set by onnx_compile_model")
    elseif(flag STREQUAL "weights")
      if(value STREQUAL "external")
        set(external_weights TRUE)
      else()
        set(external_weights FALSE)
      endif()
    elseif(flag STREQUAL "triple")
      set(triple "${value}")
    elseif(flag STREQUAL "runtime-lib")
      set(runtime "${value}")
    endif()
  endwhile()
  set(external_weights ${external_weights} PARENT_SCOPE)
  set(triple "${triple}" PARENT_SCOPE)
  set(runtime "${runtime}" PARENT_SCOPE)
endfunction()

function(onnx_compile_model target)
  set(fn "onnx_compile_model(${target})")
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "MODEL;NAME;CPU"
                        "INPUT_SHAPES;OPTIONS;DEPENDS")
  if(ARG_UNPARSED_ARGUMENTS)
    list(JOIN ARG_UNPARSED_ARGUMENTS " " unexpected)
    message(FATAL_ERROR "${fn}: unexpected argument(s) '${unexpected}'; "
      "the keywords are MODEL, NAME, CPU, INPUT_SHAPES, OPTIONS and DEPENDS")
  endif()
  # An empty list after INPUT_SHAPES, OPTIONS or DEPENDS is fine (a
  # variable that holds no flags); a keyword taking one value needs it.
  foreach(keyword IN ITEMS NAME CPU)
    if(keyword IN_LIST ARG_KEYWORDS_MISSING_VALUES OR
       (DEFINED ARG_${keyword} AND ARG_${keyword} STREQUAL ""))
      message(FATAL_ERROR "${fn}: ${keyword} given without a value")
    endif()
  endforeach()
  if("${ARG_MODEL}" STREQUAL "")
    message(FATAL_ERROR "${fn}: MODEL <file.onnx> is required")
  endif()
  if(TARGET "${target}")
    message(FATAL_ERROR "${fn}: a target named '${target}' already exists")
  endif()

  get_property(prefix GLOBAL PROPERTY ONNX_COMPILE_PREFIX)
  if(NOT prefix)
    message(FATAL_ERROR "${fn}: call find_package(OnnxCompile) first")
  endif()
  set(compiler "${prefix}/bin/onnx-compile")

  # The model: relative paths are from the calling CMakeLists.txt. It may
  # be the output of a custom command that runs before this one.
  get_filename_component(model "${ARG_MODEL}" ABSOLUTE
                         BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  get_source_file_property(generated "${model}" GENERATED)
  if(IS_DIRECTORY "${model}")
    message(FATAL_ERROR "${fn}: MODEL '${model}' is a directory")
  elseif(NOT EXISTS "${model}" AND NOT generated)
    message(FATAL_ERROR "${fn}: MODEL '${model}' does not exist and is not "
      "the output of a custom command")
  endif()

  # The symbol prefix: NAME_run, NAME_model, NAME_WORKSPACE_BYTES, NAME.h.
  if(DEFINED ARG_NAME)
    set(name "${ARG_NAME}")
    if(NOT name MATCHES "^[A-Za-z_][A-Za-z0-9_]*$")
      message(FATAL_ERROR
        "${fn}: NAME '${name}' is not a C identifier ([A-Za-z_][A-Za-z0-9_]*)")
    endif()
  else()
    string(MAKE_C_IDENTIFIER "${target}" name)
  endif()

  # Two objects defining NAME_run() link silently: the linker takes the
  # first archive's and never pulls in the second, so one model would run
  # in place of the other.
  get_property(other GLOBAL PROPERTY "ONNX_COMPILE_TARGET_OF_NAME_${name}")
  if(other)
    message(FATAL_ERROR "${fn}: NAME '${name}' is already the NAME of target "
      "'${other}' (onnx_compile_model(${other})); the symbols ${name}_run() "
      "and ${name}_model() of the two would clash and a program linking both "
      "would silently run one model for both: give each its own NAME")
  endif()
  set_property(GLOBAL PROPERTY "ONNX_COMPILE_TARGET_OF_NAME_${name}" "${target}")

  set(flags "--name=${name}")
  if(DEFINED ARG_CPU)
    list(APPEND flags "--cpu=${ARG_CPU}")
  endif()
  foreach(shape IN LISTS ARG_INPUT_SHAPES)
    if(NOT shape MATCHES "^.+=[0-9]+(x[0-9]+)*$")
      message(FATAL_ERROR "${fn}: INPUT_SHAPES entry '${shape}' is not "
        "<input name>=<dims> such as image=1x3x224x224")
    endif()
    list(APPEND flags "--input-shape=${shape}")
  endforeach()

  # What OPTIONS means for this function: whether the weights go to a
  # file, the target triple and the runtime archive. onnx-compile (LLVM's
  # command line) takes -flag or --flag, with the value after '=' or as the
  # next item (`--weights external`), and -O's level attached (-O2) or not.
  _onnx_compile_parse_options("${fn}" "${ARG_OPTIONS}")

  # The runtime archive is linked into the object, so a new one must
  # recompile the model too: the --runtime-lib= given, the one of the
  # --triple= given, or the host's.
  if(NOT runtime STREQUAL "")
    get_filename_component(runtime "${runtime}" ABSOLUTE
                           BASE_DIR "${CMAKE_CURRENT_BINARY_DIR}")
  elseif(NOT triple STREQUAL "")
    # onnx-compile's spellings of the folder: the triple as given, then
    # arch-os-env (aarch64 for arm64, no vendor).
    string(REGEX REPLACE "^arm64-" "aarch64-" multiarch "${triple}")
    string(REGEX REPLACE "^([^-]+)-(unknown|pc)-" "\\1-" multiarch "${multiarch}")
    set(candidates "${prefix}/lib/${triple}/libonnxc_runtime.a"
                   "${prefix}/lib/${multiarch}/libonnxc_runtime.a")
    # The build machine's architecture falls back to the host's runtime.
    if(multiarch MATCHES "^${CMAKE_HOST_SYSTEM_PROCESSOR}-")
      list(APPEND candidates "${prefix}/lib/libonnxc_runtime.a")
    endif()
    foreach(candidate IN LISTS candidates)
      if(EXISTS "${candidate}")
        set(runtime "${candidate}")
        break()
      endif()
    endforeach()
  else()
    set(runtime "${prefix}/lib/libonnxc_runtime.a")
  endif()
  if(NOT EXISTS "${runtime}")
    # onnx-compile reports a missing runtime itself, naming the model.
    set(runtime "")
  endif()
  if(CMAKE_CROSSCOMPILING AND NOT triple)
    message(WARNING "${fn}: the project is cross-compiled "
      "(CMAKE_SYSTEM_PROCESSOR ${CMAKE_SYSTEM_PROCESSOR}) but OPTIONS has no "
      "--triple; the model is compiled for the build machine")
  endif()

  # One folder per target, named after it.
  set(dir "${CMAKE_CURRENT_BINARY_DIR}/onnx_compile_model/${target}")
  set(object "${dir}/${name}.o")
  set(header "${dir}/${name}.h")
  set(outputs "${object}" "${header}")
  set(weights "")
  if(external_weights)
    # The runtime looks for it beside the program (or takes a path from
    # onnxc_weights_load()); the ONNX_COMPILE_WEIGHTS property tells where
    # to copy it from.
    set(weights "${dir}/${name}.weights")
    list(APPEND outputs "${weights}")
  endif()
  file(MAKE_DIRECTORY "${dir}")
  get_filename_component(model_file "${model}" NAME)
  add_custom_command(
    OUTPUT ${outputs}
    COMMAND "${compiler}" "${model}" -o "${object}" ${flags} ${ARG_OPTIONS}
    DEPENDS "${model}" "${compiler}" ${runtime} ${ARG_DEPENDS}
    COMMENT "Compiling ONNX model ${model_file} for ${target} (${name}.h)"
    VERBATIM)
  set_source_files_properties("${object}" PROPERTIES
    EXTERNAL_OBJECT TRUE GENERATED TRUE)

  # A static library needs a linker language only to pick the archiver.
  get_property(languages GLOBAL PROPERTY ENABLED_LANGUAGES)
  if("C" IN_LIST languages)
    set(language C)
  elseif("CXX" IN_LIST languages)
    set(language CXX)
  else()
    message(FATAL_ERROR "${fn}: enable C or CXX in project() first")
  endif()
  if(NOT TARGET Threads::Threads)
    find_package(Threads REQUIRED)
  endif()

  add_library("${target}" STATIC "${object}" "${header}")
  set_target_properties("${target}" PROPERTIES
    LINKER_LANGUAGE ${language}
    ONNX_COMPILE_MODEL "${model}"
    ONNX_COMPILE_NAME "${name}"
    ONNX_COMPILE_HEADER "${header}"
    ONNX_COMPILE_WEIGHTS "${weights}")
  target_include_directories("${target}" INTERFACE "${dir}" "${prefix}/include")
  # dlopen: external weights find their file, CUDA models load the driver.
  target_link_libraries("${target}" INTERFACE m Threads::Threads
                        ${CMAKE_DL_LIBS})
endfunction()

cmake_policy(POP)
