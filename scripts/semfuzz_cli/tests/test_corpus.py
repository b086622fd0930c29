"""The corpus lock, cut-off runs, and the file operations merges rely on."""

import json
import os
import tempfile
import unittest
from pathlib import Path
from unittest import mock

from semfuzz_cli import common, corpus
from semfuzz_cli.common import UsageError
from semfuzz_cli.targets import target


class DataDirsTest(unittest.TestCase):
    def setUp(self):
        folder = tempfile.TemporaryDirectory(prefix="semfuzz-corpus-test-")
        self.addCleanup(folder.cleanup)
        self.root = Path(folder.name)
        patcher = mock.patch.dict(os.environ, {
            "SEMFUZZ_CORPUS_DIR": str(self.root / "corpus"),
            "SEMFUZZ_RUNS_DIR": str(self.root / "runs")})
        patcher.start()
        self.addCleanup(patcher.stop)

    def test_a_second_holder_is_refused_with_the_first_ones_name(self):
        t = target("schedule")
        stale = self.root / "corpus" / ".schedule-merge-abc"
        stale.mkdir(parents=True)
        with corpus.corpus_lock(t, "fuzz"):
            self.assertFalse(stale.exists(), "a killed merge's folder outlived the lock")
            with self.assertRaises(UsageError) as refused:
                with corpus.corpus_lock(t, "merge"):
                    pass
            self.assertIn(f"in use by `semfuzz fuzz` (pid {os.getpid()}", str(refused.exception))
            with corpus.corpus_lock(target("api"), "merge"):  # another corpus: free
                pass
        with corpus.corpus_lock(t, "merge"):  # released
            pass

    def test_run_directories_are_unique_within_a_second(self):
        names = {common.new_run_dir("schedule").name for _ in range(3)}
        self.assertEqual(len(names), 3)

    def test_stranded_runs_and_their_targets(self):
        runs = self.root / "runs"
        for name, info in (("20260101T000000Z-threads_std", None),
                           ("20260101T000001Z-other", {"target": "api"}),
                           ("20260101T000002Z-schedule", None)):
            (runs / name / "new_corpus").mkdir(parents=True)
            if info:
                (runs / name / corpus.RUN_INFO).write_text(json.dumps(info))
        (runs / "20260101T000003Z-schedule").mkdir()  # merged: no new_corpus
        self.assertEqual([(p.name, t) for p, t in corpus.stranded_runs()],
                         [("20260101T000000Z-threads_std", "threads_std"),
                          ("20260101T000001Z-other", "api"),
                          ("20260101T000002Z-schedule", "schedule")])
        self.assertEqual(len(corpus.stranded_runs("api")), 1)

    def test_write_atomic_leaves_no_temporary_file(self):
        path = self.root / "x"
        common.write_atomic(path, "one")
        common.write_atomic(path, b"two")
        self.assertEqual(path.read_bytes(), b"two")
        self.assertEqual(os.listdir(self.root), ["x"])


if __name__ == "__main__":
    unittest.main()
