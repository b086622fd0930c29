"""The command line: argparse parser and main()."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Optional

from .bench import (BENCH_BINARY, BENCH_MAX_LOAD, BENCH_PRESET, BENCH_REPETITIONS, BENCH_RUNS,
                    HARNESS_PRESETS, SCALING_SECONDS, cmd_bench)
from .campaign import DEFAULT_FUZZ_SECONDS, cmd_fuzz
from .common import Failure, UsageError, rel
from .corpus import cmd_merge
from .coverage import COVERAGE_PRESET, cmd_coverage
from .mutant_tree import MUTANT_BUDGET_S, MUTANT_SEEDS
from .mutants import cmd_mutants
from .ossfuzz import (OSS_FUZZ_CHECK_SANITIZERS, OSS_FUZZ_CHECK_WORK, cmd_oss_fuzz_build,
                      cmd_oss_fuzz_check)
from .reproducers import MINIMIZE_SECONDS
from .stopping import Stopped
from .targets import DEFAULT_TARGET, TARGETS
from .testing import QUICK_SMOKE_SECONDS, SMOKE_SECONDS, TEST_PRESETS, cmd_test
from .verbs import cmd_minimize, cmd_replay


def _at_least(minimum: int):
    """An argparse type: a whole number >= minimum, with a message naming what is wrong."""
    def whole_number(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}")
        return value

    return whole_number


_positive, _natural = _at_least(1), _at_least(0)


def parser() -> argparse.ArgumentParser:
    formatter = argparse.RawDescriptionHelpFormatter
    top = argparse.ArgumentParser(
        prog="scripts/semfuzz", formatter_class=formatter,
        description="Build, test and fuzz the semfuzz semaphore. `scripts/semfuzz VERB --help` "
                    "describes each verb.",
        epilog="Build configurations are the presets in CMakePresets.json (build/<preset>).\n"
               f"Fuzz targets: {', '.join(TARGETS)} (default {DEFAULT_TARGET}).")
    verbs = top.add_subparsers(dest="verb", metavar="VERB")

    def verb(name, function, summary, description):
        sub = verbs.add_parser(name, help=summary, description=description,
                               formatter_class=formatter)
        sub.set_defaults(run=function)
        return sub

    test = verb("test", cmd_test, "install dependencies, build every configuration, run all tests",
                "First the gates: every tracked .cc / .h file as .clang-format says "
                "(clang-format 14, "
                "--dry-run\n-Werror) and every tracked Python file compiles; each offending file "
                "is one line. Then installs\nmissing Debian packages (as root; otherwise names "
                "them and fails), then "
                "for each configuration\nconfigures with `cmake --preset`, builds and runs ctest, "
                "then fuzzes each target for a short smoke\nrun on a temporary copy of its corpus. "
                f"Configurations: {', '.join(TEST_PRESETS)}.\nWithout --quick and --config, "
                "also `oss-fuzz-check` (the OSS-Fuzz build and check_build emulation,\nAFL++; one "
                "more test). Ends with the line `semfuzz test: N passed, M failed` (ctest tests "
                "plus smoke runs); exits non-zero\nif anything failed.")
    test.add_argument("--quick", action="store_true",
                      help=f"only the {TEST_PRESETS[0]} configuration (unless --config is "
                           f"given) and a {QUICK_SMOKE_SECONDS} s smoke run instead of "
                           f"{SMOKE_SECONDS} s")
    test.add_argument("--config", action="append", metavar="NAME",
                      help="a configure preset to build and test instead of the default set; "
                           "repeatable")

    fuzz = verb("fuzz", cmd_fuzz, "grow the corpus; minimise any crash into reproducers/",
                "Builds the target, fuzzes it with libFuzzer in runs/<UTC time>-TARGET/ "
                "(new_corpus/, artifacts/,\nfuzz.log), seeded read-only from corpus/TARGET and "
                "reproducers/TARGET. Then merges the inputs\nthat add coverage into corpus/TARGET "
                "(named by SHA-1), minimises one crash per verdict into\n"
                "reproducers/TARGET/<verdict>-<sha1>, indexes it in reproducers/README.md and "
                "prints its replay\ncommand. The run directory also gets summary.json (what "
                "--json writes), progress.tsv and\nprogress.png (coverage and corpus size over "
                "time; gnuplot, installed as root when missing).\nExits 1 when it found a crash. "
                "Checks the corpus folder, --json, free disk and the build first\n(exit 2 when "
                "one is wrong, or when another semfuzz holds the corpus), and first merges the "
                "new\ninputs of earlier runs that were cut off. Ctrl-C, SIGTERM and SIGHUP stop "
                "libFuzzer, merge what it\nfound, write summary.json with \"interrupted\": true "
                "and exit 128 + the signal; a second signal\nleaves the new inputs for `merge "
                "--resume`.")
    fuzz.add_argument("target", nargs="?", default=DEFAULT_TARGET, choices=TARGETS,
                      help=f"fuzz target (default {DEFAULT_TARGET})")
    fuzz.add_argument("--time", type=_positive, default=DEFAULT_FUZZ_SECONDS, metavar="S",
                      help=f"seconds to fuzz (default {DEFAULT_FUZZ_SECONDS})")
    fuzz.add_argument("--jobs", type=_positive, default=1, metavar="N",
                      help="parallel fuzzing processes (libFuzzer -fork=N -ignore_crashes=1; "
                           "default 1, which stops at the first crash)")
    fuzz.add_argument("--weak-memory", action="store_true",
                      help="seed the run with the corpus and reproducers rewritten as format v2 "
                           "with the weak-memory option on (fuzz/FORMAT.md; v1 inputs alternately "
                           "with the futex a full barrier and no fence), so that the campaign "
                           "explores stale reads; the fuzzer may still clear the option")
    fuzz.add_argument("--list", action="store_true",
                      help="list the fuzz targets, their presets and whether they are built")
    fuzz.add_argument("--json", metavar="FILE",
                      help="also write {target, seconds, execs, exec_per_sec, corpus_files, "
                           "crashes: [{verdict, reproducer}]} to FILE")

    replay = verb("replay", cmd_replay, "run inputs with the trace on; say which oracle failed",
                  "Runs each input once with SEMFUZZ_TRACE=1, prints the decoded program, the "
                  "interleaving and\nthe result, then `PASS FILE` or `FAIL FILE: VERDICT`. A "
                  "directory means every file in it.\nExits 1 when any input failed.")
    replay.add_argument("inputs", nargs="+", metavar="FILE|DIR")
    replay.add_argument("--target", default=DEFAULT_TARGET, choices=TARGETS,
                        help=f"fuzz target (default {DEFAULT_TARGET})")
    replay.add_argument("--as-test", action="store_true",
                        help="instead, print each input as a self-contained GoogleTest case "
                             "(the program and the choices spelled out) that replays it on the "
                             "target (the deterministic ones: "
                             f"{', '.join(n for n, s in TARGETS.items() if s.get('as_test'))}) "
                             "and expects a pass; paste it into a test suite")

    replay.add_argument("--random-schedules", type=_positive, metavar="N",
                        help="instead, run each input's program under N random schedules (the "
                             f"{DEFAULT_TARGET} target's replay binary, -random_schedules=N); "
                             "each failing schedule is written as an input of its own, "
                             "runs/<UTC time>-schedule-random-schedules/artifacts/crash-<sha1>, "
                             "with its replay command")
    replay.add_argument("--seed", type=_natural, metavar="S",
                        help="with --random-schedules: the random chooser's seed (default 1; the "
                             "same seed gives the same schedules)")

    minimize_verb = verb(
        "minimize", cmd_minimize, "shrink a crashing input into reproducers/TARGET/",
        "Checks that CRASH fails and with which verdict, shrinks it with libFuzzer "
        f"-minimize_crash for up\nto {MINIMIZE_SECONDS} s, keeps the result only if it fails with "
        "the same verdict, saves it as\nreproducers/TARGET/<verdict>-<sha1>, adds a row to "
        "reproducers/README.md and prints the replay command.")
    minimize_verb.add_argument("crash", metavar="CRASH")
    minimize_verb.add_argument("--target", default=DEFAULT_TARGET, choices=TARGETS,
                               help=f"fuzz target (default {DEFAULT_TARGET})")

    merge = verb("merge", cmd_merge,
                 "minimise corpus/TARGET in place; --resume: finish cut-off runs",
                 "Keeps only the inputs of corpus/TARGET that libFuzzer's -merge=1 needs to "
                 "preserve coverage,\nnamed by the SHA-1 of their content. Crash-safe: each kept "
                 "input is in place under its SHA-1\n(fsync, rename) before anything is deleted, "
                 "so a merge stopped at any moment loses nothing;\nrun it again to finish. "
                 "A second semfuzz on the same corpus is refused (exit 2).")
    merge.add_argument("target", nargs="?", choices=TARGETS,
                       help=f"fuzz target (default {DEFAULT_TARGET}; with --resume: every "
                            "target with a cut-off run)")
    merge.add_argument("--resume", action="store_true",
                       help="instead, merge the new inputs of runs that were cut off before "
                            "their merge (runs/*/new_corpus/); `fuzz` does this at start for "
                            "its target")

    bench = verb(
        "bench", cmd_bench, "benchmark the semaphores against sem_t and peers; harness exec/s",
        f"Builds the {BENCH_PRESET} preset's {Path(BENCH_BINARY).name} (Google Benchmark; "
        "installs libbenchmark-dev as root\nwhen missing), runs every case for split64, word32, "
        "condvar, glibc sem_t, std::counting_semaphore\nand a mutex+condvar semaphore in one "
        "process, repetitions interleaved at random, and prints a\ntable: case, implementation, "
        "the median, its ratio to sem_t, and futex syscall counts. Then\nthe harness's "
        "throughput: exec/s of each fuzz target's replay binary over its seed corpus,\nin the "
        f"{', '.join(HARNESS_PRESETS)} builds (built first). Exits 1 if a case reported an "
        "error.")
    bench.add_argument("--quick", action="store_true",
                       help=f"{BENCH_REPETITIONS['quick']} repetitions of shorter runs instead of "
                            f"{BENCH_REPETITIONS['full']} (under 3 minutes a run on 2 cores); builds "
                            f"only the {BENCH_PRESET} preset and measures the other replay "
                            "binaries as they are")
    bench.add_argument("--scaling", action="store_true",
                       help=f"also fork-mode fuzzing throughput of {DEFAULT_TARGET} at -fork=1, "
                            f"2, 4, ... up to the number of CPUs ({SCALING_SECONDS} s each, on a "
                            "temporary copy of the corpus) and the contended case at as many "
                            "threads as CPUs")
    bench.add_argument("--runs", type=_positive, default=BENCH_RUNS, metavar="R",
                       help=f"whole runs of the benchmark binary (default {BENCH_RUNS}); the table "
                            "gives the median of their medians with the range, and the median "
                            "and range of each run's ratio to that run's sem_t")
    bench.add_argument("--load", type=_natural, default=0, metavar="N",
                       help="keep N extra threads busy spinning during every run (started and "
                            "stopped by the benchmark binary, --semfuzz_load), a fixed "
                            f"background load (0..{BENCH_MAX_LOAD})")
    bench.add_argument("--json", metavar="FILE",
                       help="also write {date, command, machine, runs, load, rows: [{case, impl, "
                            "metric, median, range, unit, ratio_to_sem_t, ratio_range, syscalls, "
                            "sleeps}], rows_per_run, harness, scaling} to FILE")

    oss_build = verb(
        "oss-fuzz-build", cmd_oss_fuzz_build, "the OSS-Fuzz / ClusterFuzzLite build script",
        "What build.sh runs inside OSS-Fuzz and ClusterFuzzLite. Builds every fuzz target with "
        "the environment's\nCC, CXX, CFLAGS, CXXFLAGS (e.g. -stdlib=libc++), LDFLAGS and "
        "LIB_FUZZING_ENGINE (a flag such as\n-fsanitize=fuzzer, or an engine archive), adding no "
        "sanitizer or engine flags of its own, in\n$WORK/semfuzz-$SANITIZER-<hash>, then fills "
        "$OUT with: each target (e.g. schedule_fuzzer),\n<target>_seed_corpus.zip (corpus/T plus "
        "reproducers/T, which hold fixed bugs only),\n<target>.options and <target>.dict. "
        "Defaults for local use: OUT=build/oss-fuzz/out,\nWORK=build/oss-fuzz/work, "
        "LIB_FUZZING_ENGINE=-fsanitize=fuzzer. ARCHITECTURE=i386 adds -m32 when\nmissing.")
    oss_build.add_argument("--out", metavar="DIR", help="instead of $OUT")

    oss_check = verb(
        "oss-fuzz-check", cmd_oss_fuzz_check, "emulate OSS-Fuzz's build and check_build here",
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

    coverage_verb = verb(
        "coverage", cmd_coverage, "source-based coverage of the corpus: HTML + text summary",
        f"Builds the {COVERAGE_PRESET} preset (clang -fprofile-instr-generate "
        "-fcoverage-mapping, standalone replay\nmain), replays corpus/TARGET and "
        "reproducers/TARGET with LLVM_PROFILE_FILE set, merges the\nprofiles with "
        "llvm-profdata and writes runs/coverage-<UTC time>-TARGET/: html/ (llvm-cov show),\n"
        "summary.txt (llvm-cov report for semaphore/ and fuzz/, then line, branch and "
        "function totals\nper directory, also printed) and summary.json.")
    coverage_verb.add_argument("target", nargs="?", default=DEFAULT_TARGET, choices=TARGETS,
                               help=f"fuzz target (default {DEFAULT_TARGET})")

    mutants_verb = verb(
        "mutants", cmd_mutants, "re-inject historical semaphore bugs; time how fast each is found",
        "For each fuzz/mutants/ID.patch (a historical bug of QSemaphore, glibc or libc++ re-made "
        "in our code;\nits header names the origin, the algorithm and the oracle expected): "
        "applies it to a copy of the\ntree in build/mutants/ (a patch that no longer applies is "
        "an error), builds the patch's target\nas `fuzz` does plus fuzz/mutants/stress.cc, a "
        "naive real-thread stress test with the same\nsanitizers, then for seeds 1..K fuzzes "
        "from an EMPTY corpus (with the target's .options and\n.dict) and stress-tests, each for "
        "up to the budget, stopping at the first finding. Prints a\ntable (median time to kill "
        "of each, their ratio, the verdicts) and `killed K/N`; a killed mutant\nwithout a "
        "reproducer gets one: the killing input, minimised, as reproducers/TARGET/mutant-ID\n"
        "(kept only if the correct semaphore passes it), which `test` replays against the "
        "mutant.\nLogs and summary.json go to runs/<UTC time>-mutants/. Exits 1 when a patch "
        "does not apply or\nbuild.")
    mutants_verb.add_argument("--budget", type=_positive, default=MUTANT_BUDGET_S, metavar="S",
                              help=f"seconds per seed for the fuzzer and for the stress test "
                                   f"(default {MUTANT_BUDGET_S})")
    mutants_verb.add_argument("--seeds", type=_positive, default=MUTANT_SEEDS, metavar="K",
                              help=f"libFuzzer -seed=1..K, stress --seed 1..K (default "
                                   f"{MUTANT_SEEDS})")
    mutants_verb.add_argument("--only", action="append", metavar="ID",
                              help="only this mutant (repeatable)")
    mutants_verb.add_argument("--json", metavar="FILE",
                              help="also write the table's data, per mutant and seed, to FILE")
    mutants_verb.add_argument("--no-reproducers", action="store_true",
                              help="do not minimise killing inputs into reproducers/")
    mutants_verb.add_argument("--target", action="append", choices=TARGETS, metavar="TARGET",
                              help="instead, fuzz every mutant through TARGET rather than its own "
                                   "target, without the stress baseline (repeatable: one column "
                                   "per target, e.g. --target schedule --target "
                                   "schedule_production); a mutant of an algorithm TARGET does "
                                   "not run is a row saying so; reproducers are kept for a "
                                   f"mutant's own target only. Choices: {', '.join(TARGETS)}")
    return top


def main(argv: Optional[list] = None) -> int:
    top = parser()
    args = top.parse_args(argv)
    if not args.verb:
        top.print_help()
        return 2
    try:
        return args.run(args)
    except UsageError as error:
        print(f"semfuzz {args.verb}: {error}", file=sys.stderr)
        return 2
    except Failure as error:
        print(f"semfuzz {args.verb}: {error}", file=sys.stderr)
        return 1
    except Stopped as stop:
        print(f"semfuzz {args.verb}: {stop}", file=sys.stderr)
        return stop.exit_status
    except KeyboardInterrupt:
        print(f"semfuzz {args.verb}: interrupted", file=sys.stderr)
        return 130
    except OSError as error:  # a file the user named, or a full disk: one line, no traceback
        where = f": {error.filename}" if error.filename else ""
        print(f"semfuzz {args.verb}: {error.strerror or error}{where}", file=sys.stderr)
        return 1
