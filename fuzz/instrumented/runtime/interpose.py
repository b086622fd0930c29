#!/usr/bin/env python3
"""Links the code under test's instrumented objects into one object the harness can link.

    interpose.py --nm NM --objcopy OBJCOPY --ld LD --out OBJ --stubs CC --keep REGEX
                 [--allow REGEX] --runtime RUNTIME_OBJ... --instrumented OBJ...

1. `ld -r` joins the instrumented objects (compiled with -fsanitize=thread, fuzz/instrumented/).
2. Every symbol they leave undefined is classified (`nm -u`):
   - a `__tsan_*` hook: the runtime's objects must define it, else the build FAILS, naming it (the
     compiler's list of hooks is the source of truth, not ours);
   - an OS call the runtime models (MODELLED): renamed to the runtime's semfuzz_instr_* function,
     which the runtime must define, else the build fails;
   - a call into the runtime (what its objects define), or a library call with no OS or
     threading effect (PURE, or what the target's --allow matches: e.g. schedule_qt's calls into
     libQt6Core on the way to qCritical's message): left alone;
   - anything else (another libc call, another system call wrapper): renamed to a generated stub
     (written to CC) that ends the run with an unsupported-call verdict naming it, so no call of
     the code under test silently reaches the kernel.
3. Every symbol the joined object defines, except the harness's entry points (--keep: a regular
   expression over mangled names), is renamed
   with a prefix, so that inline functions and template instances (weak, in COMDAT groups) never
   merge with the harness's uninstrumented copies of the same name: each side keeps its own.
The renames are done by `objcopy --redefine-syms` on the joined object, which is written to OBJ.

With --entry NAME the objects are a whole program (fuzz/instrumented/runtime/program.h): its entry (main,
or NAME as `int NAME()` / `int NAME(int, char**)`, C or C++) is renamed to semfuzz_program_entry,
its ways out (abort, exit, _exit, _Exit, __assert_fail, std::terminate, atexit, __cxa_atexit)
go to the runtime's models (PROGRAM_MODELLED), and a second `ld -r` with a linker script gathers
its writable data into the sections semfuzz_program_data and semfuzz_program_bss, whose bounds the
runtime reads from the linker's __start_ / __stop_ symbols to restore the globals before each run.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys

# Modelled calls: symbol -> the runtime's definition (fuzz/instrumented/runtime/os.cc).
MODELLED = {
    "syscall": "semfuzz_instr_syscall",
    "clock_gettime": "semfuzz_instr_clock_gettime",
    "clock_getres": "semfuzz_instr_clock_getres",
    "sched_yield": "semfuzz_instr_sched_yield",
    "nanosleep": "semfuzz_instr_nanosleep",
    "usleep": "semfuzz_instr_usleep",
    # function-local statics' guards: their happens-before edge (annotations.cc)
    "__cxa_guard_acquire": "semfuzz_instr_cxa_guard_acquire",
    "__cxa_guard_release": "semfuzz_instr_cxa_guard_release",
    # std::chrono::{steady,system}_clock::now(), libstdc++ and libc++ (whose system_clock is µs)
    "_ZNSt6chrono3_V212steady_clock3nowEv": "semfuzz_instr_steady_clock_now_ns",
    "_ZNSt6chrono3_V212system_clock3nowEv": "semfuzz_instr_system_clock_now_ns",
    "_ZNSt3__16chrono12steady_clock3nowEv": "semfuzz_instr_steady_clock_now_ns",
    "_ZNSt3__16chrono12system_clock3nowEv": "semfuzz_instr_system_clock_now_us",
    # pthread mutexes (fuzz/instrumented/runtime/pthread_mutex.cc), and so std::mutex & co.
    **{f"pthread_mutex_{op}": f"semfuzz_instr_pthread_mutex_{op}"
       for op in ("init", "destroy", "lock", "trylock", "timedlock", "clocklock", "unlock")},
    # condition variables (fuzz/instrumented/runtime/pthread_cond.cc), and so std::condition_variable
    **{f"pthread_cond_{op}": f"semfuzz_instr_pthread_cond_{op}"
       for op in ("init", "destroy", "wait", "timedwait", "clockwait", "signal", "broadcast")},
    # read-write locks (fuzz/instrumented/runtime/pthread_rwlock.cc), and so std::shared_mutex & co.
    **{f"pthread_rwlock_{op}": f"semfuzz_instr_pthread_rwlock_{op}"
       for op in ("init", "destroy", "rdlock", "tryrdlock", "timedrdlock", "clockrdlock", "wrlock",
                  "trywrlock", "timedwrlock", "clockwrlock", "unlock")},
    # pthread_once (fuzz/instrumented/runtime/pthread_once.cc), and so std::call_once
    "pthread_once": "semfuzz_instr_pthread_once",
    # spin locks (fuzz/instrumented/runtime/pthread_spin.cc)
    **{f"pthread_spin_{op}": f"semfuzz_instr_pthread_spin_{op}"
       for op in ("init", "destroy", "lock", "trylock", "unlock")},
    # barriers (fuzz/instrumented/runtime/pthread_barrier.cc)
    **{f"pthread_barrier_{op}": f"semfuzz_instr_pthread_barrier_{op}"
       for op in ("init", "destroy", "wait")},
    # POSIX unnamed semaphores (fuzz/instrumented/runtime/posix_sem.cc)
    **{f"sem_{op}": f"semfuzz_instr_sem_{op}"
       for op in ("init", "destroy", "post", "wait", "trywait", "timedwait", "clockwait",
                  "getvalue")},
    # threads (fuzz/instrumented/runtime/pthread_thread.cc), and libstdc++'s std::thread members that live
    # in the shared library: _M_start_thread(unique_ptr<_State>, void (*)()), join(), detach()
    **{f"pthread_{op}": f"semfuzz_instr_pthread_{op}"
       for op in ("create", "join", "tryjoin_np", "detach", "exit", "self", "equal")},
    # thread-specific data (fuzz/instrumented/runtime/pthread_key.cc): a value per simulated thread
    **{f"pthread_{op}": f"semfuzz_instr_pthread_{op}"
       for op in ("key_create", "key_delete", "getspecific", "setspecific")},
    # thread_local variables, compiled with -femulated-tls (fuzz/instrumented/runtime/emutls.cc): a copy
    # per simulated thread, and their destructors
    "__emutls_get_address": "semfuzz_instr_emutls_get_address",
    "__cxa_thread_atexit": "semfuzz_instr_cxa_thread_atexit",
    "_ZNSt6thread15_M_start_threadESt10unique_ptrINS_6_StateESt14default_deleteIS1_EEPFvvE":
        "semfuzz_instr_std_thread_start",
    "_ZNSt6thread4joinEv": "semfuzz_instr_std_thread_join",
    "_ZNSt6thread6detachEv": "semfuzz_instr_std_thread_detach",
    # libstdc++'s std::condition_variable members that live in the shared library, not headers
    "_ZNSt18condition_variableC1Ev": "semfuzz_instr_std_condition_variable_construct",
    "_ZNSt18condition_variableC2Ev": "semfuzz_instr_std_condition_variable_construct",
    "_ZNSt18condition_variableD1Ev": "semfuzz_instr_std_condition_variable_destroy",
    "_ZNSt18condition_variableD2Ev": "semfuzz_instr_std_condition_variable_destroy",
    "_ZNSt18condition_variable4waitERSt11unique_lockISt5mutexE":
        "semfuzz_instr_std_condition_variable_wait",
    "_ZNSt18condition_variable10notify_oneEv": "semfuzz_instr_pthread_cond_signal",
    "_ZNSt18condition_variable10notify_allEv": "semfuzz_instr_pthread_cond_broadcast",
}

# A whole program's ways out (fuzz/instrumented/runtime/program.cc), modelled in program targets only.
PROGRAM_MODELLED = {
    "abort": "semfuzz_instr_abort",
    "exit": "semfuzz_instr_exit",
    "_exit": "semfuzz_instr_exit_now",
    "_Exit": "semfuzz_instr_exit_now",
    "__assert_fail": "semfuzz_instr_assert_fail",
    "_ZSt9terminatev": "semfuzz_instr_terminate",
    "__cxa_atexit": "semfuzz_instr_cxa_atexit",
    "atexit": "semfuzz_instr_atexit",
}
PROGRAM_ENTRY = "semfuzz_program_entry"

# The program's writable data, gathered so that the runtime can restore it (--entry). Not
# .data.rel.ro (written only by the dynamic loader) nor thread-locals (.tdata, .tbss).
PROGRAM_SECTIONS = """SECTIONS {
  semfuzz_program_data : { *(.data .data.[!r]* .data.rel .data.rel.local .data.rel.local.*) }
  semfuzz_program_bss : { *(.bss .bss.* COMMON) }
}
"""

# Library calls without OS or threading effects: memory and string functions, the C++ ABI
# (exceptions, allocation, RTTI, unwinding), libstdc++'s / libc++'s exception throwers and
# standard exception classes, error reporting on the way to abort(), and the coverage runtimes
# (libFuzzer's, clang's source-based profile).
PURE = re.compile("|".join([
    r"mem(cpy|move|set|cmp)", r"str(len|cmp|error)", r"__errno_location", r"abort",
    r"f?printf", r"v?snprintf", r"fputs", r"fwrite", r"fflush", r"stderr", r"__stack_chk_fail",
    r"_Unwind_Resume", r"__g(cc|xx)_personality_v0", r"__dso_handle", r"_GLOBAL_OFFSET_TABLE_",
    r"__cxa_(allocate_exception|free_exception|throw|begin_catch|end_catch|rethrow|"
    r"call_unexpected|pure_virtual|atexit|guard_abort)",
    r"_Zn[wa][mj].*", r"_Zd[la]Pv.*", r"_ZSt9terminatev", r"_ZT[IVS].*",
    r"_ZSt\d+__throw_\w+", r"_ZNSt3__1\d+__throw_\w+",
    r"_ZNSt(3__1)?\d+(invalid_argument|overflow_error|logic_error|runtime_error|exception|"
    r"bad_alloc|length_error|out_of_range)\w*",
    r"_ZNK?St(7__cxx11|3__1)\d+basic_string\w*",
    r"__sanitizer_cov_\w+", r"__(start|stop)___sancov_\w+", r"__llvm_prof\w+",
    r"pthread_(mutex|cond)attr_(init|destroy|settype|gettype|setclock|getclock)",  # plain memory
    r"pthread_(rwlock|barrier)attr_(init|destroy|setkind_np|getkind_np|setpshared|getpshared)",
    # thread attributes (plain memory: the thread model reads the detach state) and the empty
    # destructor of std::thread's state base class (libstdc++.so)
    r"pthread_attr_(init|destroy|setdetachstate|getdetachstate|setstacksize|getstacksize)",
    r"_ZNSt6thread6_StateD[012]Ev",
    # the routine std::call_once hands pthread_once (pthread_once.h)
    r"__once_proxy",
]))

PREFIX = "semfuzz_instr."


def symbols(nm: str, obj: str, *flags: str) -> list[tuple[str, str]]:
    out = subprocess.run([nm, *flags, obj], check=True, capture_output=True, text=True).stdout
    rows = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 2:
            rows.append((parts[-2], parts[-1]))  # (type, name)
    return rows


def demangle(names: list[str]) -> list[str]:
    if not names:
        return []
    out = subprocess.run(["c++filt"], input="\n".join(names), check=True, capture_output=True,
                         text=True).stdout
    return out.splitlines()


def entry_symbol(name: str, defined: list[tuple[str, str]]) -> str:
    """The mangled name of the program's entry `name` among the joined object's definitions."""
    globals_ = [n for kind, n in defined if kind.isupper()]
    wanted = {f"{name}()", f"{name}(int, char**)", name}
    found = [n for n, readable in zip(globals_, demangle(globals_)) if n == name
             or readable in wanted]
    if len(found) != 1:
        raise SystemExit(f"interpose.py: the program's entry {name} is defined "
                         f"{len(found)} times (as int {name}() or int {name}(int, char**)): "
                         + ", ".join(found))
    return found[0]


def main() -> int:
    p = argparse.ArgumentParser()
    for flag in ("--nm", "--objcopy", "--ld", "--out", "--stubs", "--keep"):
        p.add_argument(flag, required=True)
    p.add_argument("--allow", default="", help="more library calls to leave alone (a regex)")
    p.add_argument("--entry", default="", help="a whole program: its entry function")
    p.add_argument("--runtime", nargs="+", required=True)
    p.add_argument("--instrumented", nargs="+", required=True)
    a = p.parse_args()
    keep = re.compile(a.keep)
    allow = re.compile(a.allow) if a.allow else None

    joined = a.out + ".joined.o"
    subprocess.run([a.ld, "-r", "-o", joined, *a.instrumented], check=True)
    modelled = dict(MODELLED)
    if a.entry:
        modelled.update(PROGRAM_MODELLED)
        script = a.out + ".sections.ld"
        with open(script, "w") as f:
            f.write(PROGRAM_SECTIONS)
        # COMDAT groups dissolved first, so that their members (an inline function's static)
        # join the sections too: the first join has picked one copy of each, and every symbol
        # is renamed apart from the harness's below, so no group is left to merge.
        ungrouped = a.out + ".ungrouped.o"
        subprocess.run([a.objcopy, "--remove-section=.group", joined, ungrouped], check=True)
        gathered = a.out + ".program.o"
        subprocess.run([a.ld, "-r", "-T", script, "-o", gathered, ungrouped], check=True)
        joined = gathered

    provided = set()
    for obj in a.runtime:
        provided |= {name for kind, name in symbols(a.nm, obj, "--defined-only") if kind.isupper()}

    renames: dict[str, str] = {}
    missing, unsupported = [], []
    for _, name in symbols(a.nm, joined, "-u"):
        if name.startswith("__tsan_"):
            if name not in provided:
                missing.append(name)
        elif name in modelled:
            if modelled[name] not in provided:
                missing.append(f"{modelled[name]} (models {name})")
            renames[name] = modelled[name]
        elif (name not in provided and not PURE.fullmatch(name)
              and not (allow and allow.fullmatch(name))):  # the runtime's own API is fine
            unsupported.append(name)
    if missing:
        print("interpose.py: the instrumented code needs what fuzz/instrumented/ does not define: "
              + ", ".join(sorted(missing)), file=sys.stderr)
        return 1

    defined = symbols(a.nm, joined, "--defined-only")
    if a.entry:
        renames[entry_symbol(a.entry, defined)] = PROGRAM_ENTRY
    for kind, name in defined:
        if (kind.isupper() or kind == "u") and not keep.fullmatch(name):
            renames.setdefault(name, PREFIX + name)

    stubs = ["// Generated by fuzz/instrumented/runtime/interpose.py: one stub per call of the code under",
             "// test that the instrumentation runtime does not model (an unsupported-call verdict).",
             '#include "fuzz/instrumented/runtime/runtime.h"', "", 'extern "C" {']
    unsupported.sort()
    for i, (name, readable) in enumerate(zip(unsupported, demangle(unsupported))):
        stub = f"semfuzz_instr_unsupported_{i}"
        renames[name] = stub
        text = readable.replace("\\", "\\\\").replace('"', '\\"')
        stubs.append(f'void {stub}() {{ semfuzz::instr::unsupported("%s", "{text}"); }}')
    stubs.append("}")
    with open(a.stubs, "w") as f:
        f.write("\n".join(stubs) + "\n")

    redefine = a.out + ".renames"
    with open(redefine, "w") as f:
        f.writelines(f"{old} {new}\n" for old, new in sorted(renames.items()))
    subprocess.run([a.objcopy, f"--redefine-syms={redefine}", joined, a.out], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
