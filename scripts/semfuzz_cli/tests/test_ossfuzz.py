"""The OSS-Fuzz build's pure parts: target names, seed zips, .options files."""

import tempfile
import unittest
import zipfile
from pathlib import Path

from semfuzz_cli import ossfuzz


class OssFuzzTest(unittest.TestCase):
    def test_targets_opt_out(self):
        targets = ossfuzz.oss_fuzz_targets()
        self.assertEqual(targets["schedule_fuzzer"], "schedule")
        self.assertNotIn("threads_qt_fuzzer", targets)

    def test_seed_zip_is_flat_and_reproducible(self):
        with tempfile.TemporaryDirectory() as tmp:
            a, b = Path(tmp) / "a", Path(tmp) / "b"
            for folder in (a, b):
                folder.mkdir()
                (folder / "same").write_text(folder.name)
            (b / "other").write_text("x")
            first, second = Path(tmp) / "1.zip", Path(tmp) / "2.zip"
            self.assertEqual(ossfuzz.write_seed_zip(first, [a, b]), 3)
            ossfuzz.write_seed_zip(second, [a, b])
            self.assertEqual(first.read_bytes(), second.read_bytes())
            with zipfile.ZipFile(first) as z:
                self.assertEqual(sorted(z.namelist()), ["b-same", "other", "same"])

    def test_options_file_becomes_flags(self):
        with tempfile.TemporaryDirectory() as tmp:
            options = Path(tmp) / "t.options"
            options.write_text("[libfuzzer]\nmax_len = 4096\n")
            self.assertEqual(ossfuzz.libfuzzer_option_args(options), ["-max_len=4096"])
            self.assertEqual(ossfuzz.libfuzzer_option_args(Path(tmp) / "none"), [])
