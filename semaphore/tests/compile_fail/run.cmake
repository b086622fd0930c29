# A compile-fail test (semaphore_compile_fail, semaphore/CMakeLists.txt; adapter_compile_fail,
# fuzz/instrumented/instrumented.cmake): compiles SOURCE (-fsyntax-only) once per case. Case 0 must
# compile; every case k > 0 named in SOURCE as `SEMFUZZ_CASE == k` must fail with an error that
# mentions EXPECTED, or what the line that names the case gives as `expects "TEXT"`.
#
#   cmake -DCXX=<compiler> -DFLAGS=<CMAKE_CXX_FLAGS> -DINCLUDE=<dir>[|<dir>...] -DSOURCE=<file>
#         [-DEXPECTED=<text>] -P run.cmake
cmake_policy(SET CMP0057 NEW)  # if(... IN_LIST ...) in a script
foreach(var CXX INCLUDE SOURCE)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run.cmake: -D${var}=... is missing")
  endif()
endforeach()
if(NOT DEFINED EXPECTED)
  set(EXPECTED "TimeoutMsMustBeIntOrAChronoDuration")
endif()
separate_arguments(flags UNIX_COMMAND "${FLAGS}")
string(REPLACE "|" ";" include_dirs "${INCLUDE}")
list(TRANSFORM include_dirs PREPEND "-I")

file(STRINGS "${SOURCE}" case_lines REGEX "SEMFUZZ_CASE == [0-9]+")
set(cases 0)
foreach(line IN LISTS case_lines)
  string(REGEX MATCH "SEMFUZZ_CASE == ([0-9]+)" _ "${line}")
  set(k ${CMAKE_MATCH_1})
  if(NOT k IN_LIST cases)
    list(APPEND cases ${k})
  endif()
  # (a case may be named on several lines: the one with `expects` says what its error mentions)
  if(line MATCHES "expects \"([^\"]+)\"")
    set(expected_${k} "${CMAKE_MATCH_1}")
  elseif(NOT DEFINED expected_${k})
    set(expected_${k} "${EXPECTED}")
  endif()
endforeach()
list(LENGTH cases count)
if(count LESS 2)
  message(FATAL_ERROR "run.cmake: no failing case in ${SOURCE}")
endif()

set(failures 0)
foreach(k IN LISTS cases)
  execute_process(
    COMMAND ${CXX} ${flags} -std=c++20 -fsyntax-only ${include_dirs} -DSEMFUZZ_CASE=${k} ${SOURCE}
    RESULT_VARIABLE rc
    OUTPUT_VARIABLE out
    ERROR_VARIABLE out)
  if(k EQUAL 0)
    if(rc EQUAL 0)
      message(STATUS "case 0 (valid calls): compiles, as it must")
    else()
      message(SEND_ERROR "case 0 (valid calls) does not compile:\n${out}")
      math(EXPR failures "${failures} + 1")
    endif()
  elseif(rc EQUAL 0)
    message(SEND_ERROR "case ${k} compiles, but must not (its error would mention "
                       "${expected_${k}})")
    math(EXPR failures "${failures} + 1")
  else()
    string(FIND "${out}" "${expected_${k}}" at)
    if(at EQUAL -1)
      message(SEND_ERROR "case ${k} fails, but the error does not mention ${expected_${k}}:\n${out}")
      math(EXPR failures "${failures} + 1")
    else()
      message(STATUS "case ${k}: refused, the error names ${expected_${k}}")
    endif()
  endif()
endforeach()
if(failures GREATER 0)
  message(FATAL_ERROR "${failures} of ${count} cases wrong")
endif()
