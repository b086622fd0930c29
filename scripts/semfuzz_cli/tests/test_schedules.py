"""`replay --random-schedules`: the replay binary's command line and what is read from its
output."""

import argparse
import unittest
from pathlib import Path

from semfuzz_cli import schedules
from semfuzz_cli.common import Failure, UsageError
from semfuzz_cli.reproducers import replay_command
from semfuzz_cli.targets import target

# The shape fuzz/engine/standalone_main.cc prints with -random_schedules=N (lines before the summary
# name each failing schedule).
OUTPUT = """\
Running: corpus/schedule/abc
schedule 3 (seed 7): semfuzz: VERDICT lost-wakeup: T1 sleeps in acquire(1) while 1 token is available
schedule 11 (seed 7): semfuzz: VERDICT conservation: available() 3 > 2
random schedules: 20 run, 2 failed, first at schedule 3
"""


class CommandTest(unittest.TestCase):
    def test_flags_are_passed_through_with_the_artifact_prefix(self):
        replay = target("schedule").standalone()
        self.assertEqual(replay.binary.name, "schedule_replay")
        command = schedules.random_schedules_command(replay, 20, 7, Path("/r/artifacts"),
                                                     Path("/in/x"))
        self.assertEqual(command[-5:], ["-random_schedules=20", "-random_seed=7",
                                        "-chooser=random", "-artifact_prefix=/r/artifacts/",
                                        "/in/x"])
        self.assertTrue(command[-6].endswith("fuzz/schedule_replay"))
        command = schedules.random_schedules_command(replay, 20, 7, Path("/r/artifacts"),
                                                     Path("/in/x"), "pct:2")
        self.assertEqual(command[-3], "-chooser=pct:2")

    def test_chooser_names(self):
        for good in ("random", "pct", "pct:1", "pct:3", "pct:16"):
            self.assertEqual(schedules.chooser_name(good), good)
        for bad in ("walk", "random:2", "pct:0", "pct:17", "pct:", "pct:x", "pct:2:3", ""):
            with self.assertRaises(argparse.ArgumentTypeError) as raised:
                schedules.chooser_name(bad)
            self.assertIn("random, pct or pct:D", str(raised.exception))

    def test_whole_programs_run_chosen_schedules(self):
        self.assertTrue(schedules.chosen_schedules("schedule"))
        self.assertTrue(schedules.chosen_schedules("program_lost_update_fixed"))
        self.assertFalse(schedules.chosen_schedules("schedule_production"))

    def test_other_targets_are_refused_before_any_build(self):
        for name in ("api", "threads", "threads_std"):
            with self.assertRaises(UsageError) as raised:
                schedules.cmd_random_schedules(name, [Path("x")], 5, 1)
            self.assertIn(name, str(raised.exception))
            self.assertNotIn("\n", str(raised.exception))


class OutputTest(unittest.TestCase):
    def test_summary_and_failure_lines(self):
        self.assertEqual(schedules.parse_summary(OUTPUT), (20, 2))
        lines = schedules.failure_lines(OUTPUT)
        self.assertEqual(len(lines), 2)
        self.assertTrue(lines[0].startswith("schedule 3"))
        self.assertEqual(schedules.parse_summary("random schedules: 5 run, 0 failed\n"), (5, 0))
        self.assertIsNone(schedules.first_failure("random schedules: 5 run, 0 failed\n"))
        self.assertEqual(schedules.first_failure(OUTPUT), 3)

    def test_no_summary_is_an_error_not_a_pass(self):
        with self.assertRaises(Failure):
            schedules.parse_summary("Running: x\nExecuted x in 1 ms\n")

    def test_replay_commands_name_a_non_default_target(self):
        self.assertEqual(replay_command(Path("/tmp/crash-1"), "schedule"),
                         "scripts/semfuzz replay /tmp/crash-1")
        self.assertEqual(replay_command(Path("/tmp/a b"), "threads_std"),
                         "scripts/semfuzz replay --target threads_std '/tmp/a b'")
