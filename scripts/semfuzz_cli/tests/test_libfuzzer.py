"""run_libfuzzer's summary counts, with a stand-in for libFuzzer's fork-mode parent (a real
process, real signals): interrupted, that parent prints final stats of its own, all zero."""

import os
import signal
import sys
import tempfile
import unittest
from pathlib import Path

from semfuzz_cli import libfuzzer, stopping
from semfuzz_cli.builds import Config
from semfuzz_cli.targets import Target

# What libFuzzer 14's -fork=2 parent prints: its jobs' progress, summed; on SIGTERM (handle_term)
# its interrupt handler's line and PrintFinalStats of the parent's own (zero) counters.
FORK_PARENT = r'''
import os, signal, sys, time
def interrupted(signum, frame):
    print("==1== libFuzzer: run interrupted; exiting", flush=True)
    print("stat::number_of_executed_units: 0", flush=True)
    print("stat::average_exec_per_sec:     0", flush=True)
    sys.exit(72)
signal.signal(signal.SIGTERM, interrupted)
print("INFO: -fork=2: 150 seed inputs, starting to fuzz in /tmp/x", flush=True)
for n in (4096, 30262, 58603):
    print(f"#{n}: cov: 900 ft: 4000 corp: 300 exec/s {n // 20} oom/timeout/crash: 0/0/0 "
          "time: 20s job: 3 dft_time: 0", flush=True)
os.kill(os.getppid(), signal.SIGTERM)  # the CLI is stopped (as by Ctrl-C) and stops its group
time.sleep(60)
'''


class ForkSummaryTest(unittest.TestCase):
    def setUp(self):
        folder = tempfile.TemporaryDirectory(prefix="semfuzz-libfuzzer-test-")
        self.addCleanup(folder.cleanup)
        self.root = Path(folder.name)

    def test_interrupted_fork_run_reports_its_jobs_executions(self):
        script = self.root / "fork_parent"  # takes libFuzzer's arguments and ignores them
        script.write_text(f"#!{sys.executable}\n{FORK_PARENT}")
        script.chmod(0o755)
        fake = Target("fake", Config("fake", self.root, {}, ()), script)
        log = self.root / "fuzz.log"
        with stopping.Signals() as signals:
            run = libfuzzer.run_libfuzzer(fake, 30, [self.root], self.root, log, dict(os.environ),
                                          jobs=2, signals=signals)
        self.assertEqual(run.stopped_by, signal.SIGTERM)
        self.assertIn("stat::number_of_executed_units: 0", log.read_text())
        self.assertEqual(run.execs, 58603)
        self.assertGreater(run.exec_per_sec, 0)
        self.assertEqual(run.exec_per_sec, int(58603 / run.seconds))

    def test_final_counts(self):
        # A plain run: libFuzzer's final stats are the truth (they count past the last progress
        # line) and its own rate is used.
        self.assertEqual(libfuzzer.final_counts(
            {"number_of_executed_units": 1200, "average_exec_per_sec": 600}, 1024, 2.5),
            (1200, 600))
        # An interrupted fork-mode parent: zero stats, the progress lines' count over wall time.
        self.assertEqual(libfuzzer.final_counts(
            {"number_of_executed_units": 0, "average_exec_per_sec": 0}, 58603, 36.0),
            (58603, 1627))
        # A fork run that ended on time prints no final stats; a run under a second rounds its
        # rate down to 0, so the count over the wall time stands in.
        self.assertEqual(libfuzzer.final_counts({}, 500, 0.5), (500, 1000))
        self.assertEqual(libfuzzer.final_counts({}, 0, 0.0), (0, 0))


if __name__ == "__main__":
    unittest.main()
