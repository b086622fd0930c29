"""The docs gate of `test`: links in README.md and docs/*.md resolve, shown commands parse."""

import tempfile
import unittest
from pathlib import Path

from semfuzz_cli import doclinks
from semfuzz_cli.cli import parser
from semfuzz_cli.common import ROOT

README = """# Title

## A section: `with code`

See [the guide](docs/guide.md), [its part](docs/guide.md#part-two), [here](#a-section-with-code),
[the web](https://example.org/x) and [a folder](docs).
Not a link in code: `[x](missing.md)`.

```sh
scripts/semfuzz fuzz schedule --time 60    # a comment with `scripts/semfuzz nonsense`
SEMFUZZ_TRACE=1 scripts/semfuzz replay --target schedule \\
    corpus/schedule/<sha1>
```

```
scripts/semfuzz       a layout listing, not a command
```

Inline: `scripts/semfuzz bench [--quick] [--runs R]` and `scripts/semfuzz VERB --help`.
"""

GUIDE = "# Guide\n\n## Part two\n\nBack to [the README](../README.md#title).\n"


class DocLinksTest(unittest.TestCase):
    def setUp(self):
        folder = tempfile.TemporaryDirectory(prefix="semfuzz-doclinks-")
        self.addCleanup(folder.cleanup)
        self.root = Path(folder.name)
        (self.root / "docs").mkdir()
        (self.root / "docs" / "guide.md").write_text(GUIDE)
        (self.root / "README.md").write_text(README)

    def problems(self):
        return [p for page in doclinks.doc_pages(self.root)
                for p in doclinks.link_problems(page, self.root)
                + doclinks.command_problems(page, parser, self.root)]

    def test_good_pages_pass(self):
        self.assertEqual(self.problems(), [])

    def test_a_missing_file_is_one_line(self):
        (self.root / "README.md").write_text(README.replace("docs/guide.md)", "docs/gone.md)"))
        problems = self.problems()
        self.assertEqual(len(problems), 1, problems)
        self.assertTrue(problems[0].startswith("README.md:5: link to docs/gone.md"), problems)

    def test_a_missing_anchor_is_named(self):
        (self.root / "docs" / "guide.md").write_text(GUIDE.replace("#title", "#no-such"))
        problems = self.problems()
        self.assertEqual(problems, ["docs/guide.md:5: link to ../README.md#no-such: no heading "
                                    "with anchor #no-such"])

    def test_a_bad_command_is_named_with_the_parser_message(self):
        (self.root / "README.md").write_text(README.replace("--time 60", "--tiem 60"))
        problems = self.problems()
        self.assertEqual(len(problems), 1, problems)
        self.assertTrue(problems[0].startswith("README.md:10: `scripts/semfuzz fuzz schedule "
                                               "--tiem 60`: "), problems)
        self.assertIn("unrecognized arguments: --tiem", problems[0])

    def test_a_bad_value_and_a_wrapped_inline_command(self):
        text = README + "\nAs in `scripts/semfuzz fuzz no_such_target\n--time 5`.\n"
        (self.root / "README.md").write_text(text)
        problems = self.problems()
        self.assertEqual(len(problems), 1, problems)
        self.assertIn("invalid choice: 'no_such_target'", problems[0])

    def test_ci_runs_a_test_command_the_readme_shows(self):
        (self.root / ".ci").mkdir()
        (self.root / ".ci" / "run").write_text("#!/bin/sh\nset -e\nscripts/semfuzz fuzz schedule "
                                              "--time 60\n")
        self.assertEqual(doclinks.ci_problems(self.root), [])
        (self.root / ".ci" / "run").write_text("#!/bin/sh\nscripts/semfuzz test --quick\n")
        self.assertEqual(doclinks.ci_problems(self.root),
                         [".ci/run:2: `scripts/semfuzz test --quick` is not a command README.md "
                          "shows"])

    def test_every_verdict_kind_is_in_the_readme(self):
        (self.root / "fuzz" / "sub").mkdir(parents=True)
        (self.root / "fuzz" / "sub" / "verdict.h").write_text(
            '#define SEMFUZZ_VERDICT_KINDS(X) \\\n  X(a_b, "a-b", "x") \\\n  X(c, "c", "y")\n')
        (self.root / "README.md").write_text(README + "| `a-b` | ... |\n")
        self.assertEqual(doclinks.verdict_problems(self.root),
                         ["README.md: the verdict `c` (fuzz/sub/verdict.h) is not in its table of "
                          "checks"])

    def test_the_repository_passes(self):
        self.assertEqual(doclinks.docs_problems(ROOT), [])


if __name__ == "__main__":
    unittest.main()
