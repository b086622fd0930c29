"""Build configurations (the configure presets of CMakePresets.json), Debian packages,
CMake and ctest: the only place that runs them."""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterable

from .common import Failure, ROOT, UsageError, output_tail, rel, say
from .stopping import end_group, start_group


@dataclasses.dataclass(frozen=True)
class Config:
    name: str
    build_dir: Path
    cache: dict  # resolved cacheVariables
    packages: tuple  # Debian packages the preset needs (vendor.semfuzz.packages, inherited)

    @property
    def sanitizers(self) -> str:
        return self.cache.get("SEMFUZZ_SANITIZER", "")


@functools.lru_cache(maxsize=None)
def _presets() -> dict:
    data = json.loads((ROOT / "CMakePresets.json").read_text())
    return {p["name"]: p for p in data["configurePresets"]}


def _lineage(name: str) -> list[dict]:
    """The preset and its ancestors, nearest first (CMake's precedence order)."""
    preset = _presets()[name]
    parents = preset.get("inherits", [])
    parents = [parents] if isinstance(parents, str) else parents
    return [preset] + [p for parent in parents for p in _lineage(parent)]


@functools.lru_cache(maxsize=None)
def config(name: str) -> Config:
    visible = [n for n, p in _presets().items() if not p.get("hidden")]
    if name not in visible:
        raise UsageError(f"unknown configuration {name!r}; "
                      f"CMakePresets.json has: {', '.join(visible)}")
    lineage = _lineage(name)
    cache, packages = {}, []
    for preset in reversed(lineage):
        for key, value in preset.get("cacheVariables", {}).items():
            cache[key] = value["value"] if isinstance(value, dict) else value
        for package in preset.get("vendor", {}).get("semfuzz", {}).get("packages", []):
            if package not in packages:
                packages.append(package)
    binary_dir = next(p["binaryDir"] for p in lineage if "binaryDir" in p)
    binary_dir = binary_dir.replace("${sourceDir}", str(ROOT)).replace("${presetName}", name)
    return Config(name, Path(binary_dir), cache, tuple(packages))


def missing_packages(packages: Iterable[str]) -> list[str]:
    packages = list(dict.fromkeys(packages))
    if not packages or not shutil.which("dpkg-query"):
        return []  # not Debian: nothing to check against; the build says what is missing
    query = subprocess.run(["dpkg-query", "-W", "-f=${Package} ${Status}\n", *packages],
                           capture_output=True, text=True)
    installed = {line.split()[0] for line in query.stdout.splitlines()
                 if line.split() and line.split()[-1] == "installed"}
    return [p for p in packages if p not in installed]


def ensure_packages(configs: Iterable[Config]) -> None:
    missing = missing_packages(p for c in configs for p in c.packages)
    if not missing:
        return
    if os.geteuid() != 0:
        raise Failure("missing Debian packages: " + " ".join(missing) +
                      "\n  install them as root: apt-get install --no-install-recommends " +
                      " ".join(missing))
    log = apt_log()
    log.parent.mkdir(parents=True, exist_ok=True)
    say(f"installing {' '.join(missing)} (apt-get's output: {rel(log)})")
    started = time.monotonic()
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    with open(log, "a") as output:
        for command in (["apt-get", "update"],
                        ["apt-get", "install", "-y", "--no-install-recommends", *missing]):
            output.write(f"$ {' '.join(command)}\n")
            output.flush()
            if subprocess.run(command, env=env, stdout=output, stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL).returncode != 0:
                raise Failure(f"`{' '.join(command)}` failed; the end of {rel(log)}:\n"
                              + output_tail(log.read_text(errors="replace"), 15))
    say(f"  installed {len(missing)} package(s) in {time.monotonic() - started:.0f} s")


def apt_log() -> Path:
    return ROOT / "build" / "apt-get.log"


NINJA_STATUS = re.compile(r"^\[(\d+)/(\d+)\] ")
STATUS_EVERY_S = 10  # progress lines when the output is not a terminal


def step(what: str, command: list) -> bool:
    """Runs a build step; shows ninja's `[done/total]` status as it goes (one line rewritten on
    a terminal, a line every 10 s otherwise) and its whole output only when it fails."""
    started = time.monotonic()
    lines, shown_at, width = [], started, 0
    terminal = sys.stdout.isatty()
    # A group of its own, ended whole when semfuzz is stopped (a signal to semfuzz alone would
    # otherwise leave ninja building).
    process = start_group(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, errors="replace")
    try:
        for line in process.stdout:
            lines.append(line)
            status = NINJA_STATUS.match(line)
            if not status:
                continue
            now = time.monotonic()
            text = f"  {what}: {line.rstrip()}"
            if terminal:
                columns = shutil.get_terminal_size().columns - 1
                text = text[:columns]
                sys.stdout.write("\r" + text.ljust(width) + "\r")
                sys.stdout.flush()
                width = len(text)
            elif now - shown_at >= STATUS_EVERY_S:
                shown_at = now
                say(f"  {what}: [{status[1]}/{status[2]}] after {now - started:.0f} s")
        returncode = process.wait()
    except BaseException:
        end_group(process, grace=2.0)
        raise
    finally:
        process.stdout.close()
    if width:
        sys.stdout.write("\r" + " " * width + "\r")
    seconds = time.monotonic() - started
    if returncode == 0:
        say(f"  {what}: ok ({seconds:.0f} s)")
        return True
    say(f"  {what}: FAILED (exit {returncode}): {' '.join(command)}")
    say(output_tail("".join(lines)))
    return False


def configure(cfg: Config) -> bool:
    return step(f"configure {cfg.name}", ["cmake", "--preset", cfg.name])


def build(cfg: Config, targets: Iterable[str] = ()) -> bool:
    """Configures first when the build directory is new; builds `targets` (default: all)."""
    if not (cfg.build_dir / "CMakeCache.txt").exists() and not configure(cfg):
        return False
    target_args = [a for t in targets for a in ("--target", t)]
    what = f"build {cfg.name}" + (f" ({', '.join(targets)})" if targets else "")
    return step(what, ["cmake", "--build", str(cfg.build_dir), *target_args])


CTEST_SUMMARY = re.compile(r"(\d+)% tests passed, (\d+) tests? failed out of (\d+)")


def ctest(cfg: Config, env: dict) -> tuple[int, int]:
    """Runs the configuration's tests; returns (passed, failed). Full output only on failure."""
    command = [*no_aslr_prefix(cfg), "ctest", "--test-dir", str(cfg.build_dir),
               "--output-on-failure", "-j2"]
    result = subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, errors="replace")
    summary = CTEST_SUMMARY.search(result.stdout)
    if result.returncode != 0 or not summary:
        say(result.stdout.rstrip())
    else:
        say("\n".join("  " + line for line in result.stdout.splitlines()
                      if CTEST_SUMMARY.search(line) or line.startswith("Total Test time")))
    if summary:
        failed, total = int(summary[2]), int(summary[3])
        return total - failed, failed
    if result.returncode == 0 and "No tests were found" in result.stdout:
        return 0, 0
    return 0, 1  # ctest itself failed: count it so that the run cannot pass


@functools.lru_cache(maxsize=None)
def aslr_off_prefix() -> tuple[str, ...]:
    """`setarch ARCH -R`, which runs a program without address randomisation, where it works
    (a container may refuse the personality call); else nothing."""
    if not shutil.which("setarch"):
        return ()
    prefix = ("setarch", platform.machine(), "-R")
    probe = subprocess.run([*prefix, "true"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return prefix if probe.returncode == 0 else ()


def no_aslr_prefix(cfg: Config) -> list[str]:
    """clang 14's TSan cannot place its shadow memory when the kernel randomises mmap with more
    than 28 bits (the default from Linux 6.5 on some distributions): run TSan builds without
    ASLR there."""
    if "thread" not in cfg.sanitizers:
        return []
    try:
        bits = int(Path("/proc/sys/vm/mmap_rnd_bits").read_text())
    except (OSError, ValueError):
        return []
    return list(aslr_off_prefix()) if bits > 28 else []


def ensure(packages: Iterable[str], why: str) -> None:
    ensure_packages([Config(why, ROOT, {}, tuple(packages))])
