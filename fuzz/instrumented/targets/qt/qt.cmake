# schedule_qt: Qt's own QSemaphore (qsemaphore.cpp of the installed Qt's version) compiled with the
# instrumentation, everything else from the installed libQt6Core; a bring-your-own-semaphore target
# (semfuzz_add_instrumented_target) with fuzz/instrumented/targets/qt/qt_adapter.h. Included from
# fuzz/CMakeLists.txt where Qt 6 is found and instrumented targets are built (clang, no TSan, not
# OSS-Fuzz).
#
# Qt's code is never in this repository. The source comes from -DSEMFUZZ_QT_SOURCE_DIR=<a qtbase
# source tree of the installed Qt's version> or, by default, from Debian's source package of the
# installed libQt6Core, fetched once into the build tree (fetch_source.py: apt's source client with
# a private sources list and state; apt checks the files against the archive's signed index).
# Compiled from it, instrumented:
#   src/corelib/thread/qsemaphore.cpp      the code under test, after the edits of
#                                          fuzz/instrumented/targets/qt/qsemaphore.edits (none but a
#                                          mutant's: apply_edits.py);
#   src/corelib/kernel/qdeadlinetimer.cpp  QDeadlineTimer, and QElapsedTimer's clock reads
#   src/corelib/kernel/qelapsedtimer_unix.cpp  (clock_getres, clock_gettime): qsemaphore.cpp's timed
#                                          wait reads the time through them, so they run on virtual
#                                          time (their copies in libQt6Core would read the real
#                                          clock).
# Qt's private headers (qfutex_p.h, ...) come from the installed Qt (Debian: qt6-base-private-dev).
# Where any of this is missing, the target is skipped with one line saying why and how to enable it.
#
# Under a Qt mutant (an edit in qsemaphore.edits), threads_qt (real threads, any sanitizer) also
# compiles the edited qsemaphore.cpp into itself, so that its QSemaphore members replace
# libQt6Core's: the mutant's real-thread column (scripts/semfuzz mutants --target threads_qt).
set(SEMFUZZ_QT_SOURCE_DIR "" CACHE PATH
    "A qtbase source tree of the installed Qt's version for schedule_qt (default: fetched)")
set(qt_files src/corelib/thread/qsemaphore.cpp src/corelib/kernel/qdeadlinetimer.cpp
             src/corelib/kernel/qelapsedtimer_unix.cpp)
set(qt_enable "pass -DSEMFUZZ_QT_SOURCE_DIR=<qtbase ${Qt6Core_VERSION} source tree>, or build on "
              "Debian with its deb-src archive reachable")

set(qt_edits ${CMAKE_CURRENT_LIST_DIR}/qsemaphore.edits)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${qt_edits})
file(STRINGS ${qt_edits} qt_edit_lines REGEX "^@@")

function(semfuzz_qt_targets)
  set(instrumented FALSE)
  if(TARGET semfuzz_instr_runtime)
    set(instrumented TRUE)
  endif()
  set(mutated_threads FALSE)
  if(qt_edit_lines AND TARGET threads_qt_fuzzer)
    set(mutated_threads TRUE)
  endif()
  if(NOT instrumented AND NOT mutated_threads)
    return()
  endif()
  if(NOT TARGET Python3::Interpreter)
    find_package(Python3 COMPONENTS Interpreter)
    if(NOT Python3_Interpreter_FOUND)
      message(STATUS "schedule_qt skipped: no Python 3 for fetch_source.py (apt-get install python3)")
      return()
    endif()
  endif()
  # Qt's private headers, and the mkspec's qplatformdefs.h that qelapsedtimer_unix.cpp includes.
  set(includes "")
  foreach(t Qt6::Core Qt6::CorePrivate Qt6::Platform)
    if(TARGET ${t})
      get_target_property(dirs ${t} INTERFACE_INCLUDE_DIRECTORIES)
      if(dirs)
        list(APPEND includes ${dirs})
      endif()
    endif()
  endforeach()
  set(private "")
  foreach(dir ${includes})
    if(EXISTS ${dir}/private/qfutex_p.h)
      set(private ${dir}/private)
    endif()
  endforeach()
  if(NOT private)
    message(STATUS "schedule_qt skipped: Qt's private headers are not installed (apt-get install "
                   "qt6-base-private-dev)")
    return()
  endif()

  # The source: the user's tree, or the fetched one.
  if(SEMFUZZ_QT_SOURCE_DIR)
    set(src ${SEMFUZZ_QT_SOURCE_DIR})
    if(EXISTS ${src}/.cmake.conf)
      file(STRINGS ${src}/.cmake.conf version REGEX "QT_REPO_MODULE_VERSION")
      if(NOT version MATCHES "\"${Qt6Core_VERSION}\"")
        message(STATUS "schedule_qt skipped: SEMFUZZ_QT_SOURCE_DIR is not Qt ${Qt6Core_VERSION}'s "
                       "source (${version}); ${qt_enable}")
        return()
      endif()
    endif()
  else()
    set(dest ${PROJECT_BINARY_DIR}/qt-source)
    get_target_property(library Qt6::Core LOCATION)
    execute_process(
      COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/fetch_source.py --library ${library}
              --qt-version ${Qt6Core_VERSION} --dest ${dest} --files ${qt_files}
      RESULT_VARIABLE fetched OUTPUT_VARIABLE out ERROR_VARIABLE why
      OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_STRIP_TRAILING_WHITESPACE)
    if(NOT fetched EQUAL 0)
      message(STATUS "schedule_qt skipped: ${why}; ${qt_enable}")
      return()
    endif()
    if(out)
      message(STATUS "${out}")
    endif()
    set(src ${dest}/qtbase)
  endif()
  foreach(f ${qt_files})
    if(NOT EXISTS ${src}/${f})
      message(STATUS "schedule_qt skipped: ${src} has no ${f}; ${qt_enable}")
      return()
    endif()
  endforeach()

  # qsemaphore.cpp as the edits leave it (a mutant's; unchanged without one).
  set(edits ${qt_edits})
  set(edited ${CMAKE_CURRENT_BINARY_DIR}/qt/qsemaphore.cpp)
  add_custom_command(
    OUTPUT ${edited}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_CURRENT_BINARY_DIR}/qt
    COMMAND Python3::Interpreter ${CMAKE_CURRENT_LIST_DIR}/apply_edits.py --edits ${edits}
            --source ${src}/src/corelib/thread/qsemaphore.cpp --out ${edited}
    DEPENDS ${edits} ${CMAKE_CURRENT_LIST_DIR}/apply_edits.py
            ${src}/src/corelib/thread/qsemaphore.cpp
    COMMENT "Applying fuzz/instrumented/targets/qt/qsemaphore.edits to Qt's qsemaphore.cpp"
    VERBATIM)

  if(mutated_threads)  # threads_qt runs the mutant (its sanitizers, real threads)
    foreach(exe threads_qt_fuzzer threads_qt_replay)
      target_sources(${exe} PRIVATE ${edited})
      target_include_directories(${exe} PRIVATE ${includes} ${private})
      target_compile_definitions(${exe} PRIVATE QT_NO_DEBUG)
    endforeach()
    message(STATUS "threads_qt runs the edited qsemaphore.cpp (fuzz/instrumented/targets/qt/qsemaphore.edits)")
  endif()
  if(NOT instrumented)
    return()
  endif()

  # Qt's flags as Debian builds libQt6Core (release: QT_NO_DEBUG, so Q_ASSERT is off as in the
  # library users run); QT_NO_KEYWORDS: the harness's own names (contract::patience::forever).
  # ALLOW: the calls into libQt6Core on qCritical's way (Qt reports a waiter-count overflow with
  # it), which only format and print a message, and getenv (SEMFUZZ_KNOWN_BUGS, read once by the
  # adapter: fuzz/schedule/std_adapter.h); any other call into Qt's library (e.g.
  # QDeadlineTimer's metatype registration, which the semaphore never reaches) stays unsupported.
  semfuzz_add_instrumented_target(
    schedule_qt
    SOURCES ${edited} ${src}/src/corelib/kernel/qdeadlinetimer.cpp
            ${src}/src/corelib/kernel/qelapsedtimer_unix.cpp
    ADAPTER ${CMAKE_CURRENT_LIST_DIR}/qt_adapter.h
    ADAPTER_CLASS semfuzz::instr_qt::qt_semaphore
    OPTIONS -DQT_NO_KEYWORDS -DQT_NO_DEBUG -DQT_CORE_LIB
    INCLUDE_DIRECTORIES ${includes} ${private}
    ALLOW "getenv|qt_version_tag|_ZNK14QMessageLogger8criticalEv|_ZN6QDebugD1Ev|_ZN11QTextStreamls.*|_ZN7QString8fromUtf8E14QByteArrayView|_ZN10QArrayData10deallocateEPS_xx")
  foreach(exe schedule_qt_fuzzer schedule_qt_replay)
    target_link_libraries(${exe} PRIVATE Qt6::Core)
  endforeach()
endfunction()
semfuzz_qt_targets()
