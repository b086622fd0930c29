"""fuzz/tools/coverage_scope.py: the split of the fuzz targets' names between the harness's
coverage ignorelist and the semaphore."""

import importlib.util
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

from semfuzz_cli.common import ROOT

SPEC = importlib.util.spec_from_file_location("coverage_scope",
                                              ROOT / "fuzz" / "tools" / "coverage_scope.py")
coverage_scope = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(coverage_scope)
IGNORELIST = ROOT / "fuzz" / "cmake" / "harness_coverage.ignorelist"


class CoverageScopeTest(unittest.TestCase):
    def test_the_list_leaves_the_semaphore_in_coverage(self):
        listed = coverage_scope.listed_names(IGNORELIST)
        production = coverage_scope.semaphore_names(ROOT / "semaphore" / "include" / "semfuzz")
        self.assertIn("sim", listed)
        self.assertIn("program_runner", listed)
        for name in ("basic_semaphore", "internal", "semaphore_releaser", "linux_futex_platform"):
            self.assertIn(name, production)
            self.assertNotIn(name, listed)

    def test_a_wrong_length_is_refused(self):
        with tempfile.TemporaryDirectory() as tmp:
            bad = Path(tmp) / "list"
            bad.write_text("fun:_Z*7semfuzz4sim*\n")
            with self.assertRaisesRegex(SystemExit, "the length 4 is not that of sim"):
                coverage_scope.listed_names(bad)

    @unittest.skipUnless(shutil.which("c++") and shutil.which("nm"), "needs c++ and nm")
    def test_an_unlisted_harness_name_fails_the_check(self):
        source = ("namespace semfuzz { namespace sim { void step() {} }\n"
                  "void brand_new_part() {}\n"
                  "template <class T> struct basic_semaphore { void acquire() {} };\n"
                  "template struct basic_semaphore<int>; }\n")
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / "t.cc").write_text(source)
            subprocess.run(["c++", "-c", "t.cc", "-o", "t.o"], cwd=tmp, check=True)
            run = subprocess.run(["python3", str(ROOT / "fuzz" / "tools" / "coverage_scope.py"),
                                  str(Path(tmp) / "t.o")], capture_output=True, text=True)
        self.assertEqual(run.returncode, 1, run.stdout)
        self.assertIn("semfuzz::brand_new_part: in the fuzz targets, but neither", run.stdout)
        self.assertNotIn("semfuzz::sim:", run.stdout)
        self.assertNotIn("semfuzz::basic_semaphore:", run.stdout)
        self.assertIn("3 names at the top of semfuzz, 1 of the harness, 1 of the semaphore, "
                      "1 misplaced", run.stdout)


if __name__ == "__main__":
    unittest.main()
