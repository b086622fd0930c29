"""`fuzz`'s checks before any work."""

import tempfile
import unittest
from pathlib import Path

from semfuzz_cli import campaign
from semfuzz_cli.common import UsageError, check_output_file


class ChecksTest(unittest.TestCase):
    def setUp(self):
        folder = tempfile.TemporaryDirectory(prefix="semfuzz-campaign-test-")
        self.addCleanup(folder.cleanup)
        self.root = Path(folder.name)

    def test_free_space(self):
        campaign.check_free_space(self.root, need_mb=1)
        with self.assertRaises(UsageError) as raised:
            campaign.check_free_space(self.root, need_mb=2**40)
        self.assertIn("MB free", str(raised.exception))

    def test_folders_are_created_and_files_refused(self):
        campaign._writable_folder(self.root / "a" / "b", "corpus folder")
        self.assertTrue((self.root / "a" / "b").is_dir())
        (self.root / "file").write_text("x")
        with self.assertRaises(UsageError):
            campaign._writable_folder(self.root / "file", "corpus folder")
        with self.assertRaises(UsageError):
            campaign._writable_folder(self.root / "file" / "below", "corpus folder")

    def test_output_file(self):
        check_output_file(str(self.root / "new.json"), "--json")
        for bad in (self.root, self.root / "missing" / "x.json"):
            with self.assertRaises(UsageError):
                check_output_file(str(bad), "--json")


if __name__ == "__main__":
    unittest.main()
