"""Reproducers: where a finding is filed, unique --as-test names, printed commands."""

import os
import tempfile
import unittest
from pathlib import Path
from unittest import mock

from semfuzz_cli import reproducers
from semfuzz_cli.targets import Outcome, target

PRINTED = """\
TEST(SemfuzzReproducer, LostWakeup) {
}
TEST(SemfuzzReproducer, LostWakeup) {
}
TEST(SemfuzzReproducer, Other) {
}
TEST(SemfuzzReproducer, LostWakeup) {
}
"""


class ReproducerTest(unittest.TestCase):
    def setUp(self):
        folder = tempfile.TemporaryDirectory(prefix="semfuzz-reproducers-test-")
        self.addCleanup(folder.cleanup)
        self.root = Path(folder.name)
        patcher = mock.patch.dict(os.environ, {"SEMFUZZ_REPRODUCERS_DIR": str(self.root)})
        patcher.start()
        self.addCleanup(patcher.stop)
        self.finding = self.root / "finding"
        self.finding.write_bytes(b"\x01\x02\x03")

    def test_third_party_findings_are_filed_as_unfixed(self):
        outcome = Outcome("infinite-timeout", "gives up", "")
        ours = reproducers.save_reproducer(target("threads"), self.finding, outcome, "test")
        theirs = reproducers.save_reproducer(target("threads_std"), self.finding, outcome, "test")
        self.assertEqual(ours.parent, self.root / "threads")
        self.assertEqual(theirs.parent, self.root / "threads_std" / "unfixed")
        index = (self.root / "README.md").read_text()
        self.assertIn("`threads_std/unfixed/infinite-timeout-", index)
        self.assertIn("`threads/infinite-timeout-", index)

    def test_as_test_names_are_made_unique(self):
        unique = reproducers.unique_test_names(PRINTED)
        self.assertEqual(reproducers.TEST_LINE.findall(unique),
                         [("SemfuzzReproducer", "LostWakeup"),
                          ("SemfuzzReproducer", "LostWakeup_2"),
                          ("SemfuzzReproducer", "Other"),
                          ("SemfuzzReproducer", "LostWakeup_3")])

    def test_minimize_command_names_the_target(self):
        self.assertEqual(reproducers.minimize_command(Path("/x/crash-1"), "api"),
                         "scripts/semfuzz minimize --target api /x/crash-1")


if __name__ == "__main__":
    unittest.main()
