"""`replay`'s rule for third-party findings (reproducers/<target>/unfixed/)."""

import unittest
from pathlib import Path

from semfuzz_cli import verbs


class UnfixedReplayTest(unittest.TestCase):
    def test_only_files_under_unfixed_have_an_owner(self):
        self.assertEqual(verbs.unfixed_owner(Path("reproducers/schedule_libcxx/unfixed/x")),
                         "schedule_libcxx")
        self.assertIsNone(verbs.unfixed_owner(Path("reproducers/schedule/x")))
        self.assertIsNone(verbs.unfixed_owner(Path("corpus/schedule_libcxx/x")))

    def test_why_a_finding_passed_names_what_to_do(self):
        other = verbs.why_unfixed_passed("schedule_libcxx", "schedule", {})
        self.assertIn("add --target schedule_libcxx", other)
        off = verbs.why_unfixed_passed("schedule_libcxx", "schedule_libcxx",
                                       {"SEMFUZZ_KNOWN_BUGS": "0"})
        self.assertIn("SEMFUZZ_KNOWN_BUGS=0", off)
        self.assertIn("set SEMFUZZ_KNOWN_BUGS=1", off)
        for environ in ({}, {"SEMFUZZ_KNOWN_BUGS": "1"}):
            gone = verbs.why_unfixed_passed("schedule_qt", "schedule_qt", environ)
            self.assertIn("this build's library does not show", gone)


if __name__ == "__main__":
    unittest.main()
