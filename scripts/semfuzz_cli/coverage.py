"""Coverage: clang source-based coverage of the corpus and reproducers (preset `coverage`)."""

from __future__ import annotations

import collections
import json
import os
import shutil
import subprocess
from pathlib import Path

from .builds import build, config, ensure_packages
from .cliargs import add_target, add_verb
from .common import Failure, ROOT, files_in, new_run_dir, rel, say
from .targets import TARGETS, target


COVERAGE_PRESET = "coverage"
COVERAGE_DIRS = ("semaphore", "fuzz")


def llvm_tool(name: str, compiler: str) -> str:
    """llvm-profdata / llvm-cov matching the compiler's major version (profiles are versioned)."""
    version = subprocess.run([compiler, "-dumpversion"], capture_output=True, text=True).stdout
    major = version.strip().split(".")[0]
    for candidate in (f"{name}-{major}", f"/usr/lib/llvm-{major}/bin/{name}", name):
        if shutil.which(candidate):
            return candidate
    raise Failure(f"{name} not found (Debian: apt-get install llvm-{major})")


def _replay_for_coverage(binary: Path, inputs: list, profiles: Path) -> int:
    """Replays inputs with profiling on; a folder whose replay fails (an unfixed reproducer) is
    replayed file by file, so the others still count. Returns the number of failing inputs."""
    env = dict(os.environ, LLVM_PROFILE_FILE=str(profiles / "%m-%p.profraw"))
    failures = 0
    for folder in inputs:
        run = subprocess.run([str(binary), "-runs=1", str(folder)], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             errors="replace")
        if run.returncode == 0:
            say(f"  replayed {rel(folder)}: {len(files_in(folder))} inputs")
            continue
        say(f"  {rel(folder)}: a replay failed; replaying its files one by one")
        for f in files_in(folder):
            one = subprocess.run([str(binary), "-runs=1", str(f)], env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if one.returncode != 0:
                failures += 1
                say(f"    fails: {rel(f)}")
    return failures


def _coverage_totals(llvm_cov: str, binary: Path, profile: Path) -> dict:
    """{directory: {lines: (covered, count), branches: ..., functions: ...}} from llvm-cov."""
    export = subprocess.run([llvm_cov, "export", "-summary-only", f"-instr-profile={profile}",
                             str(binary), *[str(ROOT / d) for d in COVERAGE_DIRS]],
                            capture_output=True, text=True, check=True)
    totals = {d: collections.defaultdict(lambda: [0, 0]) for d in COVERAGE_DIRS}
    for entry in json.loads(export.stdout)["data"][0]["files"]:
        directory = rel(Path(entry["filename"])).split("/")[0]
        if directory not in totals:
            continue
        for kind in ("lines", "branches", "functions", "regions"):
            summary = entry["summary"].get(kind, {})
            totals[directory][kind][0] += summary.get("covered", 0)
            totals[directory][kind][1] += summary.get("count", 0)
    return totals


def _percent(covered: int, count: int) -> str:
    return f"{100.0 * covered / count:.1f}% ({covered}/{count})" if count else "n/a"


def cmd_coverage(args) -> int:
    t = target(args.target)
    cfg = config(COVERAGE_PRESET)
    ensure_packages([cfg])
    binary = cfg.build_dir / TARGETS[t.name]["binary"]
    if not build(cfg, [binary.name]) or not binary.exists():
        raise Failure(f"could not build {rel(binary)} (preset {cfg.name})")
    compiler = cfg.cache.get("CMAKE_CXX_COMPILER", "clang++")
    profdata, llvm_cov = llvm_tool("llvm-profdata", compiler), llvm_tool("llvm-cov", compiler)
    run_dir = new_run_dir(t.name, prefix="coverage-")
    profiles = run_dir / "profraw"
    profiles.mkdir(parents=True)
    inputs = [d for d in (t.corpus, t.reproducers) if files_in(d)]
    if not inputs:
        raise Failure(f"{rel(t.corpus)} and {rel(t.reproducers)} hold no inputs")
    say(f"coverage of {t.name}: replaying {', '.join(rel(d) for d in inputs)}")
    failures = _replay_for_coverage(binary, inputs, profiles)
    raw = sorted(profiles.glob("*.profraw"))
    if not raw:
        raise Failure("the replays wrote no profile")
    profile = run_dir / "coverage.profdata"
    subprocess.run([profdata, "merge", "-sparse", *map(str, raw), "-o", str(profile)], check=True)
    shutil.rmtree(profiles)
    sources = [str(ROOT / d) for d in COVERAGE_DIRS]
    subprocess.run([llvm_cov, "show", "-format=html", f"-output-dir={run_dir / 'html'}",
                    f"-instr-profile={profile}", "-show-line-counts-or-regions",
                    "-show-branches=count", str(binary), *sources],
                   check=True, stdout=subprocess.DEVNULL)
    report = subprocess.run([llvm_cov, "report", f"-instr-profile={profile}", str(binary),
                             *sources], capture_output=True, text=True, check=True).stdout
    report = report.replace(str(ROOT) + "/", "")
    totals = _coverage_totals(llvm_cov, binary, profile)
    lines = [report.rstrip(), "", "totals by directory (lines, branches, functions):"]
    for directory, kinds in totals.items():
        lines.append(f"  {directory + '/':11} lines {_percent(*kinds['lines'])}, "
                     f"branches {_percent(*kinds['branches'])}, "
                     f"functions {_percent(*kinds['functions'])}")
    (run_dir / "summary.txt").write_text("\n".join(lines) + "\n")
    (run_dir / "summary.json").write_text(json.dumps(
        {"target": t.name, "inputs": {rel(d): len(files_in(d)) for d in inputs},
         "failing_inputs": failures,
         "totals": {d: {k: {"covered": v[0], "count": v[1]} for k, v in kinds.items()}
                    for d, kinds in totals.items()}}, indent=2) + "\n")
    say("\n".join(lines))
    say(f"\nHTML report: {rel(run_dir / 'html' / 'index.html')}")
    say(f"summary:     {rel(run_dir / 'summary.txt')}")
    if failures:
        say(f"note: {failures} input(s) failed and are not counted")
    return 0


def register(verbs) -> None:
    """Adds `coverage` and its arguments to the command line (cli.py)."""
    coverage_verb = add_verb(
        verbs, "coverage", cmd_coverage, "source-based coverage of the corpus: HTML + text summary",
        f"Builds the {COVERAGE_PRESET} preset (clang -fprofile-instr-generate "
        "-fcoverage-mapping, standalone replay\nmain), replays corpus/TARGET and "
        "reproducers/TARGET with LLVM_PROFILE_FILE set, merges the\nprofiles with "
        "llvm-profdata and writes runs/coverage-<UTC time>-TARGET/: html/ (llvm-cov show),\n"
        "summary.txt (llvm-cov report for semaphore/ and fuzz/, then line, branch and "
        "function totals\nper directory, also printed) and summary.json.")
    add_target(coverage_verb)
