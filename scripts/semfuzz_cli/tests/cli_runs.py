"""Shell-level tests: `scripts/semfuzz` as a process, on a temporary copy of a small corpus
(SEMFUZZ_CORPUS_DIR, SEMFUZZ_REPRODUCERS_DIR, SEMFUZZ_RUNS_DIR), stopped by signals and kill -9.
Not unit tests: they need the built fuzz targets, so ctest runs each class as its own test in the
build that has them (see the top CMakeLists.txt); `python3 -m unittest semfuzz_cli.tests.cli_runs`
from scripts/ runs them by hand."""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import unittest
from pathlib import Path

from semfuzz_cli.common import ROOT, files_in
from semfuzz_cli.targets import target

SEMFUZZ = ROOT / "scripts" / "semfuzz"
SAMPLE = 100  # seed inputs copied from corpus/schedule: fuzzing finds new ones at once
STOP_WITHIN_S = 15
BUILT = r"build asan-fuzz \(schedule_fuzzer\): ok"  # printed just before a merge starts


def sha1(path: Path) -> str:
    return hashlib.sha1(path.read_bytes()).hexdigest()


def contents(folder: Path) -> set:
    return {sha1(f) for f in files_in(folder)}


def processes_mentioning(text: str) -> list[str]:
    """Live (not zombie) processes whose command line contains `text`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if text in command and state != "Z":
            found.append(f"{entry.name}: {command.strip()}")
    return found


class Run:
    """`scripts/semfuzz ARGS` started in a session of its own, its output collected."""

    def __init__(self, args: list, env: dict):
        self.process = subprocess.Popen([str(SEMFUZZ), *args], env=env, cwd=ROOT,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        text=True, errors="replace", start_new_session=True)
        self.lines: list = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for(self, pattern: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not re.search(pattern, self.output, re.MULTILINE):
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise AssertionError(f"no /{pattern}/ in the output:\n{self.output}")
            time.sleep(0.05)

    def wait(self, timeout: float) -> int:
        try:
            returncode = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            self.process.stdout.close()
            raise AssertionError(f"still running after {timeout} s:\n{self.output}") from None
        self._reader.join(5)
        self.process.stdout.close()
        return returncode


class Workspace(unittest.TestCase):
    """A temporary corpus/, reproducers/ and runs/ that the CLI is pointed at."""

    sample = SAMPLE

    def setUp(self) -> None:
        if not target("schedule").binary.exists():
            self.skipTest("the schedule target is not built (cmake --preset asan-fuzz)")
        folder = tempfile.TemporaryDirectory(prefix="semfuzz-cli-runs-")
        self.addCleanup(folder.cleanup)
        self.root = Path(folder.name)
        self.corpus = self.root / "corpus" / "schedule"
        self.corpus.mkdir(parents=True)
        for f in sorted(files_in(ROOT / "corpus" / "schedule"), key=lambda f: f.name)[:self.sample]:
            shutil.copyfile(f, self.corpus / f.name)
        self.runs = self.root / "runs"
        self.env = dict(os.environ, SEMFUZZ_CORPUS_DIR=str(self.root / "corpus"),
                        SEMFUZZ_REPRODUCERS_DIR=str(self.root / "reproducers"),
                        SEMFUZZ_RUNS_DIR=str(self.runs))
        self.addCleanup(self.kill_strays)

    def kill_strays(self) -> None:
        for line in processes_mentioning(str(self.root)):
            try:
                os.kill(int(line.split(":")[0]), signal.SIGKILL)
            except ProcessLookupError:
                pass

    def run_dirs(self) -> list[Path]:
        return sorted(p for p in self.runs.iterdir() if p.is_dir()) if self.runs.is_dir() else []

    def summary(self) -> dict:
        return json.loads((self.run_dirs()[-1] / "summary.json").read_text())

    def assert_clean_corpus(self) -> None:
        """Every input named by its SHA-1; no merge folder or temporary file left."""
        for f in files_in(self.corpus):
            self.assertEqual(f.name, sha1(f), f"{f} is not named by its SHA-1")
        self.assertEqual([p.name for p in self.corpus.parent.glob(".schedule-merge-*")], [])
        self.assertEqual([p.name for p in self.corpus.iterdir() if p.name.startswith(".")], [])

    def assert_no_strays(self) -> None:
        deadline = time.monotonic() + 3
        while processes_mentioning(str(self.root)) and time.monotonic() < deadline:
            time.sleep(0.1)
        self.assertEqual(processes_mentioning(str(self.root)), [])


class FuzzStopTest(Workspace):
    """SIGINT / SIGTERM during `fuzz`: stops within 15 s, merges what was found, says so in
    summary.json, exits 128 + the signal, leaves no process and no temporary folder."""

    def stop_during_fuzz(self, signum: int, jobs: int) -> None:
        run = Run(["fuzz", "--time", "120", "--jobs", str(jobs)], self.env)
        run.wait_for(r"^fuzzing schedule", 120)
        time.sleep(2.5)
        before = contents(self.corpus)
        signalled = time.monotonic()
        if signum == signal.SIGINT:
            os.killpg(run.process.pid, signum)  # a terminal's Ctrl-C: the whole group
        else:
            os.kill(run.process.pid, signum)  # CI cancelling the job: the CLI alone
        self.assertEqual(run.wait(STOP_WITHIN_S + 60), 128 + signum, run.output)
        self.assertLess(time.monotonic() - signalled, STOP_WITHIN_S, run.output)
        summary = self.summary()
        self.assertTrue(summary["interrupted"], summary)
        self.assertEqual(summary["signal"], signal.Signals(signum).name)
        self.assertTrue(summary["merged"], summary)
        after = contents(self.corpus)
        self.assertTrue(before <= after)
        self.assertEqual(len(after - before), summary["new_corpus_files"])
        self.assertIn(f"stopped by {signal.Signals(signum).name}: kept", run.output)
        run_dir = self.run_dirs()[-1]
        self.assertFalse((run_dir / "new_corpus").exists())
        self.assertFalse((run_dir / "tmp").exists())
        self.assert_clean_corpus()
        self.assert_no_strays()
        self.assertNotIn("Traceback", run.output)

    def test_sigint_one_job(self):
        self.stop_during_fuzz(signal.SIGINT, 1)

    def test_sigterm_one_job(self):
        self.stop_during_fuzz(signal.SIGTERM, 1)

    def test_sigint_two_jobs(self):
        self.stop_during_fuzz(signal.SIGINT, 2)

    def test_sigterm_two_jobs(self):
        self.stop_during_fuzz(signal.SIGTERM, 2)

    def test_a_second_signal_during_the_merge_loses_nothing(self):
        env = dict(self.env, SEMFUZZ_MERGE_STEP_DELAY="0.3")
        run = Run(["fuzz", "--time", "120"], env)
        run.wait_for(r"^fuzzing schedule", 120)
        time.sleep(4)
        before = len(files_in(self.corpus))
        os.kill(run.process.pid, signal.SIGTERM)
        run.wait_for("stopping libFuzzer", 10)
        deadline = time.monotonic() + 30
        while len(files_in(self.corpus)) == before:  # the merge has placed its first input
            self.assertLess(time.monotonic(), deadline, run.output)
            time.sleep(0.02)
        os.kill(run.process.pid, signal.SIGTERM)
        self.assertEqual(run.wait(30), 128 + signal.SIGTERM, run.output)
        summary = self.summary()
        self.assertFalse(summary["merged"], run.output)
        self.assertGreater(summary["unmerged_inputs"], 0)
        new_corpus = self.run_dirs()[-1] / "new_corpus"
        self.assertTrue(files_in(new_corpus), "the run's new inputs were deleted unmerged")
        self.assert_clean_corpus()
        partly = contents(self.corpus)

        resume = Run(["merge", "--resume"], self.env)
        self.assertEqual(resume.wait(120), 0, resume.output)
        self.assertIn("resumed", resume.output)
        self.assertFalse(new_corpus.exists())
        self.assertTrue(partly <= contents(self.corpus))
        self.assert_clean_corpus()
        self.assert_no_strays()


class MergeKillTest(Workspace):
    """kill -9 at random moments of `merge`, 20 times: the corpus never loses an input the
    merge keeps, never holds anything but the original inputs, each named by its SHA-1."""

    def test_kill_nine_at_random_moments(self):
        # Half the inputs in a subfolder: the merge must move the ones it keeps (place, then
        # delete), not only delete the redundant ones.
        # Tiny inputs decode to tiny programs, most with nothing new: inputs the merge drops.
        for value in range(64):
            data = bytes([value, 255 - value])
            (self.corpus / hashlib.sha1(data).hexdigest()).write_bytes(data)
        sub = self.corpus / "sub"
        sub.mkdir()
        for f in files_in(self.corpus)[::2]:
            f.rename(sub / f.name)
        pristine = self.root / "pristine"
        shutil.copytree(self.corpus, pristine)
        original = contents(pristine)
        env = dict(self.env, SEMFUZZ_MERGE_STEP_DELAY="0.005")

        def fresh() -> None:
            shutil.rmtree(self.corpus)
            shutil.copytree(pristine, self.corpus)

        started = time.monotonic()
        merge = Run(["merge"], env)
        merge.wait_for(BUILT, 120)
        ready = time.monotonic() - started
        self.assertEqual(merge.wait(120), 0, merge.output)
        window = time.monotonic() - started - ready  # the merge itself
        kept = contents(self.corpus)
        self.assertTrue(kept and kept < original, "the merge should drop some inputs")
        fresh()
        again = Run(["merge"], env)
        self.assertEqual(again.wait(120), 0, again.output)
        self.assertEqual(contents(self.corpus), kept, "libFuzzer's merge is not deterministic")

        rng = random.Random(20)
        for attempt in range(20):
            fresh()
            merge = Run(["merge"], env)
            merge.wait_for(BUILT, 120)
            time.sleep(rng.uniform(0, window))
            os.kill(merge.process.pid, signal.SIGKILL)
            merge.wait(10)
            self.kill_strays()  # libFuzzer's merge, orphaned by the kill
            now = contents(self.corpus)
            self.assertTrue(kept <= now, f"attempt {attempt}: lost {len(kept - now)} input(s)")
            self.assertTrue(now <= original, f"attempt {attempt}: foreign files")
            for f in files_in(self.corpus):
                self.assertEqual(f.name, sha1(f))
        finish = Run(["merge"], env)  # after the last kill: runs again, cleans up
        self.assertEqual(finish.wait(120), 0, finish.output)
        self.assertTrue(contents(self.corpus) <= original)
        self.assert_clean_corpus()


class ConcurrentRunsTest(Workspace):
    """A second `fuzz` or `merge` on a corpus that a 60 s `fuzz` holds is refused at once with a
    clear message; the first run is unharmed, and its plot has a sample at least every 2 s."""

    sample = 2000  # a grown corpus: a 60 s run adds far fewer inputs to merge

    def test_second_run_is_refused_and_the_first_plots_its_progress(self):
        first = Run(["fuzz", "--time", "60"], self.env)
        first.wait_for(r"^fuzzing schedule", 120)
        for args in (["fuzz", "--time", "5"], ["merge"], ["merge", "--resume"]):
            second = Run(args, self.env)
            self.assertEqual(second.wait(30), 2, second.output)
            self.assertRegex(second.output, r"corpus/schedule is in use by `semfuzz fuzz` "
                                             r"\(pid \d+")
            self.assertNotIn("Traceback", second.output)
        self.assertEqual(first.wait(180), 0, first.output)
        summary = self.summary()
        self.assertFalse(summary["interrupted"])
        self.assertEqual(len(self.run_dirs()), 1, "a refused run left a run directory")
        table = (self.run_dirs()[0] / "progress.tsv").read_text().splitlines()[1:]
        self.assertGreaterEqual(len(table), 20, "\n".join(table))
        times = [float(line.split("\t")[0]) for line in table]
        self.assertLessEqual(max(b - a for a, b in zip(times, times[1:])), 2.5)
        if shutil.which("gnuplot"):
            self.assertTrue((self.run_dirs()[0] / "progress.png").stat().st_size > 0)
        self.assert_clean_corpus()


class NonDefaultTargetTest(unittest.TestCase):
    """The replay command `minimize` prints for a threads_std finding names --target, replays
    the finding, and the finding (a libstdc++ bug) is filed in reproducers/threads_std/unfixed/."""

    FINDING = (ROOT / "reproducers" / "threads_std" / "unfixed" /
               "infinite-timeout-libstdcxx12-try-acquire-for-duration-max")

    def test_printed_replay_command_reproduces(self):
        if not target("threads_std").binary.exists() or not self.FINDING.exists():
            self.skipTest("threads_std is not built (cmake --preset tsan-fuzz) or no finding")
        with tempfile.TemporaryDirectory(prefix="semfuzz-cli-runs-") as tmp:
            env = dict(os.environ, SEMFUZZ_KNOWN_BUGS="1", SEMFUZZ_REPRODUCERS_DIR=tmp,
                       SEMFUZZ_RUNS_DIR=str(Path(tmp) / "runs"))
            minimize = Run(["minimize", "--target", "threads_std", str(self.FINDING)], env)
            self.assertEqual(minimize.wait(240), 0, minimize.output)
            command = re.search(r"^replay: +(scripts/semfuzz replay .*)$", minimize.output,
                                re.MULTILINE)
            self.assertIsNotNone(command, minimize.output)
            self.assertIn("--target threads_std", command[1])
            self.assertIn("/unfixed/", command[1])
            replay = subprocess.run(command[1], shell=True, cwd=ROOT, env=env, text=True,
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                    timeout=240)
            self.assertEqual(replay.returncode, 1, replay.stdout)
            self.assertRegex(replay.stdout, r"FAIL .*: infinite-timeout")


if __name__ == "__main__":
    unittest.main()
