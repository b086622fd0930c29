"""`test`: which smoke-run findings are known bugs of a third-party library."""

import os
import tempfile
import unittest
from pathlib import Path
from unittest import mock

from semfuzz_cli import testing as cli


class KnownUnfixedTest(unittest.TestCase):
    def setUp(self):
        folder = tempfile.TemporaryDirectory(prefix="semfuzz-cli-test-")
        self.addCleanup(folder.cleanup)
        self.root = Path(folder.name)
        patcher = mock.patch.dict(os.environ, {"SEMFUZZ_REPRODUCERS_DIR": str(self.root)})
        patcher.start()
        self.addCleanup(patcher.stop)

    def unfixed(self, target: str, name: str) -> Path:
        path = self.root / target / "unfixed" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"\x01")
        return path

    def test_a_third_party_finding_of_a_known_kind(self):
        known = self.unfixed("schedule_libstdcxx", "lost-wakeup-libstdcxx12-something")
        self.assertEqual(cli.known_unfixed("schedule_libstdcxx", "lost-wakeup"), known)

    def test_other_verdicts_and_our_own_targets_are_findings(self):
        self.unfixed("schedule_libstdcxx", "lost-wakeup-libstdcxx12-something")
        self.unfixed("schedule", "lost-wakeup-ours")
        self.assertIsNone(cli.known_unfixed("schedule_libstdcxx", "early-timeout"))
        self.assertIsNone(cli.known_unfixed("schedule_libstdcxx", "conservation"))
        self.assertIsNone(cli.known_unfixed("schedule_libstdcxx", ""))
        self.assertIsNone(cli.known_unfixed("schedule_libcxx", "lost-wakeup"))
        self.assertIsNone(cli.known_unfixed("schedule", "lost-wakeup"))


if __name__ == "__main__":
    unittest.main()
