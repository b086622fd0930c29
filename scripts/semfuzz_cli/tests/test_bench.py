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

    def test_threaded_rows_carry_sleeps_per_op(self):
        data = {"benchmarks": [median("pc_ring64", "sem_t", items_per_second=4e6,
                                      futex_syscalls_per_op=1.7, sleeps_per_op=0.034),
                               median("pc_ring64", "split64", items_per_second=2e6,
                                      futex_syscalls_per_op=0.2, sleeps_per_op=0.1,
                                      own_futex_syscalls_per_op=0.19),
                               median("pair_1to0", "split64", cpu_time=5.0)]}
        rows = {(r["case"], r["impl"]): r for r in bench.bench_rows(data)}
        self.assertEqual(rows[("pc_ring64", "split64")]["sleeps"], 0.1)
        self.assertIsNone(rows[("pair_1to0", "split64")]["sleeps"])
        self.assertEqual(rows[("pc_ring64", "split64")]["own_futex_syscalls_per_op"], 0.19)
        table = {(line[0], line[1]): line for line in bench.bench_table(list(rows.values()))}
        self.assertEqual(table[("producer/consumer, 64-slot ring", "semfuzz split64")][5],
                         "0.100/op")
        self.assertEqual(table[("producer/consumer, 64-slot ring", "glibc sem_t")][5], "0.034/op")
        self.assertEqual(table[("acquire+release, count 1<->0", "semfuzz split64")][5], "-")

    def test_runs_combine_into_median_range_and_per_run_ratios(self):
        def run(sem_t_rate, word32_rate, word32_sleeps):
            return bench.bench_rows({"benchmarks": [
                median("pc_ring64", "sem_t", items_per_second=sem_t_rate),
                median("pc_ring64", "word32", items_per_second=word32_rate,
                       sleeps_per_op=word32_sleeps)]})
        # ratios 2.0, 0.5, 1.0: their median is 1.0, though the medians' ratio is 3/2
        rows = bench.combine_runs([run(1e6, 2e6, 0.1), run(4e6, 2e6, 0.3), run(2e6, 2e6, 0.2)])
        word32 = next(r for r in rows if r["impl"] == "word32")
        self.assertEqual(word32["runs"], 3)
        self.assertEqual(word32["median"], 2e6)
        self.assertEqual(word32["range"], [2e6, 2e6])
        self.assertEqual(word32["ratio_to_sem_t"], 1.0)
        self.assertEqual(word32["ratio_range"], [0.5, 2.0])
        self.assertEqual(word32["sleeps"], 0.2)
        sem_t = next(r for r in rows if r["impl"] == "sem_t")
        self.assertEqual(sem_t["range"], [1e6, 4e6])
        table = {line[1]: line for line in bench.bench_table(rows)}
        self.assertEqual(table["semfuzz word32"][2], "2 Mitems/s")  # no range: the runs agree
        self.assertEqual(table["semfuzz word32"][3], "1.00 [0.50-2.00]")
        self.assertEqual(table["glibc sem_t"][2], "2 Mitems/s [1-4]")  # in the median's unit

    def test_runs_with_an_error_keep_it_and_runs_must_match(self):
        good = bench.bench_rows({"benchmarks": [median("pair_1to0", "word32", cpu_time=5.0)]})
        bad = bench.bench_rows({"benchmarks": [
            {"run_name": "pair_1to0/word32", "name": "x", "error_occurred": True,
             "error_message": "stalled"}]})
        word32 = next(r for r in bench.combine_runs([good, bad]) if r["impl"] == "word32")
        self.assertEqual(word32["error"], "stalled")
        other = bench.bench_rows({"benchmarks": [median("try_pair", "word32", cpu_time=5.0)]})
        with self.assertRaises(bench.Failure):
            bench.combine_runs([good, other])


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
