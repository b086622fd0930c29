#!/usr/bin/env python3
"""Lists the #include lines of fuzz/ and semaphore/ that break the layering of the folders.

The folders of fuzz/, bottom to top (docs/architecture.md, "The map of fuzz/"):
  engine        glue to libFuzzer / AFL++ / the standalone replay main
  input         bytes <-> programs and choices
  sim           the simulated platform: fibers, scheduler, futex model, memory model
  oracles       the contract and the verdicts
  tests         test helpers shared by several folders (broken_semaphores.h, golden/)
  schedule      the simulated runner and its targets
  threads       the real-thread runner and its targets
  instrumented  adapter.h, the public header of bring-your-own adapters, then
                its runtime/ (the hooks, the OS and library models, the whole-program runtime,
                the adapter bridge), its targets/ and its tests/, in that order
  tools         the golden files' checker, as_test, seed_corpus
The rules:
  - a file includes (`#include "fuzz/..."`) only its own folder and folders below it;
  - nothing outside tests includes a test (a *_test.cc, a file under a tests/ folder, or a
    header that only tests include), so a folder's library never needs a test helper;
  - a test may also include folders above its own (it is a leaf: nothing but a test includes
    it), since a test of one folder may be judged by a higher one (the scheduler's tests by the
    oracles);
  - semaphore/ (the production semaphore) includes nothing of fuzz/.
Paths are those of "fuzz/..." includes, relative to the repository root, as everywhere in fuzz/.

Usage: fuzz/tools/include_rules.py [ROOT] (default: this checkout). Prints one line per
offending include and exits 1 if there is any, 0 if none.
"""
import re
import sys
from pathlib import Path

LAYERS = ("engine", "input", "sim", "oracles", "tests", "schedule", "threads", "instrumented",
          "instrumented/runtime", "instrumented/targets", "instrumented/tests", "tools")
SUFFIXES = (".h", ".cc", ".cpp", ".hpp")
INCLUDE = re.compile(r'^\s*#\s*include\s+"(fuzz/[^"]+)"', re.M)


def sources(root: Path, top: str) -> list[Path]:
    return sorted(p for p in (root / top).rglob("*")
                  if p.suffix in SUFFIXES and p.is_file() and "mutants" not in p.parts)


def folder(relative: str) -> str:
    """The layer of fuzz/<layer>/... (fuzz/instrumented/<layer>/... for instrumented/'s
    folders); '' for a file directly in fuzz/."""
    parts = relative.split("/")
    if len(parts) > 3 and parts[1] == "instrumented":
        return "/".join(parts[1:3])
    return parts[1] if len(parts) > 2 else ""


def is_named_test(relative: str) -> bool:
    return "tests" in relative.split("/")[:-1] or relative.endswith("_test.cc")


def test_files(includes: dict[str, list[tuple[int, str]]]) -> set[str]:
    """Named tests, and the headers that only tests include (to a fixpoint)."""
    tests = {f for f in includes if is_named_test(f)}
    includers: dict[str, set[str]] = {}
    for f, lines in includes.items():
        for _, target in lines:
            includers.setdefault(target, set()).add(f)
    changed = True
    while changed:
        changed = False
        for header, by in includers.items():
            if header not in tests and header in includes and by <= tests:
                tests.add(header)
                changed = True
    return tests


def problems(root: Path) -> list[str]:
    includes: dict[str, list[tuple[int, str]]] = {}
    for top in ("fuzz", "semaphore"):
        for path in sources(root, top):
            text = path.read_text(errors="replace")
            includes[path.relative_to(root).as_posix()] = [
                (text.count("\n", 0, m.start()) + 1, m.group(1)) for m in INCLUDE.finditer(text)]
    tests = test_files(includes)
    out = []
    for f, lines in sorted(includes.items()):
        for number, target in lines:
            where = f"{f}:{number}: includes {target}"
            if f.startswith("semaphore/"):
                if target.startswith("fuzz/"):
                    out.append(f"{where}: the production semaphore includes nothing of fuzz/")
                continue
            if target in tests and f not in tests:
                out.append(f"{where}, a test helper, from code that is not a test")
            if not target.startswith("fuzz/"):
                continue
            mine, theirs = folder(f), folder(target)
            for name, layer in ((f, mine), (target, theirs)):
                if layer not in LAYERS:
                    out.append(f"{where}: {name} is in no folder of the layering ({', '.join(LAYERS)})")
                    break
            else:
                if LAYERS.index(theirs) > LAYERS.index(mine) and f not in tests:
                    out.append(f"{where}: {theirs}/ is above {mine}/ (order: {' < '.join(LAYERS)})")
    return out


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parents[2]
    found = problems(root)
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
