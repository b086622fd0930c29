# The semaphore_compile_fail test (semaphore/CMakeLists.txt): compiles SOURCE (-fsyntax-only)
# once per case. Case 0 must compile; every case k > 0 named in SOURCE as `SEMFUZZ_CASE == k`
# must fail with an error that mentions EXPECTED.
#
#   cmake -DCXX=<compiler> -DFLAGS=<CMAKE_CXX_FLAGS> -DINCLUDE=<dir> -DSOURCE=<file> -P run.cmake
foreach(var CXX INCLUDE SOURCE)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run.cmake: -D${var}=... is missing")
  endif()
endforeach()
set(EXPECTED "TimeoutMsMustBeIntOrAChronoDuration")
separate_arguments(flags UNIX_COMMAND "${FLAGS}")

file(STRINGS "${SOURCE}" case_lines REGEX "SEMFUZZ_CASE == [0-9]+")
set(cases 0)
foreach(line IN LISTS case_lines)
  string(REGEX MATCH "SEMFUZZ_CASE == ([0-9]+)" _ "${line}")
  list(APPEND cases ${CMAKE_MATCH_1})
endforeach()
list(LENGTH cases count)
if(count LESS 2)
  message(FATAL_ERROR "run.cmake: no failing case in ${SOURCE}")
endif()

set(failures 0)
foreach(k IN LISTS cases)
  execute_process(
    COMMAND ${CXX} ${flags} -std=c++20 -fsyntax-only -I${INCLUDE} -DSEMFUZZ_CASE=${k} ${SOURCE}
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
    message(SEND_ERROR "case ${k} compiles, but its timeout would narrow silently")
    math(EXPR failures "${failures} + 1")
  elseif(NOT out MATCHES "${EXPECTED}")
    message(SEND_ERROR "case ${k} fails, but the error does not mention ${EXPECTED}:\n${out}")
    math(EXPR failures "${failures} + 1")
  else()
    message(STATUS "case ${k}: refused, the error names ${EXPECTED}")
  endif()
endforeach()
if(failures GREATER 0)
  message(FATAL_ERROR "${failures} of ${count} cases wrong")
endif()
