"""OSS-Fuzz and ClusterFuzzLite: the build script they run, and a local emulation of check_build
(shared/reference/ossfuzz.md sections 1, 2 and 5)."""

from __future__ import annotations

import collections
import configparser
import functools
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Iterable, Optional

from .builds import ensure
from .cliargs import add_verb
from .common import Failure, ROOT, data_dir, files_in, output_tail, rel, say
from .targets import TARGETS, leak_detection_works


OSS_FUZZ_CFLAGS = ("-O1 -fno-omit-frame-pointer -gline-tables-only "
                   "-DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION")
_OSS_FUZZ_UBSAN_CHECKS = ("array-bounds,bool,builtin,enum,function,integer-divide-by-zero,null,"
                          "object-size,return,returns-nonnull-attribute,shift,"
                          "signed-integer-overflow,unreachable,vla-bound,vptr")
# base-builder's SANITIZER_FLAGS_<sanitizer>
OSS_FUZZ_SANITIZER_FLAGS = {
    "address": "-fsanitize=address -fsanitize-address-use-after-scope",
    "undefined": f"-fsanitize={_OSS_FUZZ_UBSAN_CHECKS},unsigned-integer-overflow "
                 f"-fno-sanitize-recover={_OSS_FUZZ_UBSAN_CHECKS}",
    "coverage": "",
}
# base-builder's COVERAGE_FLAGS: libFuzzer's instrumentation; profiling for coverage builds; AFL++
# instruments through its compiler wrapper.
OSS_FUZZ_COVERAGE_FLAGS = {
    "libfuzzer": "-fsanitize=fuzzer-no-link",
    "coverage": ("-fprofile-instr-generate -fcoverage-mapping -pthread -Wl,--no-as-needed "
                 "-Wl,-ldl -Wl,-lm -Wno-unused-command-line-argument"),
    "afl": "",
}
# base-runner's options, which ClusterFuzz runs the targets with.
OSS_FUZZ_RUNTIME_OPTIONS = {
    "ASAN_OPTIONS": "alloc_dealloc_mismatch=0:allocator_may_return_null=1:"
                    "allocator_release_to_os_interval_ms=500:check_malloc_usable_size=0:"
                    "detect_container_overflow=1:detect_odr_violation=0:detect_leaks=1:"
                    "detect_stack_use_after_return=1:fast_unwind_on_fatal=0:handle_abort=1:"
                    "handle_segv=1:handle_sigill=1:max_uar_stack_size_log=16:print_scariness=1:"
                    "quarantine_size_mb=10:strict_memcmp=1:symbolize=1:use_sigaltstack=1:"
                    "dedup_token_length=3",
    "UBSAN_OPTIONS": "print_stacktrace=1:print_summary=1:silence_unsigned_overflow=1:"
                     "symbolize=1:dedup_token_length=3",
}
# What changes the build: a build directory under $WORK is kept per distinct set of these.
OSS_FUZZ_BUILD_ENV = ("CC", "CXX", "CFLAGS", "CXXFLAGS", "LDFLAGS", "LIB_FUZZING_ENGINE",
                      "SANITIZER", "FUZZING_ENGINE", "ARCHITECTURE")
# Debian's libFuzzer runtime is built against libstdc++ (as the libcxx preset notes); OSS-Fuzz's
# own is not, so only the local emulation links it.
DEBIAN_LIBFUZZER_LDFLAGS = "-Wl,--push-state,--no-as-needed,-lstdc++,--pop-state"
OSS_FUZZ_CHECK_SANITIZERS = ("address", "undefined", "coverage")
OSS_FUZZ_CHECK_PACKAGES = ("clang", "clang-14", "libclang-rt-14-dev", "llvm-14", "libc++-14-dev",
                           "libc++abi-14-dev", "cmake", "ninja-build", "binutils")
AFL_PACKAGES = ("afl++",)
AFL_DRIVER_FALLBACKS = ("/usr/lib/afl/libAFLDriver.a", "/usr/local/lib/afl/libAFLDriver.a")
ELF_MACHINES = {"x86_64": 62, "i386": 3, "aarch64": 183}
# bad_build_check's check_mixed_sanitizers: (minimum, maximum) calls into each runtime.
SANITIZER_CALL_LIMITS = {
    "address": {"__asan": (1000, None), "__ubsan": (0, 200), "__msan": (0, 3)},
    "undefined": {"__ubsan": (168, None), "__asan": (0, 0), "__msan": (0, 0)},
    # bad_build_check does not check coverage builds; no sanitizer runtime calls beyond what the
    # linked runtimes make themselves (the non-UBSan threshold) shows none was added.
    "coverage": {"__asan": (0, 0), "__ubsan": (0, 200), "__msan": (0, 3)},
}
SANITIZER_CALL = re.compile(r"\bcall[q]?\s+[0-9a-f]+\s+<(__asan|__ubsan|__msan)")
LOADED_COUNTERS = re.compile(r"INFO: Loaded \d+ modules?\s+\((\d+) inline 8-bit counters\)")
MIN_EDGES = 100  # check_engine: fewer means "only partial coverage instrumentation"


def oss_fuzz_targets() -> dict:
    """OSS-Fuzz target name (the binary's file name, e.g. schedule_fuzzer) -> semfuzz target, for
    every target OSS-Fuzz can run; a TARGETS entry opts out with "oss_fuzz": False."""
    return {Path(spec["binary"]).name: name for name, spec in TARGETS.items()
            if spec.get("oss_fuzz", True)}


def write_seed_zip(archive: Path, folders: Iterable[Path]) -> int:
    """A flat zip of the inputs in `folders` (later folders' names get a prefix on a clash),
    byte-for-byte reproducible. Returns the number of inputs."""
    names = {}
    for folder in folders:
        for f in files_in(folder):
            name = f.name if f.name not in names else f"{folder.name}-{f.name}"
            names.setdefault(name, f)
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(names):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, names[name].read_bytes())
    return len(names)


def _run_logged(what: str, command: list, env: dict, quiet: bool, cwd: Path = ROOT) -> None:
    """Runs a build step; quiet: its output only when it fails. Raises Failure on failure."""
    started = time.monotonic()
    if quiet:
        result = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, errors="replace")
    else:
        say("+ " + " ".join(command))
        result = subprocess.run(command, cwd=cwd, env=env)
    if result.returncode != 0:
        if quiet:
            say(output_tail(result.stdout))
        raise Failure(f"{what} failed (exit {result.returncode}): {' '.join(command)}")
    if quiet:
        say(f"  {what}: ok ({time.monotonic() - started:.0f} s)")


def oss_fuzz_build(env: dict, quiet: bool = False) -> list:
    """What OSS-Fuzz's build.sh does: builds every target with the compilers and flags of the
    environment (adding no sanitizer or engine flags of its own) in a build directory under $WORK
    and fills $OUT with the targets, their seed-corpus zips, .options and .dict files. Returns
    the targets' paths in $OUT."""
    env = dict(env)
    out = Path(env.get("OUT") or ROOT / "build" / "oss-fuzz" / "out")
    work = Path(env.get("WORK") or ROOT / "build" / "oss-fuzz" / "work")
    if not env.get("LIB_FUZZING_ENGINE"):  # not in OSS-Fuzz: a plain local libFuzzer build
        env["LIB_FUZZING_ENGINE"] = "-fsanitize=fuzzer"
        env.setdefault("CC", "clang")
        env.setdefault("CXX", "clang++")
        for name in ("CFLAGS", "CXXFLAGS"):
            env.setdefault(name, OSS_FUZZ_COVERAGE_FLAGS["libfuzzer"])
        say(f"note: LIB_FUZZING_ENGINE is unset: a local libFuzzer build (CXX={env['CXX']}, "
            f"CXXFLAGS={env['CXXFLAGS']}, no sanitizer); `scripts/semfuzz oss-fuzz-check` "
            "builds with OSS-Fuzz's settings")
    if env.get("ARCHITECTURE") == "i386":  # OSS-Fuzz puts -m32 in CFLAGS; a local run may not
        for name in ("CFLAGS", "CXXFLAGS"):
            if "-m32" not in env.get(name, "").split():
                env[name] = (env.get(name, "") + " -m32").strip()
    src = Path(env["SRC"]).resolve() if env.get("SRC") else None
    if src and src != ROOT and src not in ROOT.parents:
        say(f"note: the sources ({ROOT}) are not under SRC={src}; OSS-Fuzz's coverage reports "
            "look for them there")
    key = hashlib.sha1("\0".join(env.get(v, "") for v in OSS_FUZZ_BUILD_ENV).encode())
    build_dir = work / f"semfuzz-{env.get('SANITIZER') or 'none'}-{key.hexdigest()[:10]}"
    targets = oss_fuzz_targets()
    if not (build_dir / "CMakeCache.txt").exists():
        generator = "Ninja" if shutil.which("ninja") else "Unix Makefiles"
        # No build type: the flags are exactly the environment's (Release would add -DNDEBUG).
        _run_logged("configure", ["cmake", "-S", str(ROOT), "-B", str(build_dir), "-G", generator,
                                  "-DCMAKE_BUILD_TYPE=", "-DSEMFUZZ_SANITIZER=",
                                  "-DSEMFUZZ_FUZZ_ENGINE=env", "-DSEMFUZZ_BUILD_TESTS=OFF",
                                  "-DSEMFUZZ_BUILD_BENCH=OFF", "-DSEMFUZZ_COVERAGE=OFF"],
                    env, quiet)
    # Targets with optional dependencies (threads_qt needs Qt 6) exist only where those do.
    listing = build_dir / "CMakeFiles" / "TargetDirectories.txt"
    configured = {Path(line).name[:-len(".dir")] for line in listing.read_text().split()}
    for name in [n for n in targets if n not in configured]:
        say(f"  {name}: not in this build (a dependency is missing); skipped")
        del targets[name]
    if not targets:
        raise Failure("no fuzz target is configured in this build")
    _run_logged("build " + ", ".join(targets),
                ["cmake", "--build", str(build_dir),
                 *[a for name in targets for a in ("--target", name)]], env, quiet)
    out.mkdir(parents=True, exist_ok=True)
    built = []
    for name, semfuzz_target in targets.items():
        binary = Path(TARGETS[semfuzz_target]["binary"])
        shutil.copy2(build_dir / binary, out / name)
        built.append(out / name)
        seeds = write_seed_zip(out / f"{name}_seed_corpus.zip",
                               [data_dir("corpus") / semfuzz_target,
                                data_dir("reproducers") / semfuzz_target])
        extras = []
        for suffix in (".options", ".dict"):
            source = ROOT / binary.parent / (name + suffix)
            if source.is_file():
                shutil.copyfile(source, out / (name + suffix))
                extras.append(name + suffix)
        if not quiet:
            say(f"{out / name}: seed corpus {seeds} inputs; {', '.join(extras) or 'no options'}")
    return built


def cmd_oss_fuzz_build(args) -> int:
    env = dict(os.environ)
    if args.out:
        env["OUT"] = str(Path(args.out).resolve())
    say(f"semfuzz oss-fuzz-build: SANITIZER={env.get('SANITIZER', '')} "
        f"FUZZING_ENGINE={env.get('FUZZING_ENGINE', '')} "
        f"LIB_FUZZING_ENGINE={env.get('LIB_FUZZING_ENGINE', '')} CXX={env.get('CXX', '')}")
    built = oss_fuzz_build(env)
    say(f"oss-fuzz-build: {len(built)} target(s) in {built[0].parent if built else '$OUT'}")
    return 0


def _objdump_calls(binary: Path) -> dict:
    counts = collections.Counter()
    with subprocess.Popen(["objdump", "-d", "--no-show-raw-insn", str(binary)],
                          stdout=subprocess.PIPE, text=True, errors="replace") as dump:
        for line in dump.stdout:
            if "call" in line:
                match = SANITIZER_CALL.search(line)
                if match:
                    counts[match[1]] += 1
    return counts


def _sections(binary: Path) -> str:
    return subprocess.run(["objdump", "-h", str(binary)], capture_output=True, text=True,
                          errors="replace").stdout


def _symbols(binary: Path) -> str:
    return subprocess.run(["nm", str(binary)], capture_output=True, text=True,
                          errors="replace").stdout


def _runtime_env(base: dict, **extra: str) -> dict:
    env = {k: v for k, v in base.items() if k not in ("OUT", "ASAN_OPTIONS", "UBSAN_OPTIONS")}
    env.update(OSS_FUZZ_RUNTIME_OPTIONS)
    if not leak_detection_works():
        env["ASAN_OPTIONS"] = env["ASAN_OPTIONS"].replace("detect_leaks=1", "detect_leaks=0")
    env.update(extra)
    return env


def libfuzzer_option_args(options: Path) -> list:
    """The [libfuzzer] section of a .options file as flags, as base-runner's run_fuzzer adds."""
    if not options.is_file():
        return []
    parser_ = configparser.ConfigParser()
    parser_.read(options)
    if not parser_.has_section("libfuzzer"):
        return []
    return [f"-{key}={value}" for key, value in parser_.items("libfuzzer")]


def _elf_machine(binary: Path) -> Optional[int]:
    header = binary.read_bytes()[:20]
    if header[:4] != b"\x7fELF":
        return None
    return int.from_bytes(header[18:20], "little")


def check_target(fuzzer: Path, sanitizer: str, engine: str, env: dict) -> list:
    """check_build for one target in a copy of $OUT: problems found (empty when it passes) and
    a summary line as the last element."""
    problems, notes = [], []
    name = fuzzer.name
    arch = env.get("ARCHITECTURE", "x86_64")
    if _elf_machine(fuzzer) != ELF_MACHINES.get(arch):
        problems.append(f"not an {arch} ELF executable")
    if b"LLVMFuzzerTestOneInput" not in fuzzer.read_bytes():
        problems.append("no LLVMFuzzerTestOneInput: OSS-Fuzz would not see a fuzz target")
    seed_zip = fuzzer.parent / f"{name}_seed_corpus.zip"
    try:
        with zipfile.ZipFile(seed_zip) as z:
            seeds = [i for i in z.infolist() if not i.is_dir()]
            if z.testzip() is not None or not seeds or any("/" in i.filename for i in seeds):
                problems.append(f"{seed_zip.name}: damaged, empty or not flat")
            notes.append(f"seed corpus {len(seeds)} inputs")
    except (OSError, zipfile.BadZipFile) as error:
        problems.append(f"{seed_zip.name}: {error}")
        seeds = []
    sections, symbols = _sections(fuzzer), _symbols(fuzzer)
    if engine == "afl":
        if "__afl_area_ptr" not in symbols:
            problems.append("no AFL++ instrumentation (__afl_area_ptr)")
    elif sanitizer == "coverage":
        if "__llvm_prf_cnts" not in sections or "__llvm_profile_runtime" not in symbols:
            problems.append("no source-based coverage instrumentation (__llvm_prf_cnts)")
    elif "__sancov_cntrs" not in sections:
        problems.append("no SanitizerCoverage counters (section __sancov_cntrs)")
    calls = _objdump_calls(fuzzer)
    for runtime, (least, most) in SANITIZER_CALL_LIMITS[sanitizer].items():
        n = calls.get(runtime, 0)
        if n < least or (most is not None and n > most):
            bound = f">= {least}" if most is None else f"{least}..{most}"
            problems.append(f"{n} calls to {runtime}* (check_mixed_sanitizers wants {bound})")
    if sanitizer in ("address", "undefined"):
        runtime = "__asan" if sanitizer == "address" else "__ubsan"
        notes.append(f"{calls.get(runtime, 0)} {runtime} calls")

    with tempfile.TemporaryDirectory(prefix="semfuzz-check-run-") as tmp:
        tmp = Path(tmp)
        if engine == "afl":
            if not seeds:
                problems.append("no input to run")
            else:
                with zipfile.ZipFile(seed_zip) as z:
                    sample = tmp / "input"
                    sample.write_bytes(z.read(sorted(seeds, key=lambda i: i.file_size)[-1]))
                command = [str(fuzzer), str(sample)]
                result = subprocess.run(command, cwd=tmp, env=_runtime_env(env), timeout=120,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        text=True, errors="replace")
                if result.returncode != 0 or "Execution successful" not in result.stdout:
                    problems.append(f"running one input failed (exit {result.returncode}):\n"
                                    + output_tail(result.stdout, 15))
                else:
                    notes.append(f"ran {sample.stat().st_size}-byte input")
        else:
            corpus = tmp / "corpus"
            corpus.mkdir()
            extra = {"LLVM_PROFILE_FILE": str(tmp / "%p.profraw")}
            dictionary = fuzzer.parent / f"{name}.dict"
            command = [str(fuzzer), "-rss_limit_mb=2560", "-timeout=25", "-seed=1337", "-runs=4",
                       *libfuzzer_option_args(fuzzer.parent / f"{name}.options"),
                       *([f"-dict={dictionary}"] if dictionary.is_file() else []), str(corpus)]
            result = subprocess.run(command, cwd=tmp, env=_runtime_env(env, **extra),
                                    timeout=120, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True, errors="replace")
            uninstrumented = "ERROR: no interesting inputs were found" in result.stdout
            if sanitizer == "coverage" and uninstrumented:
                # clang <= 14's libFuzzer exits here when nothing gives it coverage feedback (a
                # coverage build has no SanitizerCoverage); newer ones, as OSS-Fuzz runs, only
                # warn. What a coverage build is for is checked below instead.
                notes.append("no -runs=4 (clang 14 libFuzzer)")
            elif "Done 4 runs" not in result.stdout or result.returncode != 0:
                problems.append(f"-runs=4 did not print `Done 4 runs` (exit "
                                f"{result.returncode}):\n" + output_tail(result.stdout, 15))
            else:
                notes.append("Done 4 runs")
            if uninstrumented and sanitizer != "coverage":
                problems.append("libFuzzer: no interesting inputs (not instrumented)")
            counters = LOADED_COUNTERS.search(result.stdout)
            if counters:
                notes.append(f"{counters[1]} edges")
                if int(counters[1]) < MIN_EDGES and sanitizer != "coverage":
                    problems.append(f"only {counters[1]} edges: partial instrumentation")
            if sanitizer == "coverage":  # as base-runner's coverage script replays a corpus
                seed_dir = tmp / "seeds"
                with zipfile.ZipFile(seed_zip) as z:
                    z.extractall(seed_dir)
                for old in tmp.glob("*.profraw"):
                    old.unlink()
                merge = subprocess.run(
                    [str(fuzzer), "-merge=1", "-timeout=100", str(corpus), str(seed_dir)],
                    cwd=tmp, env=_runtime_env(env, **extra), timeout=300,
                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                    errors="replace")
                if merge.returncode != 0 or not list(tmp.glob("*.profraw")):
                    problems.append(f"replaying the seed corpus with -merge=1 wrote no profile "
                                    f"(exit {merge.returncode}):\n"
                                    + output_tail(merge.stdout, 15))
                else:
                    notes.append("seed corpus replayed into .profraw")
    return problems + ["; ".join(notes)]


def oss_fuzz_check_env(sanitizer: str, engine: str, work: Path, out: Path) -> dict:
    """The environment OSS-Fuzz's base-builder gives build.sh for one sanitizer and engine."""
    env = dict(os.environ)
    for name in ("CFLAGS", "CXXFLAGS", "LDFLAGS", "LIB_FUZZING_ENGINE", "SANITIZER_FLAGS",
                 "COVERAGE_FLAGS", "ASAN_OPTIONS", "UBSAN_OPTIONS"):
        env.pop(name, None)
    flags = OSS_FUZZ_COVERAGE_FLAGS["coverage" if sanitizer == "coverage" else engine]
    cflags = " ".join(f for f in (OSS_FUZZ_CFLAGS, OSS_FUZZ_SANITIZER_FLAGS[sanitizer], flags) if f)
    env.update(CFLAGS=cflags, CXXFLAGS=cflags + " -stdlib=libc++", SANITIZER=sanitizer,
               FUZZING_ENGINE=engine, ARCHITECTURE="x86_64", FUZZING_LANGUAGE="c++",
               SRC=str(ROOT.parent), WORK=str(work), OUT=str(out))
    if engine == "afl":
        env.update(CC="afl-clang-fast", CXX="afl-clang-fast++",
                   LIB_FUZZING_ENGINE=str(afl_driver()), AFL_QUIET="1")
    else:
        env.update(CC="clang", CXX="clang++", LIB_FUZZING_ENGINE="-fsanitize=fuzzer",
                   LDFLAGS=DEBIAN_LIBFUZZER_LDFLAGS)
    return env


@functools.lru_cache(maxsize=None)
def afl_driver() -> Path:
    listing = subprocess.run(["dpkg", "-L", "afl++"], capture_output=True, text=True).stdout
    candidates = [line for line in listing.splitlines() if line.endswith("/libAFLDriver.a")]
    for candidate in candidates + list(AFL_DRIVER_FALLBACKS):
        if Path(candidate).is_file():
            return Path(candidate)
    raise Failure("no libAFLDriver.a (Debian's afl++ package has /usr/lib/afl/libAFLDriver.a)")


def oss_fuzz_check(sanitizers: Iterable[str], afl: bool, work: Path) -> bool:
    """Builds like OSS-Fuzz for each sanitizer (and AFL++), then checks each target like
    check_build, from a copy of $OUT in a random directory. Returns whether all passed."""
    sanitizers = list(sanitizers)
    ensure(OSS_FUZZ_CHECK_PACKAGES + (AFL_PACKAGES if afl else ()), "oss-fuzz-check")
    runs = [(s, "libfuzzer") for s in sanitizers] + ([("address", "afl")] if afl else [])
    labels = [s if e == "libfuzzer" else f"{e} ({s})" for s, e in runs]
    failed = []
    started = time.monotonic()
    for (sanitizer, engine), label in zip(runs, labels):
        say(f"== oss-fuzz-check: {label}")
        with tempfile.TemporaryDirectory(prefix="semfuzz-oss-fuzz-") as tmp:
            try:
                env = oss_fuzz_check_env(sanitizer, engine, work, Path(tmp) / "out")
                oss_fuzz_build(env, quiet=True)
            except Failure as error:
                say(f"  {error}")
                failed.append(label)
                continue
            # check_build runs from a copy of $OUT somewhere else, to catch hard-coded paths.
            moved = Path(tmp) / "not-out" / os.urandom(6).hex()
            shutil.copytree(Path(tmp) / "out", moved)
            shutil.rmtree(Path(tmp) / "out")
            for name in oss_fuzz_targets():
                if not (moved / name).exists():
                    continue  # not configured in this build (said so above)
                *problems, summary = check_target(moved / name, sanitizer, engine, env)
                if problems:
                    failed.append(f"{label} {name}")
                    say(f"  {name}: FAILED")
                    for problem in problems:
                        say("    " + problem.replace("\n", "\n    "))
                else:
                    say(f"  {name}: ok ({summary})")
    took = time.monotonic() - started
    if failed:
        say(f"oss-fuzz-check: FAILED ({', '.join(failed)}) in {took:.0f} s")
        return False
    say(f"oss-fuzz-check: passed ({', '.join(labels)}) in {took:.0f} s")
    return True


def cmd_oss_fuzz_check(args) -> int:
    work = Path(args.work).resolve() if args.work else OSS_FUZZ_CHECK_WORK
    return 0 if oss_fuzz_check(args.sanitizer or OSS_FUZZ_CHECK_SANITIZERS, not args.no_afl,
                               work) else 1


OSS_FUZZ_CHECK_WORK = ROOT / "build" / "oss-fuzz-check"


def register(verbs) -> None:
    """Adds `oss-fuzz-build`, `oss-fuzz-check` and their arguments to the command line (cli.py)."""
    oss_build = add_verb(
        verbs, "oss-fuzz-build", cmd_oss_fuzz_build, "the OSS-Fuzz / ClusterFuzzLite build script",
        "What build.sh runs inside OSS-Fuzz and ClusterFuzzLite. Builds every fuzz target with "
        "the environment's\nCC, CXX, CFLAGS, CXXFLAGS (e.g. -stdlib=libc++), LDFLAGS and "
        "LIB_FUZZING_ENGINE (a flag such as\n-fsanitize=fuzzer, or an engine archive), adding no "
        "sanitizer or engine flags of its own, in\n$WORK/semfuzz-$SANITIZER-<hash>, then fills "
        "$OUT with: each target (e.g. schedule_fuzzer),\n<target>_seed_corpus.zip (corpus/T plus "
        "reproducers/T, which hold fixed bugs only),\n<target>.options and <target>.dict. "
        "Defaults for local use: OUT=build/oss-fuzz/out,\nWORK=build/oss-fuzz/work, "
        "LIB_FUZZING_ENGINE=-fsanitize=fuzzer. ARCHITECTURE=i386 adds -m32 when\nmissing.")
    oss_build.add_argument("--out", metavar="DIR", help="instead of $OUT")

    oss_check = add_verb(
        verbs, "oss-fuzz-check", cmd_oss_fuzz_check,
        "emulate OSS-Fuzz's build and check_build here",
        "For each sanitizer, sets the environment OSS-Fuzz's base-builder sets (clang, its "
        "CFLAGS and\nsanitizer flags, -stdlib=libc++, LIB_FUZZING_ENGINE=-fsanitize=fuzzer; "
        "Debian's libFuzzer\nalso needs libstdc++ linked), runs oss-fuzz-build into a "
        "temporary $OUT, moves $OUT to a\nrandom directory and checks each target like "
        "check_build: an x86-64 ELF with\nLLVMFuzzerTestOneInput, `-runs=4` prints `Done 4 "
        "runs` (with its .options and .dict),\ninstrumentation (SanitizerCoverage counters; "
        "coverage: profile counters and a .profraw),\ncheck_mixed_sanitizers' call counts, a "
        "flat seed-corpus zip. Then builds the targets with\nAFL++ (afl-clang-fast++ and "
        "libAFLDriver.a from Debian's afl++, ASan) and runs each on one\ninput. Installs "
        "libc++-14-dev, libc++abi-14-dev and afl++ as root when missing. `test` runs it.")
    oss_check.add_argument("--sanitizer", action="append",
                           choices=OSS_FUZZ_CHECK_SANITIZERS,
                           help="only this sanitizer (repeatable; default: "
                                f"{', '.join(OSS_FUZZ_CHECK_SANITIZERS)})")
    oss_check.add_argument("--no-afl", action="store_true", help="skip the AFL++ build")
    oss_check.add_argument("--work", metavar="DIR",
                           help=f"build directories (default {rel(OSS_FUZZ_CHECK_WORK)}; kept, "
                                "one per flag set, so reruns are incremental)")
