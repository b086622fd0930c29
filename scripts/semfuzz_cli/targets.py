"""Fuzz targets, how to run one input, and verdicts: what a failure's output says."""

from __future__ import annotations

import dataclasses
import functools
import os
import re
import subprocess
import tempfile
from pathlib import Path
from typing import Iterable, Optional

from .builds import Config, build, config, ensure_packages, no_aslr_prefix
from .common import Failure, ROOT, UsageError, data_dir, files_in, rel, say


# Fuzz targets, the first is the default. `binary` is relative to the preset's build directory and
# its file name is the CMake target that builds it. `merge_by`: the target whose coverage decides
# what a merge keeps. The real-thread targets' feedback is each run's outcomes, which differ from run
# to run, so a merge by their own runs keeps nearly every input; every target reads the same input
# format, so the schedule target's deterministic coverage of the same programs decides instead.
# `third_party`: the code under test is another library's; its findings are filed as unfixed.
# `algorithms`: the only semaphore algorithms the target runs (the others' inputs pass without
# running; e.g. fuzz/instrumented/targets/production_target.cc), when not all of them. `as_test`: `replay
# --as-test` can print its inputs as GoogleTest cases (fuzz/tools/as_test.cc --target NAME).
# `seeds_from`: other targets' corpora a campaign also reads its seeds from (Target.seed_folders).
TARGETS = {
    "schedule": {"binary": "fuzz/schedule_fuzzer", "preset": "asan-fuzz", "as_test": True,
                 "about": "semfuzz's algorithms on the simulated platform: input-driven schedule, "
                          "virtual time (the main target)"},
    "schedule_production": {"binary": "fuzz/schedule_production_fuzzer", "preset": "asan-fuzz",
                            "oss_fuzz": False, "instrumented": True,
                            "algorithms": ("split64", "word32"), "as_test": True,
                            "about": "split64 / word32 with the production futex platform, "
                                     "compiled instrumented: input-driven schedule (clang only)"},
    "schedule_libstdcxx": {"binary": "fuzz/schedule_libstdcxx_fuzzer", "preset": "asan-fuzz",
                           "oss_fuzz": False, "instrumented": True, "third_party": True,
                           "stdlib": "libstdc++",
                           "about": "the build's libstdc++ std::counting_semaphore, compiled "
                                    "instrumented, black-box mode: input-driven schedule (clang "
                                    "only; the algorithm byte is ignored)"},
    "schedule_libcxx": {"binary": "fuzz/schedule_libcxx_fuzzer", "preset": "asan-fuzz",
                        "oss_fuzz": False, "instrumented": True, "third_party": True,
                        "about": "libc++ 14's std::counting_semaphore, its libc++.so wait / notify "
                                 "modelled, compiled instrumented: input-driven schedule (clang, "
                                 "libc++-14-dev)"},
    "schedule_qt": {"binary": "fuzz/schedule_qt_fuzzer", "preset": "asan-fuzz",
                    "oss_fuzz": False, "instrumented": True, "third_party": True,
                    "about": "Qt's own qsemaphore.cpp (the installed Qt's version, its source "
                             "fetched at build time), compiled instrumented, with the installed "
                             "libQt6Core: input-driven schedule (clang, Debian; docs/qt.md)"},
    "byo_proxy_wait": {"binary": "fuzz/byo_proxy_wait_fuzzer", "preset": "asan-fuzz",
                       "oss_fuzz": False, "instrumented": True, "stdlib": "libstdc++",
                       "about": "a proxy-wait semaphore correct only with seq_cst "
                                "(fuzz/sim/proxy_wait_semaphore.h), brought as your own "
                                "semaphore: the weak-memory model's target (clang, libstdc++)"},
    "byo_condvar": {"binary": "fuzz/byo_condvar_fuzzer", "preset": "asan-fuzz",
                    "oss_fuzz": False, "instrumented": True, "stdlib": "libstdc++",
                    "seeds_from": ("schedule",),
                    "about": "a mutex + condition-variable semaphore "
                             "(fuzz/instrumented/tests/condvar_semaphore.h) on the pthread "
                             "models, brought as your own semaphore (clang, libstdc++)"},
    "program_lost_update_fixed": {
        "binary": "fuzz/program_lost_update_fixed_fuzzer", "preset": "asan-fuzz",
        "oss_fuzz": False, "instrumented": True, "stdlib": "libstdc++", "program": True,
        "about": "a whole program (fuzz/instrumented/tests/programs/lost_update.cc, fixed: "
                 "std::thread, std::mutex, assert) run from its main(), the whole input its "
                 "schedule (clang, libstdc++)"},
    "threads": {"binary": "fuzz/threads_fuzzer", "preset": "tsan-fuzz", "smoke": False,
                "merge_by": "schedule",
                "about": "semfuzz's algorithms on real threads under TSan, perturbed, watchdog"},
    "threads_std": {"binary": "fuzz/threads_std_fuzzer", "preset": "tsan-fuzz", "smoke": False,
                    "merge_by": "schedule", "third_party": True,
                    "about": "std::counting_semaphore of the build's standard library, real threads"},
    "threads_posix": {"binary": "fuzz/threads_posix_fuzzer", "preset": "tsan-fuzz", "smoke": False,
                      "merge_by": "schedule", "third_party": True,
                      "about": "glibc sem_t, real threads"},
    "threads_qt": {"binary": "fuzz/threads_qt_fuzzer", "preset": "tsan-fuzz", "smoke": False,
                   "merge_by": "schedule", "third_party": True,
                   "oss_fuzz": False,
                   "about": "Qt 6's QSemaphore, real threads (built when Qt 6 is installed)"},
    "api": {"binary": "fuzz/api_fuzzer", "preset": "asan-fuzz",
            "about": "single-threaded API contract of every algorithm against a reference model"},
}
DEFAULT_TARGET = next(iter(TARGETS))


def built_by(cfg: Config, name: str) -> bool:
    """Whether cfg's build defines target `name`: an instrumented one (fuzz/instrumented/) needs
    clang and a harness without TSan, is left out of OSS-Fuzz builds, and one whose `stdlib` is
    libstdc++ out of libc++ builds (fuzz/instrumented/instrumented.cmake)."""
    if not TARGETS[name].get("instrumented"):
        return True
    if (TARGETS[name].get("stdlib") == "libstdc++"
            and "-stdlib=libc++" in cfg.cache.get("CMAKE_CXX_FLAGS", "")):
        return False
    return ("clang" in cfg.cache.get("CMAKE_CXX_COMPILER", "") and "thread" not in cfg.sanitizers
            and cfg.cache.get("SEMFUZZ_FUZZ_ENGINE") != "env")

REPLAY_WALL_LIMIT_S = 300  # a backstop only: -timeout below reports a hang first

# Every libFuzzer invocation gets these (shared/reference/ossfuzz.md section 7).
LIBFUZZER_LIMITS = ("-timeout=25", "-rss_limit_mb=2560")
MAX_INPUT_BYTES = 16 * 2**20  # replay / minimize refuse larger files: not an input of ours

# Prepended to whatever the caller already set, so the caller's own settings win.
# quarantine_size_mb=8 (ASan's default is 256): a run of a schedule target frees about 5 KB,
# and a use after destroy is caught within its own run (the owner deletes the semaphore a few
# steps before the peer's late access), so 8 MB of quarantine keeps every freed block of the last
# ~1,700 runs poisoned; the default's 256 MB made every allocation fresh memory (a page fault and
# a 0xbe fill) for the first ~55,000 executions: schedule_fuzzer -runs=30000 went from 3,750 to
# 5,000 exec/s and from 526 MB to 98 MB of RSS (docs/performance.md, "The sanitizer's quarantine").
SANITIZER_OPTIONS = {
    "ASAN_OPTIONS": "abort_on_error=1:detect_leaks=1:quarantine_size_mb=8",
    "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1",
    "TSAN_OPTIONS": "halt_on_error=1:second_deadlock_stack=1",
}


@functools.lru_cache(maxsize=None)
def leak_detection_works() -> bool:
    """LeakSanitizer needs ptrace, which some containers deny; probe it with an empty program,
    compiled once into build/ (running it is what tells, each time)."""
    compiler = config(TARGETS[DEFAULT_TARGET]["preset"]).cache.get("CMAKE_CXX_COMPILER", "clang++")
    program = ROOT / "build" / "lsan-probe"
    if not program.exists():
        program.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="semfuzz-lsan-") as tmp:
            source, built = Path(tmp) / "probe.cc", Path(tmp) / "probe"
            source.write_text("int main() { return 0; }\n")
            compiled = subprocess.run([compiler, "-fsanitize=address", str(source), "-o",
                                       str(built)], capture_output=True)
            if compiled.returncode != 0:
                return True  # no ASan toolchain yet; the builds will say so
            os.replace(built, program)
    probe = subprocess.run([str(program)], capture_output=True, text=True,
                           env=dict(os.environ, ASAN_OPTIONS="detect_leaks=1"))
    return probe.returncode == 0


def sanitizer_env(**extra: str) -> dict:
    options = dict(SANITIZER_OPTIONS)
    if not leak_detection_works():
        say("note: LeakSanitizer cannot run here (ptrace denied); running with detect_leaks=0")
        options["ASAN_OPTIONS"] = options["ASAN_OPTIONS"].replace("detect_leaks=1",
                                                                  "detect_leaks=0")
    env = dict(os.environ)
    for name, value in options.items():
        env[name] = value + (":" + env[name] if env.get(name) else "")
    env.update(extra)
    return env


@dataclasses.dataclass(frozen=True)
class Target:
    name: str
    config: Config
    binary: Path

    @property
    def corpus(self) -> Path:
        return data_dir("corpus") / self.name

    @property
    def reproducers(self) -> Path:
        return data_dir("reproducers") / self.name

    @property
    def seed_folders(self) -> list[Path]:
        """What a campaign reads its seeds from: its corpus and reproducers, then the corpora of
        the targets TARGETS' `seeds_from` names (every target reads the same input format, so a
        bring-your-own target starts from the main target's programs instead of a copy of them)."""
        extra = [data_dir("corpus") / name for name in TARGETS[self.name].get("seeds_from", ())]
        return [d for d in (self.corpus, self.reproducers, *extra) if d.is_dir()]

    def standalone(self) -> "Target":
        """The same target linked with the standalone replay main (CMake target NAME_replay)
        instead of libFuzzer."""
        return Target(self.name, self.config, self.binary.parent / f"{self.name}_replay")

    def command(self, *args: str) -> list[str]:
        return [*no_aslr_prefix(self.config), str(self.binary), *args]

    def build(self) -> "Target":
        """Installs what its preset needs and builds only this target; raises when that fails."""
        ensure_packages([self.config])
        if not build(self.config, [self.binary.name]) or not self.binary.exists():
            raise Failure(f"could not build {rel(self.binary)} (preset {self.config.name})")
        return self


def target(name: str) -> Target:
    spec = TARGETS[name]
    cfg = config(spec["preset"])
    return Target(name, cfg, cfg.build_dir / spec["binary"])


@dataclasses.dataclass(frozen=True)
class Outcome:
    verdict: Optional[str]  # None: the input passed
    details: str  # one line saying what failed
    output: str


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _summary_line(text: str, tool: str) -> Optional[str]:
    match = re.search(rf"^SUMMARY: {tool}: .*$", text, re.MULTILINE)
    return match[0] if match else None


# (pattern, verdict from the match, details from the match and the whole output); first match wins.
# The harness's own oracle line comes first: it is printed before the abort that follows it.
VERDICT_RULES = (
    (r"semfuzz: VERDICT ([\w.-]+):? ?(.*)", lambda m: m[1], lambda m, t: m[2]),
    (r"^SUMMARY: AddressSanitizer: ([A-Za-z][\w-]*).*", lambda m: "asan-" + m[1].lower(),
     lambda m, t: m[0]),
    (r"ERROR: AddressSanitizer: ([A-Za-z][\w-]*).*", lambda m: "asan-" + m[1].lower(),
     lambda m, t: m[0]),
    (r"ERROR: LeakSanitizer: detected memory leaks", lambda m: "asan-leak",
     lambda m, t: _summary_line(t, "AddressSanitizer") or m[0]),
    (r"WARNING: ThreadSanitizer: ([^(\n]+?)\s*(?:\(|$)", lambda m: "tsan-" + _slug(m[1]),
     lambda m, t: _summary_line(t, "ThreadSanitizer") or m[0]),
    (r"runtime error: .*", lambda m: "ubsan", lambda m, t: m[0]),
    (r"ERROR: libFuzzer: (timeout|out-of-memory).*", lambda m: "timeout" if m[1] == "timeout"
     else "oom", lambda m, t: m[0]),
    (r"ERROR: libFuzzer: .*", lambda m: "crash", lambda m, t: m[0]),
)


def _readable(details: str) -> str:
    return details.replace("SUMMARY: ", "", 1).replace(str(ROOT) + "/", "").strip()


def classify(output: str, returncode: int) -> Outcome:
    if returncode == 0:
        return Outcome(None, "", output)
    for pattern, verdict, details in VERDICT_RULES:
        match = re.search(pattern, output, re.MULTILINE)
        if match:
            return Outcome(verdict(match), _readable(details(match, output)), output)
    return Outcome("crash", f"exit status {returncode}", output)


def run_input(t: Target, path: Path, env: dict) -> Outcome:
    """Runs one input once (libFuzzer runs the files it is given instead of fuzzing)."""
    try:
        result = subprocess.run(t.command(*LIBFUZZER_LIMITS, str(path)), env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                errors="replace", timeout=REPLAY_WALL_LIMIT_S)
    except subprocess.TimeoutExpired as expired:
        output = expired.stdout if isinstance(expired.stdout, str) else ""
        return Outcome("hang", f"still running after {REPLAY_WALL_LIMIT_S} s", output)
    return classify(result.stdout, result.returncode)


def input_files(arguments: Iterable[str]) -> list[Path]:
    """The files named, and the inputs in the folders named; raises UsageError for a name that
    is missing, a folder without inputs, or a file this user cannot read (which would otherwise
    look like a crash of the target)."""
    files = []
    for argument in arguments:
        path = Path(argument).resolve()
        if path.is_dir():
            found = files_in(path)
            if not found:
                raise UsageError(f"{argument}: a folder with no inputs in it")
            files += found
        elif path.is_file():
            files.append(path)
        else:
            raise UsageError(f"no such file or directory: {argument}")
    for path in files:
        try:
            with open(path, "rb"):
                pass
        except OSError as error:
            raise UsageError(f"cannot read {rel(path)}: {error.strerror}") from None
        if path.stat().st_size > MAX_INPUT_BYTES:
            raise UsageError(f"{rel(path)} is {path.stat().st_size // 2**20} MiB; no target reads "
                             f"more than a few KiB of an input (limit {MAX_INPUT_BYTES // 2**20} "
                             "MiB)")
    return files


MAX_ARTIFACTS_REPLAYED = 50

TOP_FRAMES = 3  # a crash's identity: its verdict and this many frames of its own code
# ASan / UBSan: `#1 0x55d0 in f(int) /src/a.cc:4:2`; TSan: `#1 f(int) /src/a.cc:4:2 (bin+0x1a)`;
# either may say `<null>` or `(module+0xoffset)` instead of a source location, and `(BuildId: ..)`.
STACK_FRAME = re.compile(r"^\s*#(?P<number>\d+) (?:0x[0-9a-fA-F]+ in )?(?P<function>.+?)"
                         r"(?: (?P<location><null>|/\S+|\S+:\d+(?::\d+)?))?"
                         r"(?: \((?P<module>[^()\s]*)\+0x[0-9a-fA-F]+\))?"
                         r"(?: \(BuildId: [0-9a-fA-F]+\))?\s*$", re.MULTILINE)
# Frames that say nothing about where the bug is: the sanitizer and libFuzzer runtimes and libc
# (no source location, or a relative one, in these builds), and the harness's verdict plumbing,
# which every oracle failure goes through.
PLUMBING_FRAME = re.compile(r"^(__sanitizer|__asan|__tsan|__ubsan|__interceptor|__lsan|fuzzer::|"
                            r"LLVMFuzzerTestOneInput$|main$)|\bsemfuzz::(?:\(anonymous namespace\)::)?"
                            r"(?:die|oracle_\w+|report_and_abort)$")
SYSTEM_MODULE = re.compile(r"(^|/)(libc|libm|libpthread|ld-linux[\w-]*)\.so")


def _function_name(frame: str) -> str:
    """`ns::f<T>(int, char) const` -> `ns::f<T>`: a signature or an offset does not split a crash."""
    name = re.sub(r"\s*\+0x[0-9a-fA-F]+$", "", frame.strip())
    name = re.sub(r"\s+const$", "", name)
    if name.endswith(")"):  # drop the trailing, balanced argument list
        depth = 0
        for i in range(len(name) - 1, -1, -1):
            depth += {")": 1, "(": -1}.get(name[i], 0)
            if depth == 0:
                return name[:i] or name
    return name


def top_frames(output: str, count: int = TOP_FRAMES) -> tuple[str, ...]:
    """The first `count` frames of the first stack in a crash report that are the program's own
    code, by function name; empty when the report has no symbolised stack."""
    frames, last = [], -1
    for match in STACK_FRAME.finditer(output):
        number = int(match["number"])
        if number <= last:  # the next stack (TSan's previous access, a thread's creation, ...)
            break
        last = number
        name = _function_name(match["function"])
        # Code built here has absolute source paths; libc's debug info has relative ones.
        if (not (match["location"] or "").startswith("/")
                or SYSTEM_MODULE.search(match["module"] or "")
                or PLUMBING_FRAME.search(name) or name == "??"):
            continue
        frames.append(name)
        if len(frames) == count:
            break
    return tuple(frames)


def crash_signature(outcome: Outcome) -> tuple:
    """What deduplicates crashes: the verdict (one oracle function per kind) and the top frames."""
    return (outcome.verdict,) + top_frames(outcome.output)
