"""`test`: build every configuration and run every test."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Optional

from .builds import build, config, configure, ctest, ensure_packages
from .cliargs import add_verb
from .common import Failure, data_dir, files_in, new_run_dir, rel, say
from .doclinks import docs_problems
from .gates import (format_problems, include_problems, pyflakes_problems, python_problems,
                    size_problems)
from .libfuzzer import run_libfuzzer
from .mutants import check_mutant_reproducers
from .ossfuzz import OSS_FUZZ_CHECK_SANITIZERS, OSS_FUZZ_CHECK_WORK, oss_fuzz_check
from .reproducers import minimize_command
from .targets import TARGETS, classify, sanitizer_env, target


TEST_PRESETS = ("asan-fuzz", "tsan-fuzz", "gcc")  # what `test` builds; --quick keeps the first
SMOKE_SECONDS = 20
QUICK_SMOKE_SECONDS = 5


def cmd_test(args) -> int:
    names = args.config or (TEST_PRESETS[:1] if args.quick else TEST_PRESETS)
    configs = [config(name) for name in names]  # an unknown name stops here, before any work
    passed, failed = run_gates()
    try:
        ensure_packages(configs)
    except Failure as error:
        say(f"semfuzz: {error}")
        configs, failed = [], failed + 1
    env = sanitizer_env() if configs else {}
    built = []
    for cfg in configs:
        say(f"== {cfg.name} ({rel(cfg.build_dir)})")
        if configure(cfg) and build(cfg):
            built.append(cfg.name)
            p, f = ctest(cfg, env)
        else:
            p, f = 0, 1
        passed, failed = passed + p, failed + f
    # Real-thread targets are covered by their corpus replays in ctest; their fuzz smoke runs are
    # left out of `test` (nondeterministic, slow under TSan on 2 cores).
    for name in (n for n, spec in TARGETS.items() if spec.get("smoke", True)):
        outcome = smoke(name, built, env,
                        QUICK_SMOKE_SECONDS if args.quick else SMOKE_SECONDS)
        if outcome is not None:
            passed, failed = passed + outcome, failed + (not outcome)
    if not args.quick and not args.config:  # the OSS-Fuzz build + check_build emulation, AFL++
        try:
            ok = oss_fuzz_check(OSS_FUZZ_CHECK_SANITIZERS, True, OSS_FUZZ_CHECK_WORK)
        except Failure as error:
            say(f"oss-fuzz-check: {error}")
            ok = False
        passed, failed = passed + ok, failed + (not ok)
    if configs:
        p, f = check_mutant_reproducers(env)
        passed, failed = passed + p, failed + f
    say(f"semfuzz test: {passed} passed, {failed} failed")
    return 1 if failed else 0


def run_gates() -> tuple[int, int]:
    """The cheap checks first: formatting of C++ files, compiling and pyflakes of Python files,
    the links and shown commands of README.md and docs/, the size and include rules of fuzz/.
    Returns (passed, failed), one test each."""
    passed = failed = 0
    for name, check in (("clang-format", format_problems), ("py_compile", python_problems),
                        ("pyflakes", pyflakes_problems),
                        ("docs links and commands", docs_problems),
                        ("size rules of fuzz/", size_problems),
                        ("include rules of fuzz/", include_problems)):
        try:
            problems = check()
        except Failure as error:
            problems = [str(error)]
        say(f"== {name}: " + (f"{len(problems)} problem(s) FAILED" if problems else "ok"))
        for problem in problems:
            say("  " + problem)
        passed, failed = passed + (not problems), failed + bool(problems)
    return passed, failed


def known_unfixed(name: str, verdict: str) -> Optional[Path]:
    """For a third-party target, the first reproducer in reproducers/<name>/unfixed/ whose file name
    starts with `verdict` (a bug of that library that we cannot fix, which a short fuzz run may
    find again); None otherwise, and for semfuzz's own targets."""
    unfixed = data_dir("reproducers") / name / "unfixed"
    if not TARGETS[name].get("third_party") or not verdict or not unfixed.is_dir():
        return None
    return next((f for f in files_in(unfixed) if f.name.startswith(verdict + "-")), None)


def smoke(name: str, built: list[str], env: dict, seconds: int) -> Optional[bool]:
    """A short fuzz run on a temporary copy of the corpus; None when skipped."""
    t = target(name)
    say(f"== fuzz smoke run: {name}, {seconds} s")
    if t.config.name not in built:
        say(f"  skipped: preset {t.config.name} was not built in this run")
        return None
    if not t.binary.exists():
        say(f"  skipped: {rel(t.binary)} does not exist (no such fuzz target in this build)")
        return None
    with tempfile.TemporaryDirectory(prefix=f"semfuzz-smoke-{name}-") as tmp:
        corpus, artifacts = Path(tmp) / "corpus", Path(tmp) / "artifacts"
        if t.corpus.is_dir():
            shutil.copytree(t.corpus, corpus)
        corpus.mkdir(exist_ok=True)
        artifacts.mkdir()
        seeds = [corpus] + ([t.reproducers] if t.reproducers.is_dir() else [])
        run = run_libfuzzer(t, seconds, seeds, artifacts, Path(tmp) / "fuzz.log", env)
        if run.returncode == 0:
            say(f"  ok: {run.execs} execs ({run.exec_per_sec}/s)")
            return True
        outcome = classify(run.tail, run.returncode)
        known = known_unfixed(name, outcome.verdict)
        if known:
            say(f"  ok: found {outcome.verdict}, a known unfixed bug of the library under test "
                f"({rel(known)})")
            return True
        kept = new_run_dir(f"{name}-smoke")
        shutil.copytree(tmp, kept, dirs_exist_ok=True, ignore=shutil.ignore_patterns("corpus"))
        say(f"  FAILED: {outcome.verdict}: {outcome.details}")
        for artifact in files_in(kept / "artifacts"):
            say(f"  artifact {rel(artifact)}\n    minimise it: {minimize_command(artifact, name)}")
        return False


def register(verbs) -> None:
    """Adds `test` and its arguments to the command line (cli.py)."""
    test = add_verb(
        verbs, "test", cmd_test,
        "install dependencies, build every configuration, run all tests",
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
