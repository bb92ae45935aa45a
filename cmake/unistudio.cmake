# Helpers shared by every module's CMakeLists.txt.
#
#   unistudio_library(name SOURCES... DEPS...)  a static library; *_test.cc files are excluded.
#   unistudio_test(name SOURCES... DEPS...)     a GoogleTest binary registered with ctest.
#   unistudio_embed(target symbol file)         links `file`'s bytes into `target` as
#                                               `extern const std::string_view symbol`.
#   unistudio_fuzzer(name SOURCES... DEPS...)   a libFuzzer target (UNISTUDIO_FUZZ builds only).

function(unistudio_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
endfunction()

function(unistudio_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  if(NOT UNISTUDIO_TESTS OR UNISTUDIO_FUZZ)
    return()
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main GTest::gmock)
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES LABELS "unit;${ARG_LABELS}")
endfunction()

function(unistudio_fuzzer name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  if(NOT UNISTUDIO_FUZZ)
    return()
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
endfunction()

function(unistudio_embed target symbol file)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/embed_${symbol}.cc)
  file(WRITE ${out}.in
"// Generated: the bytes of ${file}.\n#include <string_view>\n"
"__asm__(\".section .rodata\\n.balign 16\\n${symbol}_begin:\\n.incbin \\\"${file}\\\"\\n${symbol}_end:\\n.byte 0\\n.previous\\n\");\n"
"extern \"C\" const char ${symbol}_begin[];\nextern \"C\" const char ${symbol}_end[];\n"
"extern const std::string_view ${symbol}(${symbol}_begin, static_cast<size_t>(${symbol}_end - ${symbol}_begin));\n")
  configure_file(${out}.in ${out} COPYONLY)
  set_source_files_properties(${out} PROPERTIES OBJECT_DEPENDS ${file})
  target_sources(${target} PRIVATE ${out})
endfunction()
