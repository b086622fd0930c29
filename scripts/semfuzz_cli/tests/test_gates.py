"""The format, py_compile, pyflakes and include-rules gates of `test`, on a throw-away git
repository."""

import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

from semfuzz_cli import gates
from semfuzz_cli.common import ROOT

GOOD_CC = "int f(int x) { return x + 1; }\n"
BAD_CC = "int  f( int x ){return x+1;}\n"


class GatesTest(unittest.TestCase):
    def setUp(self):
        folder = tempfile.TemporaryDirectory(prefix="semfuzz-gates-")
        self.addCleanup(folder.cleanup)
        self.root = Path(folder.name)
        shutil.copyfile(ROOT / ".clang-format", self.root / ".clang-format")
        subprocess.run(["git", "init", "-q", str(self.root)], check=True)

    def commit(self, files: dict) -> None:
        for name, text in files.items():
            (self.root / name).parent.mkdir(parents=True, exist_ok=True)
            (self.root / name).write_text(text)
        subprocess.run(["git", "add", "-A"], cwd=self.root, check=True)

    @unittest.skipUnless(shutil.which("clang-format-14"), "clang-format 14 is not installed")
    def test_each_unformatted_file_is_one_line(self):
        self.commit({"a.cc": GOOD_CC, "b/c.h": BAD_CC, "d.cc": BAD_CC, "untracked.txt": BAD_CC})
        problems = gates.format_problems(self.root, shutil.which("clang-format-14"))
        self.assertEqual([p.split(":")[0] for p in problems], ["b/c.h", "d.cc"])
        self.assertIn("clang-format -i d.cc", problems[1])
        self.commit({"b/c.h": GOOD_CC, "d.cc": GOOD_CC})
        self.assertEqual(gates.format_problems(self.root, shutil.which("clang-format-14")), [])

    def test_python_files_that_do_not_compile(self):
        self.commit({"ok.py": "x = 1\n", "bad.py": "def f(:\n",
                     "tool": "#!/usr/bin/env python3\nif\n", "shell": "#!/bin/sh\nif\n"})
        problems = gates.python_problems(self.root)
        self.assertEqual(sorted(p.split(":")[0] for p in problems), ["bad.py", "tool"])
        self.assertTrue(all("does not compile" in p for p in problems))

    @unittest.skipUnless(shutil.which("pyflakes3"), "pyflakes3 is not installed")
    def test_pyflakes_names_an_undefined_name(self):
        self.commit({"ok.py": "import os\nprint(os.sep)\n",
                     "bad.py": "def f():\n    machine = machine()\n    return machine\n"})
        problems = gates.pyflakes_problems(self.root, shutil.which("pyflakes3"))
        self.assertEqual(len(problems), 1, problems)
        self.assertTrue(problems[0].startswith("bad.py:2: "), problems)
        self.assertIn("machine", problems[0])

    def test_each_upward_include_is_one_line(self):
        self.commit({"fuzz/input/program.h": '#include "fuzz/sim/fiber.h"\n',
                     "fuzz/sim/fiber.h": '#include "fuzz/input/program.h"\n',
                     "fuzz/oracles/verdict.h": '#include "fuzz/input/program.h"\n',
                     "fuzz/oracles/x_test.cc": '#include "fuzz/schedule/runner.h"\n',
                     "fuzz/schedule/runner.h": '#include "fuzz/oracles/verdict.h"\n',
                     "fuzz/schedule/helper.h": '#include "fuzz/tests/broken.h"\n',
                     "fuzz/tests/broken.h": '#include "fuzz/oracles/verdict.h"\n',
                     "fuzz/loose.h": "\n",
                     "fuzz/threads/t.cc": '#include "fuzz/loose.h"\n',
                     "semaphore/s.h": '#include "fuzz/input/program.h"\n'})
        problems = gates.include_problems(self.root)
        self.assertEqual([p.split(": includes ")[0] for p in problems],
                         ["fuzz/input/program.h:1", "fuzz/schedule/helper.h:1",
                          "fuzz/threads/t.cc:1", "semaphore/s.h:1"])
        self.assertIn("sim/ is above input/", problems[0])
        self.assertIn("a test helper, from code that is not a test", problems[1])
        self.assertIn("fuzz/loose.h is in no folder", problems[2])

    def test_the_repository_passes_the_gates(self):
        self.assertEqual(gates.include_problems(ROOT), [])
        self.assertEqual(gates.python_problems(ROOT), [])
        if shutil.which("pyflakes3"):
            self.assertEqual(gates.pyflakes_problems(ROOT, shutil.which("pyflakes3")), [])
        if shutil.which("clang-format-14"):
            self.assertEqual(gates.format_problems(ROOT, shutil.which("clang-format-14")), [])
