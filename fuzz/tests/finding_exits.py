"""A finding of a TSan real-thread target ends the fuzzer promptly, its artifact written.

Usage: finding_exits.py PLANTED_THREADS_FUZZER (ctest `finding_exits`, tsan-fuzz build only).

The binary is the `threads` target's body on a semaphore broken on purpose
(fuzz/tests/planted_threads_target.cc). Each case fuzzes it as `scripts/semfuzz fuzz` does (the
CLI's libFuzzer flags and sanitizer options) from a corpus of one input that fails, and requires,
within 10 s: a non-zero exit, the verdict as the CLI classifies it, and the artifact holding that
input; for the harness's own verdicts also the verdict line and the oracle's frame in the crash
stack. Cases: a worker's finding, the watchdog's (its worker stays blocked for good), and
libFuzzer's own -timeout. Before fuzz/engine/tsan_options.cc each of them slept until SIGKILL with no
artifact (see that file).
"""

import hashlib
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from semfuzz_cli.targets import LIBFUZZER_LIMITS, SANITIZER_OPTIONS, classify  # noqa: E402

BINARY = None  # set from the command line
EXIT_WITHIN_S = 10


def program(algorithm: int) -> bytes:
    """One thread, no tokens, one try_acquire_for(1, 1 ms) (format: fuzz/input/program.h). The
    planted target's defect is picked by the algorithm: 0 gives up at once, 1 ignores the
    deadline."""
    try_acquire_for_1ms = 4 | 3 << 3  # kind 4, timeout class 3 (1 ms)
    return bytes([algorithm, 0, 1, try_acquire_for_1ms, 1])


class FindingExits(unittest.TestCase):
    def fuzz(self, data: bytes, limits=LIBFUZZER_LIMITS):
        """Runs the planted target on a corpus of `data`; returns (seconds, exit status or None
        when it had to be killed, output, the files in the artifact folder)."""
        with tempfile.TemporaryDirectory(prefix="semfuzz-finding-exits-") as tmp:
            corpus, artifacts = Path(tmp, "corpus"), Path(tmp, "artifacts")
            corpus.mkdir()
            artifacts.mkdir()
            (corpus / "input").write_bytes(data)
            env = dict(os.environ, TSAN_OPTIONS=SANITIZER_OPTIONS["TSAN_OPTIONS"])
            command = [BINARY, "-max_total_time=60", *limits,
                       f"-artifact_prefix={artifacts}/", "-print_final_stats=1", str(corpus)]
            started = time.monotonic()
            try:
                result = subprocess.run(command, env=env, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True, errors="replace",
                                        timeout=EXIT_WITHIN_S, cwd=tmp)
                status, output = result.returncode, result.stdout
            except subprocess.TimeoutExpired as expired:  # subprocess.run has killed it
                status = None
                output = expired.output or ""
                output = output if isinstance(output, str) else output.decode(errors="replace")
            seconds = time.monotonic() - started
            found = {p.name: p.read_bytes() for p in artifacts.iterdir()}
        return seconds, status, output, found

    def exits_with_artifact(self, data: bytes, verdict: str, artifact: str,
                            limits=LIBFUZZER_LIMITS):
        """Fuzzes `data`, checks the common requirements and returns the output."""
        seconds, status, output, artifacts = self.fuzz(data, limits)
        print(f"{verdict}: exit status {status} after {seconds:.2f} s", file=sys.stderr)
        self.assertIsNotNone(status, f"still running after {EXIT_WITHIN_S} s, killed:\n{output}")
        self.assertNotEqual(status, 0, output)
        self.assertNotIn("signal-unsafe call", output)
        self.assertEqual(classify(output, status).verdict, verdict, output)
        name = f"{artifact}-{hashlib.sha1(data).hexdigest()}"
        self.assertEqual(list(artifacts), [name], output)
        self.assertEqual(artifacts[name], data)
        return output

    def check(self, data: bytes, verdict: str, line: str):
        output = self.exits_with_artifact(data, verdict, "crash")
        self.assertRegex(output, re.compile("^semfuzz: VERDICT " + line + "$", re.MULTILINE))
        # The oracle's own function is in the crash stack, which is how findings are told apart.
        oracle = "oracle_" + verdict.replace("-", "_")
        self.assertRegex(output, re.compile(r"^\s*#\d+ .*::" + oracle + r"\(", re.MULTILINE))

    def test_a_workers_finding(self):
        # Reported by the main thread once every worker has returned.
        self.check(program(0), "early-timeout",
                   r"early-timeout: T0 try_acquire_for\(1, 1ms\) returned false at \d+\.\d{6} ms "
                   r"into the call, before its deadline at 1\.000000 ms")

    def test_the_watchdogs_finding_while_a_worker_stays_blocked(self):
        self.check(program(1), "late-timeout",
                   r"late-timeout: T0 try_acquire_for\(1, 1ms\) still blocked \d+ ms after its "
                   r"timeout")

    def test_a_libfuzzer_timeout(self):
        # libFuzzer's own timeout (its SIGALRM handler), before the watchdog's 4 s.
        self.exits_with_artifact(program(1), "timeout", "timeout", ("-timeout=1",))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__.splitlines()[2])
    BINARY = str(Path(sys.argv.pop(1)).resolve())
    unittest.main()
