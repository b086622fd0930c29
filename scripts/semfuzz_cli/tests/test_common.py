"""Small shared helpers."""

import tempfile
import unittest
from pathlib import Path

from semfuzz_cli import common


class CommonTest(unittest.TestCase):
    def test_files_in_skips_hidden_and_documentation(self):
        with tempfile.TemporaryDirectory() as tmp:
            for name in ("a", "b.md", ".hidden", "sub/c"):
                path = Path(tmp) / name
                path.parent.mkdir(exist_ok=True)
                path.write_text(name)
            self.assertEqual([p.name for p in common.files_in(Path(tmp))], ["a", "c"])
            self.assertEqual(common.files_in(Path(tmp) / "missing"), [])

    def test_rel_inside_and_outside_the_repository(self):
        self.assertEqual(common.rel(common.ROOT / "corpus" / "x"), "corpus/x")
        self.assertEqual(common.rel(Path("/nowhere/x")), "/nowhere/x")

    def test_markdown_table_escapes_bars(self):
        self.assertEqual(common.markdown_table([["a", "b"], ["x|y", "z"]]),
                         "| a | b |\n|---|---|\n| x\\|y | z |")
