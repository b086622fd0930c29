"""Mutant patch headers."""

import tempfile
import unittest
from pathlib import Path

from semfuzz_cli import mutant_tree as cli
from semfuzz_cli.common import Failure, ROOT

class MutantHeaderTest(unittest.TestCase):
    def write(self, text: str) -> Path:
        folder = tempfile.TemporaryDirectory(prefix="semfuzz-cli-test-")
        self.addCleanup(folder.cleanup)
        path = Path(folder.name) / "X1.patch"
        path.write_text(text)
        return path

    def test_every_committed_mutant_parses(self):
        mutants = cli.all_mutants()
        self.assertGreaterEqual(len(mutants), 16)
        for m in mutants:
            self.assertTrue(m.oracle and m.target, m.id)

    def test_header_fields_and_a_named_reproducer(self):
        m = cli.parse_mutant(self.write(
            "id: X1\norigin: here\nmistake: a long\n  sentence\nalgorithm: split64\n"
            "target: schedule\noracle: lost-wakeup\nreproducer: reproducers/schedule/abc\n"
            "\n--- a/x\n+++ b/x\n"))
        self.assertEqual(m.fields["mistake"], "a long sentence")
        self.assertEqual(m.reproducer, ROOT / "reproducers/schedule/abc")

    def test_a_missing_field_is_an_error(self):
        with self.assertRaises(Failure):
            cli.parse_mutant(self.write("id: X1\norigin: here\n\n--- a/x\n+++ b/x\n"))

    def test_replay_sanitizers(self):
        def mutant(target: str, oracle: str) -> cli.Mutant:
            return cli.parse_mutant(self.write(
                f"id: X1\norigin: here\nmistake: m\nalgorithm: split64\ntarget: {target}\n"
                f"oracle: {oracle}\n\n--- a/x\n+++ b/x\n"))
        self.assertEqual(mutant("schedule", "lost-wakeup").replay_sanitizer, "")
        self.assertEqual(mutant("schedule", "asan-heap-use-after-free").replay_sanitizer,
                         "address,undefined")
        self.assertEqual(mutant("threads", "tsan-data-race").replay_sanitizer, "thread")
        # an instrumented target's harness is an ASan + UBSan build (its race detector needs it)
        self.assertEqual(mutant("schedule_production", "data-race").replay_sanitizer,
                         "address,undefined")
        # and not at -O0 (out-of-line library calls are unsupported calls there)
        self.assertTrue(mutant("schedule_production", "data-race").replay_optimized)
        self.assertFalse(mutant("schedule", "data-race").replay_optimized)
