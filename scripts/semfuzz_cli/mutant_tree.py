"""Mutants: historical semaphore bugs (fuzz/mutants/<ID>.patch) and the copies of the tree
they are applied to."""

from __future__ import annotations

import dataclasses
import fcntl
import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Optional

from .builds import Config, config, step
from .common import Failure, ROOT, UsageError, data_dir, output_tail, rel
from .targets import DEFAULT_TARGET, TARGETS


MUTANTS_DIR = ROOT / "fuzz" / "mutants"
MUTANT_WORK = ROOT / "build" / "mutants"  # per build flavour: src/ (the copy), build/, bin/
MUTANT_TREE = ("semaphore", "fuzz", "CMakeLists.txt", "CMakePresets.json")  # what a build needs
MUTANT_HEADER = ("id", "origin", "mistake", "algorithm", "oracle")  # required; also target,
# note, and reproducer (an existing input that kills it, instead of reproducers/TARGET/mutant-ID)
MUTANT_BUDGET_S = 60
MUTANT_SEEDS = 3
MUTANT_KILL_AFTER_S = 60  # past the budget: a run that has not stopped by then is killed
# The first line of a finding in a fuzzer's or the stress test's output; its time is the kill time.
FINDING_LINE = re.compile(r"semfuzz: VERDICT|ERROR: AddressSanitizer|WARNING: ThreadSanitizer|"
                          r"runtime error:|ERROR: libFuzzer|ERROR: LeakSanitizer")


@dataclasses.dataclass(frozen=True)
class Mutant:
    id: str
    patch: Path
    fields: dict  # the patch's header lines

    @property
    def target(self) -> str:
        return self.fields.get("target", DEFAULT_TARGET)

    @property
    def oracle(self) -> str:
        """The verdict expected, as classify() names it."""
        return self.fields["oracle"]

    @property
    def algorithm(self) -> str:
        """What the stress test runs: split64, word32, condvar, or all (a front-end mutant)."""
        word = self.fields["algorithm"].split()[0]
        return word if word in ("split64", "word32", "condvar") else "all"

    @property
    def changes_semaphore(self) -> bool:
        """Whether the patch changes the library (semaphore/), the only code the real-thread
        stress baseline (fuzz/mutants/stress.cc) runs; a mutant of a test semaphore or a
        third-party port (PROXY-*, QT64-*) leaves it unchanged."""
        changed = re.findall(r"^\+\+\+ b/(\S+)", self.patch.read_text(), re.MULTILINE)
        return any(path.startswith("semaphore/") for path in changed)

    def applies_to(self, target_name: str) -> Optional[str]:
        """Why the mutant cannot show on target_name, or None when it can: a target that runs
        only some algorithms (TARGETS' `algorithms`) never runs another one's code."""
        runs = TARGETS[target_name].get("algorithms")
        if runs and self.algorithm != "all" and self.algorithm not in runs:
            return f"{target_name} runs {' and '.join(runs)} only, not {self.algorithm}"
        return None

    @property
    def origin(self) -> str:
        return re.split(r" \(|: ", self.fields["origin"])[0]

    @property
    def reproducer(self) -> Path:
        """reproducers/TARGET/mutant-ID, or the input the header's `reproducer:` names."""
        named = self.fields.get("reproducer")
        if named:
            return ROOT / named
        return data_dir("reproducers") / self.target / f"mutant-{self.id}"

    @property
    def replay_sanitizer(self) -> str:
        """The sanitizers a replay needs to show the expected verdict: none for our oracles, except
        on an instrumented target, whose harness is built with ASan + UBSan (its plain-access race
        detector learns of heap reuse through ASan's allocator hook; fuzz/instrumented/runtime/runtime.h)."""
        if self.oracle.startswith("tsan-"):
            return "thread"
        if self.oracle.startswith(("asan-", "ubsan")) or self.replay_optimized:
            return "address,undefined"
        return ""

    @property
    def replay_optimized(self) -> bool:
        """Whether the replay needs the preset's optimisation instead of -O0: an instrumented
        target's code under test at -O0 calls library functions out of line (std::allocator's
        constructor in an exception message), which its runtime refuses as unsupported calls."""
        return bool(TARGETS.get(self.target, {}).get("instrumented"))


def parse_mutant(path: Path) -> Mutant:
    """Reads the `key: value` header above the diff (continuation lines are indented)."""
    fields, key = {}, None
    for line in path.read_text().splitlines():
        if line.startswith(("--- ", "diff ", "Index: ")):
            break
        if line[:1].isspace() and key and line.strip():
            fields[key] += " " + line.strip()
        elif ":" in line:
            key, _, value = line.partition(":")
            key = key.strip()
            fields[key] = value.strip()
    missing = [k for k in MUTANT_HEADER if not fields.get(k)]
    if missing or fields["id"] != path.stem:
        raise Failure(f"{rel(path)}: its header needs the lines {', '.join(MUTANT_HEADER)}, and "
                      f"id must be the file name; missing: {', '.join(missing) or 'none'}")
    return Mutant(path.stem, path, fields)


def all_mutants(only: Optional[list] = None) -> list[Mutant]:
    def order(path: Path):  # B1, B2, ..., B17, then the others by name
        number = re.fullmatch(r"B(\d+)", path.stem)
        return (0, int(number[1]), "") if number else (1, 0, path.stem.lower())

    mutants = [parse_mutant(p) for p in sorted(MUTANTS_DIR.glob("*.patch"), key=order)]
    unknown = sorted(set(only or ()) - {m.id for m in mutants})
    if unknown:
        raise UsageError(f"no mutant {', '.join(unknown)}; fuzz/mutants/ has "
                      f"{', '.join(m.id for m in mutants)}")
    return [m for m in mutants if not only or m.id in only]


class MutantTree:
    """A copy of the tree (MUTANT_TREE only) with its own CMake build, under build/mutants/NAME.

    Patches go to the copy, never to the working tree. sync() makes the copy equal to the working
    tree again, rewriting only the files that differ, so Ninja recompiles only what a patch
    touched. Binaries are cached in bin/ under a hash of the copy's content, so an unchanged tree
    and patch are not rebuilt. A lock serialises `semfuzz` processes sharing a flavour."""

    def __init__(self, name: str, cache: dict):
        self.dir = MUTANT_WORK / name
        self.src, self.build_dir, self.bin = self.dir / "src", self.dir / "build", self.dir / "bin"
        self.cache = cache
        self.config = Config(name, self.build_dir, cache, ())
        self._lock = None

    def __enter__(self) -> "MutantTree":
        self.dir.mkdir(parents=True, exist_ok=True)
        self._lock = open(self.dir / ".lock", "w")
        fcntl.flock(self._lock, fcntl.LOCK_EX)
        self.sync()
        return self

    def __exit__(self, *exception) -> None:
        self.sync()
        self._lock.close()

    def sync(self) -> None:
        wanted = {}
        for top in MUTANT_TREE:
            path = ROOT / top
            files = [path] if path.is_file() else [
                p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
            wanted.update({p.relative_to(ROOT): p for p in files})
        for copy in list(self.src.rglob("*")) if self.src.is_dir() else []:
            if copy.is_file() and copy.relative_to(self.src) not in wanted:
                copy.unlink()
        for relative, source in wanted.items():
            copy, data = self.src / relative, source.read_bytes()
            if not copy.is_file() or copy.read_bytes() != data:
                copy.parent.mkdir(parents=True, exist_ok=True)
                copy.write_bytes(data)

    def apply(self, mutant: Mutant) -> None:
        result = subprocess.run(["patch", "-p1", "--forward", "--batch", "-i", str(mutant.patch)],
                                cwd=self.src, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True, errors="replace")
        if result.returncode != 0:
            raise Failure(f"PATCH FAILED: {rel(mutant.patch)} no longer applies to semaphore/; "
                          f"re-create mutant {mutant.id} on the current code\n"
                          + output_tail(result.stdout, 20))

    def _cached(self, label: str, kind: str, build_it) -> Path:
        digest = hashlib.sha1(json.dumps([self.cache, kind]).encode())
        for path in sorted(p for p in self.src.rglob("*") if p.is_file()):
            if path.suffix != ".patch":  # the mutants: an applied one shows in the sources
                digest.update(str(path.relative_to(self.src)).encode() + b"\0" + path.read_bytes())
        binary = self.bin / f"{label}.{kind}.{digest.hexdigest()[:16]}"
        if not binary.exists():
            self.bin.mkdir(exist_ok=True)
            for stale in self.bin.glob(f"{label}.{kind}.*"):
                stale.unlink()
            build_it(binary)
        return binary

    def build(self, label: str, target_name: str, replay: bool = False) -> Path:
        """The fuzz target's libFuzzer binary (or standalone replay binary) as the copy is now."""
        spec = Path(TARGETS[target_name]["binary"])
        binary = spec.parent / f"{target_name}_replay" if replay else spec

        def build_it(out: Path) -> None:
            if not (self.build_dir / "CMakeCache.txt").exists():
                defines = [f"-D{key}={value}" for key, value in self.cache.items()]
                if not step(f"configure {rel(self.dir)}", ["cmake", "-S", str(self.src), "-B",
                                                            str(self.build_dir), "-G", "Ninja",
                                                            *defines]):
                    raise Failure(f"cannot configure {rel(self.build_dir)}")
            if not step(f"build {label} {binary.name}",
                         ["cmake", "--build", str(self.build_dir), "--target", binary.name]):
                raise Failure(f"{label}: {binary.name} does not build")
            shutil.copy2(self.build_dir / binary, out)

        return self._cached(label, binary.name, build_it)

    def build_stress(self, label: str) -> Path:
        """fuzz/mutants/stress.cc on the production platform, with the fuzz build's sanitizers."""
        sanitizer = self.config.sanitizers

        def build_it(out: Path) -> None:
            flags = ["-std=c++20", "-O2", "-g", "-pthread", f"-I{self.src / 'semaphore/include'}"]
            if sanitizer:
                flags += [f"-fsanitize={sanitizer}", "-fno-omit-frame-pointer"]
            if "undefined" in sanitizer:
                flags.append("-fno-sanitize-recover=undefined")
            sources = [self.src / "fuzz/mutants/stress.cc",
                       *sorted((self.src / "semaphore/src").glob("*.cc"))]
            compiler = self.cache.get("CMAKE_CXX_COMPILER", "clang++")
            if not step(f"build {label} stress", [compiler, *flags, *map(str, sources), "-o",
                                                   str(out)]):
                raise Failure(f"{label}: fuzz/mutants/stress.cc does not build")

        return self._cached(label, "stress", build_it)


def fuzz_tree(target_name: str) -> MutantTree:
    """The flavour `mutants` fuzzes with: the target's preset, as `fuzz` builds it."""
    cfg = config(TARGETS[target_name]["preset"])
    return MutantTree(f"fuzz-{cfg.name}", dict(cfg.cache, SEMFUZZ_BUILD_TESTS="OFF"))


def replay_tree(sanitizer: str, optimized: bool = False) -> MutantTree:
    """The cheap flavour `test` replays with: standalone main, -O0 (or, `optimized`, the default
    preset's build type), only the sanitizers asked."""
    cache = dict(config(TARGETS[DEFAULT_TARGET]["preset"]).cache, SEMFUZZ_SANITIZER=sanitizer,
                 SEMFUZZ_FUZZ_ENGINE="standalone", SEMFUZZ_BUILD_TESTS="OFF")
    if not optimized:
        cache.update(CMAKE_BUILD_TYPE="Debug", CMAKE_CXX_FLAGS_DEBUG="-O0")
    name = "replay-" + (sanitizer.replace(",", "-") or "plain") + ("-opt" if optimized else "")
    return MutantTree(name, cache)
