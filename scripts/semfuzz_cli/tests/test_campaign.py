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


class WeakMemorySeedsTest(unittest.TestCase):
    def test_v1_inputs_get_the_options_byte(self):
        v1 = bytes([0x41, 1, 2, 3])
        self.assertEqual(campaign.with_weak_memory(v1, futex_fence=True),
                         bytes([0xC1, 0x01, 1, 2, 3]))
        self.assertEqual(campaign.with_weak_memory(v1, futex_fence=False),
                         bytes([0xC1, 0x03, 1, 2, 3]))

    def test_v2_inputs_keep_their_futex_view(self):
        self.assertEqual(campaign.with_weak_memory(bytes([0x80, 0x02, 9]), futex_fence=True),
                         bytes([0x80, 0x03, 9]))
        self.assertEqual(campaign.with_weak_memory(bytes([0x81]), futex_fence=False),
                         bytes([0x81, 0x01]))
        self.assertIsNone(campaign.with_weak_memory(b"", futex_fence=True))

    def test_seeds_alternate_the_futex_view_and_skip_empty_files(self):
        with tempfile.TemporaryDirectory(prefix="semfuzz-weak-seeds-") as tmp:
            corpus, out = Path(tmp) / "corpus", Path(tmp) / "seeds"
            corpus.mkdir()
            for name, data in (("a", b"\x00\x01"), ("b", b"\x00\x02"), ("c", b"")):
                (corpus / name).write_bytes(data)
            self.assertEqual(campaign.weak_memory_seeds([corpus], out), 2)
            written = sorted(f.read_bytes() for f in out.iterdir())
            self.assertEqual(written, [bytes([0x80, 0x01, 0x01]), bytes([0x80, 0x03, 0x02])])


if __name__ == "__main__":
    unittest.main()
