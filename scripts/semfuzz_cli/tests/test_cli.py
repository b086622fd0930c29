"""The argument parser: every verb, its defaults, and one-line errors."""

import contextlib
import io
import unittest

from semfuzz_cli import cli
from semfuzz_cli.targets import DEFAULT_TARGET

VERBS = ("test", "fuzz", "replay", "minimize", "merge", "bench", "oss-fuzz-build",
         "oss-fuzz-check", "coverage", "mutants")


class ParserTest(unittest.TestCase):
    def test_every_verb_has_help(self):
        for verb in VERBS:
            with self.subTest(verb=verb), contextlib.redirect_stdout(io.StringIO()) as out:
                with self.assertRaises(SystemExit) as exited:
                    cli.parser().parse_args([verb, "--help"])
                self.assertEqual(exited.exception.code, 0)
                self.assertIn("usage: scripts/semfuzz " + verb, out.getvalue())

    def test_defaults(self):
        args = cli.parser().parse_args(["fuzz"])
        self.assertEqual((args.target, args.jobs), (DEFAULT_TARGET, 1))
        args = cli.parser().parse_args(["replay", "a", "--target", "api"])
        self.assertEqual((args.inputs, args.target), (["a"], "api"))

    def test_a_bad_number_is_one_line_naming_the_option(self):
        with contextlib.redirect_stderr(io.StringIO()) as err, self.assertRaises(SystemExit):
            cli.parser().parse_args(["fuzz", "--jobs", "0"])
        self.assertIn("--jobs", err.getvalue())
        self.assertNotIn("_positive", err.getvalue())
