"""`bench --classic`: what is read from libFuzzer's and the replay binary's output, how a row is
summarised, and the program list."""

import unittest

from semfuzz_cli import classic_bench
from semfuzz_cli.common import Failure

LIBFUZZER_CRASH = """\
#2\tINITED exec/s: 0 rss: 30Mb
==1== ERROR: libFuzzer: deadly signal
stat::number_of_executed_units: 37
stat::average_exec_per_sec:     0
"""
LIBFUZZER_DONE = "Done 1000 runs in 1 second(s)\nstat::number_of_executed_units: 1000\n"


class OutputTest(unittest.TestCase):
    def test_libfuzzer_executions_to_the_crash(self):
        self.assertEqual(classic_bench.parse_libfuzzer(LIBFUZZER_CRASH, 1), (37, 37))
        self.assertEqual(classic_bench.parse_libfuzzer(LIBFUZZER_DONE, 0), (None, 1000))
        with self.assertRaises(Failure):
            classic_bench.parse_libfuzzer("no stats\n", 1)

    def test_first_failing_schedule(self):
        out = ("x: seed 12: VERDICT deadlock: ... -> crash-1\n"
               "random schedules: 4 run, 1 failed, first at schedule 4\n")
        self.assertEqual(classic_bench.parse_schedules(out), (4, 1, 4))
        self.assertEqual(classic_bench.parse_schedules("random schedules: 9 run, 0 failed\n"),
                         (9, 0, None))
        with self.assertRaises(Failure):
            classic_bench.parse_schedules("")


class SummaryTest(unittest.TestCase):
    def test_median_and_max_with_seeds_that_found_nothing(self):
        self.assertEqual(classic_bench.summarise([3, 1, 2], 100), "2 / 3")
        self.assertEqual(classic_bench.summarise([1, None, None], 100), ">100 / >100")
        self.assertEqual(classic_bench.summarise([1500, 2, None, 7], 100_000),
                         "7 / >100,000")

    def test_table_rows(self):
        result = {"program": "p", "bug": {c: [1, 2] for c in classic_bench.CHOOSERS},
                  "fixed": {c: 0 for c in classic_bench.CHOOSERS}}
        rows = classic_bench.table([result], 10, 50)
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows[1][0], "p")
        self.assertEqual(rows[1][1], "1 / 2")
        self.assertEqual(rows[1][-1], "0 / 0 / 0 / 0")

    def test_table_of_some_choosers(self):
        result = {"program": "p", "bug": {"random": [4, 6, 5]}, "fixed": {"random": 0}}
        rows = classic_bench.table([result], 10, 50, ("random",))
        self.assertEqual(rows[0], ["program", "random median / max",
                                   "fixed: findings in 50 (random)"])
        self.assertEqual(rows[1], ["p", "5 / 6", "0"])


class ProgramsTest(unittest.TestCase):
    def test_every_program_and_unknown_names(self):
        names = classic_bench.programs()
        self.assertGreaterEqual(len(names), 20)
        self.assertIn("lock_order_deadlock", names)
        self.assertEqual(classic_bench.programs(["init_once"]), ["init_once"])
        with self.assertRaises(Failure) as raised:
            classic_bench.programs(["nosuch"])
        self.assertIn("nosuch", str(raised.exception))
