"""Coverage summaries."""

import unittest

from semfuzz_cli import coverage


class CoverageTest(unittest.TestCase):
    def test_percent(self):
        self.assertEqual(coverage._percent(1, 4), "25.0% (1/4)")
        self.assertEqual(coverage._percent(0, 0), "n/a")
