"""Benchmark tables from Google Benchmark's JSON."""

import unittest
from unittest import mock

from semfuzz_cli import bench, targets
from semfuzz_cli.builds import config


def median(case, impl, **fields):
    entry = {"run_name": f"{case}/{impl}", "name": f"{case}/{impl}_median",
             "run_type": "aggregate", "aggregate_name": "median", "time_unit": "ns"}
    entry.update(fields)
    return entry


class BenchTest(unittest.TestCase):
    def test_case_descriptions_and_order(self):
        self.assertEqual(bench._bench_case("contended_t4")[1], "rate")
        self.assertIn("3 sleepers", bench._bench_case("wake_n2_k3")[0])
        cases = ["wake_n1_k2", "contended_t8", "pair_1to0", "contended_t2"]
        self.assertEqual(sorted(cases, key=bench._bench_case_order),
                         ["pair_1to0", "contended_t2", "contended_t8", "wake_n1_k2"])

    def test_rows_take_medians_and_the_ratio_to_sem_t(self):
        data = {"benchmarks": [median("pair_1to0", "sem_t", cpu_time=20.0),
                               median("pair_1to0", "split64", cpu_time=10.0),
                               {"run_name": "pair_1to0/word32", "name": "x",
                                "error_occurred": True, "error_message": "boom"}]}
        rows = {r["impl"]: r for r in bench.bench_rows(data)}
        self.assertEqual(rows["split64"]["ratio_to_sem_t"], 0.5)
        self.assertEqual(rows["word32"]["error"], "boom")
        self.assertEqual(rows["condvar"]["error"], "no result")
        table = bench.bench_table(list(rows.values()))
        self.assertEqual(table[0][0], "case")


class HarnessTargetsTest(unittest.TestCase):
    def test_every_target_a_build_defines_is_measured(self):
        """An instrumented target added to TARGETS (e.g. by another issue) is in the harness
        table of the builds that define it, with no edit to bench.py."""
        added = {"binary": "fuzz/schedule_new_fuzzer", "preset": "asan-fuzz",
                 "instrumented": True, "about": "x"}
        with mock.patch.dict(targets.TARGETS, {"schedule_new": added}):
            asan = bench.harness_replays(config("asan-fuzz"))
            tsan = bench.harness_replays(config("tsan-fuzz"))
        self.assertIn("schedule_production", asan)
        self.assertEqual(asan["schedule_new"].name, "schedule_new_replay")
        self.assertNotIn("schedule_new", tsan)  # the TSan build has no instrumented targets
        self.assertIn("schedule", tsan)
