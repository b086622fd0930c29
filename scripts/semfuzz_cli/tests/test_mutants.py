"""Mutant measurements: kill statistics and table rows."""

import math
import unittest

from semfuzz_cli import mutants


def attempt(seconds, found=True, verdict="lost-wakeup"):
    return mutants.Attempt(1, found, seconds, verdict if found else None, "")


class KillStatsTest(unittest.TestCase):
    def test_median_counts_misses_as_infinite(self):
        stats = mutants.kill_stats([attempt(1), attempt(3), attempt(9, found=False)], 10)
        self.assertEqual((stats["found"], stats["runs"], stats["median_s"]), (2, 3, 3))
        missed = mutants.kill_stats([attempt(1), attempt(9, False), attempt(9, False)], 10)
        self.assertIsNone(missed["median_s"])
        self.assertTrue(math.isinf(mutants._median([1, math.inf, math.inf])))

    def test_ratio_against_a_baseline_that_never_found_it(self):
        fast = mutants.kill_stats([attempt(2)], 60)
        never = mutants.kill_stats([attempt(60, found=False)], 60)
        self.assertEqual(mutants._ratio(fast, never, 60), ">30x")
        self.assertEqual(mutants._ratio(fast, mutants.kill_stats([attempt(4)], 60), 60), "2.0x")
