"""Every verb, given bad arguments or bad inputs, says what is wrong in one line and exits with
the documented status (2: the request is wrong, found before any work), never a traceback. All
of these fail before anything is built."""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

from semfuzz_cli.common import ROOT

SEMFUZZ = ROOT / "scripts" / "semfuzz"


class BadInputTest(unittest.TestCase):
    def setUp(self):
        folder = tempfile.TemporaryDirectory(prefix="semfuzz-cli-errors-")
        self.addCleanup(folder.cleanup)
        self.tmp = Path(folder.name)
        (self.tmp / "empty").mkdir()
        (self.tmp / "input").write_bytes(b"\x01\x02")
        (self.tmp / "corpus").mkdir()
        self.env = dict(os.environ, SEMFUZZ_CORPUS_DIR=str(self.tmp / "corpus"),
                        SEMFUZZ_REPRODUCERS_DIR=str(self.tmp / "reproducers"),
                        SEMFUZZ_RUNS_DIR=str(self.tmp / "runs"))

    def semfuzz(self, *args: str) -> tuple[int, list]:
        result = subprocess.run([str(SEMFUZZ), *args], env=self.env, cwd=ROOT, timeout=60,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.assertNotIn("Traceback", result.stdout)
        return result.returncode, [line for line in result.stdout.splitlines() if line.strip()]

    def assert_one_line(self, expected: str, *args: str) -> None:
        with self.subTest(args=args):
            returncode, lines = self.semfuzz(*args)
            self.assertEqual(returncode, 2, lines)
            self.assertEqual(len(lines), 1, lines)
            self.assertRegex(lines[0], r"^semfuzz \S+: ")
            self.assertIn(expected, lines[0])

    def assert_usage_error(self, expected: str, *args: str) -> None:
        with self.subTest(args=args):
            returncode, lines = self.semfuzz(*args)
            self.assertEqual(returncode, 2, lines)
            self.assertRegex(lines[-1], r"^scripts/semfuzz[ \w-]*: error: ")
            self.assertIn(expected, lines[-1])
            self.assertNotIn("_positive", lines[-1])

    def test_bad_arguments(self):
        self.assert_usage_error("invalid choice: 'nosuch'", "fuzz", "nosuch")
        self.assert_usage_error("invalid choice: 'nosuch'", "coverage", "nosuch")
        self.assert_usage_error("--time: must be at least 1", "fuzz", "--time", "0")
        self.assert_usage_error("--jobs: 'x' is not a whole number", "fuzz", "--jobs", "x")
        self.assert_usage_error("--seed: must be at least 0", "replay", "x", "--seed", "-1")
        self.assert_usage_error("--chooser: 'walk' is not a chooser", "replay", "x", "--chooser",
                                "walk")
        self.assert_usage_error("the following arguments are required", "replay")
        self.assert_usage_error("invalid choice: 'nosuch'", "replay", "--target", "nosuch", "x")
        self.assert_usage_error("invalid choice", "oss-fuzz-check", "--sanitizer", "memory")

    def test_bad_inputs(self):
        missing, empty, folder = (str(self.tmp / "missing"), str(self.tmp / "empty"),
                                  str(self.tmp))
        self.assert_one_line("no such file or directory", "replay", missing)
        self.assert_one_line("a folder with no inputs", "replay", empty)
        self.assert_one_line("no such file or directory", "minimize", missing)
        self.assert_one_line("is a folder", "minimize", folder)
        self.assert_one_line("--seed picks the random schedules", "replay", folder, "--seed", "3")
        self.assert_one_line("--chooser picks the random schedules", "replay", folder,
                             "--chooser", "pct:2")
        self.assert_one_line("runs the schedule target and whole programs only", "replay",
                             "--target", "api", "--random-schedules", "3",
                             str(self.tmp / "input"))
        self.assert_one_line("do not go together", "replay", "--as-test", "--random-schedules",
                             "2", str(self.tmp / "input"))
        self.assert_one_line("unknown configuration 'nosuch'", "test", "--config", "nosuch")
        self.assert_one_line("no mutant NOSUCH", "mutants", "--only", "NOSUCH")
        huge = self.tmp / "huge"
        with open(huge, "wb") as f:
            f.truncate(17 * 2**20)
        self.assert_one_line("no target reads more than", "replay", str(huge))
        self.assert_one_line("no target reads more than", "minimize", str(huge))
        for verb in ("bench", "mutants"):
            self.assert_one_line("--json", verb, "--json", str(self.tmp / "missing" / "x.json"))

    def test_an_unreadable_input_is_not_a_crash(self):
        unreadable = self.tmp / "unreadable"
        unreadable.write_bytes(b"x")
        unreadable.chmod(0)
        args = ["replay", str(unreadable)]
        if os.geteuid() == 0:  # root reads any file: run as nobody
            if not shutil.which("setpriv"):
                self.skipTest("running as root without setpriv")
            self.tmp.chmod(0o755)
            nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
            if subprocess.run([*nobody, sys.executable, "-c", f"open({str(SEMFUZZ)!r})"],
                              capture_output=True).returncode != 0:
                self.skipTest("user nobody cannot read the checkout")
            result = subprocess.run([*nobody, sys.executable, "-B", str(SEMFUZZ), *args],
                                    env=dict(self.env, HOME=str(self.tmp)), cwd=ROOT, timeout=60,
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            self.assertEqual(result.returncode, 2, result.stdout)
            self.assertEqual(result.stdout.strip().splitlines(),
                             [f"semfuzz replay: cannot read {unreadable}: Permission denied"])
        else:
            self.assert_one_line("cannot read", *args)

    def test_fuzz_checks_paths_before_any_work(self):
        self.assert_one_line("--json", "fuzz", "--time", "1", "--json", str(self.tmp))
        self.assert_one_line("no folder", "fuzz", "--time", "1", "--json",
                             str(self.tmp / "missing" / "x.json"))
        (self.tmp / "corpus" / "api").write_bytes(b"not a folder")
        self.assert_one_line("is a file, not a folder", "fuzz", "api", "--time", "1")
        self.assert_one_line("is a file, not a folder", "merge", "api")
        self.assertFalse((self.tmp / "runs").exists() and any((self.tmp / "runs").iterdir()))

    def test_as_test_refuses_targets_it_cannot_express(self):
        self.assert_one_line("--as-test prints tests of the deterministic targets only", "replay",
                             "--as-test", "--target", "threads", str(self.tmp / "input"))


if __name__ == "__main__":
    unittest.main()
