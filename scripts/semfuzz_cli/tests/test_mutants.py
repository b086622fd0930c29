"""Mutant measurements: kill statistics and table rows."""

import math
import unittest

from semfuzz_cli import mutant_tree, mutants


def attempt(seconds, found=True, verdict="lost-wakeup", execs=None):
    return mutants.Attempt(1, found, seconds, verdict if found else None, "", execs=execs)


class KillStatsTest(unittest.TestCase):
    def test_median_counts_misses_as_infinite(self):
        stats = mutants.kill_stats([attempt(1), attempt(3), attempt(9, found=False)], 10)
        self.assertEqual((stats["found"], stats["runs"], stats["median_s"]), (2, 3, 3))
        missed = mutants.kill_stats([attempt(1), attempt(9, False), attempt(9, False)], 10)
        self.assertIsNone(missed["median_s"])
        self.assertTrue(math.isinf(mutants._median([1, math.inf, math.inf])))

    def test_median_executions_only_where_every_seed_counted(self):
        stats = mutants.kill_stats([attempt(1, execs=500), attempt(3, execs=900),
                                    attempt(9, found=False, execs=40000)], 10)
        self.assertEqual(stats["median_execs"], 900)
        self.assertEqual([a["execs"] for a in stats["attempts"]], [500, 900, 40000])
        self.assertIsNone(mutants.kill_stats([attempt(1, execs=500), attempt(2)], 10)["median_execs"])

    def test_timed_run_reads_the_executions_from_the_final_stats(self):
        import sys
        import tempfile
        from pathlib import Path
        script = ("print('#1024 pulse'); print('stat::number_of_executed_units: 1234'); "
                  "print('stat::average_exec_per_sec: 99')")
        with tempfile.TemporaryDirectory() as tmp:
            run = mutants.timed_run([sys.executable, "-c", script], {}, Path(tmp), 30,
                                    Path(tmp) / "log")
        self.assertEqual((run.found, run.execs), (False, 1234))

    def test_ratio_against_a_baseline_that_never_found_it(self):
        fast = mutants.kill_stats([attempt(2)], 60)
        never = mutants.kill_stats([attempt(60, found=False)], 60)
        self.assertEqual(mutants._ratio(fast, never, 60), ">30x")
        self.assertEqual(mutants._ratio(fast, mutants.kill_stats([attempt(4)], 60), 60), "2.0x")


def result_on(targets: dict) -> dict:
    return {"id": "X1", "algorithm": "split64", "expected": "lost-wakeup", "targets": targets}


class OnTargetsTest(unittest.TestCase):
    """`mutants --target`: each mutant through other targets than its own."""

    def test_a_target_that_never_runs_the_algorithm_does_not_apply(self):
        by_id = {m.id: m for m in mutant_tree.all_mutants()}
        condvar = next(m for m in by_id.values() if m.algorithm == "condvar")
        self.assertIn("runs split64 and word32 only", condvar.applies_to("schedule_production"))
        self.assertIsNone(condvar.applies_to("schedule"))
        for m in by_id.values():
            if m.algorithm in ("split64", "word32", "all"):
                self.assertIsNone(m.applies_to("schedule_production"), m.id)

    def test_row_per_target(self):
        killed = mutants.kill_stats([attempt(2.5, verdict="conservation")], 60)
        missed = mutants.kill_stats([attempt(60, found=False)], 60)
        row = mutants.on_target_row(result_on({"schedule": missed, "schedule_production": killed}),
                                    ["schedule", "schedule_production"], 60)
        self.assertEqual(row, ["X1", "split64", "lost-wakeup", ">60 s (0/1)", "-", "2.5 s (1/1)",
                               "conservation (expected lost-wakeup)"])
        skipped = mutants.on_target_row(result_on({"schedule_production": {"skipped": "why"}}),
                                        ["schedule_production"], 60)
        self.assertEqual(skipped[3:], ["n/a: why", "-"])
        self.assertEqual(len(mutants.on_target_header(["a", "b"])), 3 + 2 * 2)


class BaselineTest(unittest.TestCase):
    """The stress baseline runs the library only: a mutant that leaves semaphore/ unchanged has
    none (it would measure the correct semaphore for the whole budget)."""

    def test_which_patches_change_the_library(self):
        by_id = {m.id: m for m in mutant_tree.all_mutants()}
        self.assertTrue(by_id["B6"].changes_semaphore)  # word32.h
        self.assertFalse(by_id["PROXY-ANNOUNCE-RELAXED"].changes_semaphore)  # a test semaphore

    def test_row_without_a_baseline(self):
        m = next(m for m in mutant_tree.all_mutants() if m.id == "PROXY-ANNOUNCE-RELAXED")
        result = mutants._mutant_result(m, mutants.kill_stats([attempt(2.2)], 60),
                                        mutants.kill_stats([], 60), 60)
        self.assertIsNone(result["ratio"])
        row = mutants.mutant_row(result, 60)
        self.assertEqual(row[5:], ["2.2 s (1/1)", "- (semaphore/ unchanged)", "-", "-"])


class RepeatableAttemptTest(unittest.TestCase):
    """A mutant's fuzzing attempt is a function of its build and seed: libFuzzer does not re-read
    its corpus by the clock, and addresses are not randomised where setarch can stop it."""

    def test_the_fuzzer_runs_with_reload_off_and_without_aslr(self):
        import sys
        import tempfile
        import types
        from pathlib import Path
        from semfuzz_cli import builds
        with tempfile.TemporaryDirectory() as tmp:
            fuzzer = Path(tmp) / "fake_fuzzer"
            # A stand-in fuzzer: records its arguments and its process's personality, then prints
            # libFuzzer's final statistics.
            fuzzer.write_text(f"#!{sys.executable}\n"
                              "import sys\n"
                              "open('argv', 'w').write('\\n'.join(sys.argv[1:]))\n"
                              "open('personality', 'w').write(open('/proc/self/personality').read())\n"
                              "print('stat::number_of_executed_units: 77')\n")
            fuzzer.chmod(0o755)
            run = Path(tmp) / "run"
            run.mkdir()
            got = mutants.fuzz_attempt(fuzzer, "schedule", 3, types.SimpleNamespace(budget=5), {},
                                       run)
            argv = (run / "argv").read_text().split("\n")
            personality = int((run / "personality").read_text(), 16)
        self.assertEqual((got.found, got.execs, got.seed), (False, 77, 3))
        self.assertIn("-seed=3", argv)
        self.assertIn("-reload=0", argv)
        self.assertIn("-max_total_time=5", argv)
        addr_no_randomize = 0x0040000
        self.assertEqual(bool(personality & addr_no_randomize), bool(builds.aslr_off_prefix()))
