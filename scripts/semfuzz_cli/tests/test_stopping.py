"""Signals and process groups, with real signals and real processes."""

import os
import signal
import subprocess
import sys
import time
import unittest

from semfuzz_cli import stopping


class SignalsTest(unittest.TestCase):
    def test_first_signal_calls_on_stop_a_second_raises_a_third_is_noted(self):
        seen = []
        with stopping.Signals() as signals:
            signals.on_stop = seen.append
            os.kill(os.getpid(), signal.SIGTERM)
            self.assertEqual(seen, [signal.SIGTERM])
            with self.assertRaises(stopping.Stopped) as raised:
                os.kill(os.getpid(), signal.SIGINT)
            self.assertEqual(raised.exception.exit_status, 128 + signal.SIGINT)
            os.kill(os.getpid(), signal.SIGHUP)  # only noted
            self.assertEqual(signals.received, signal.SIGTERM)
            self.assertEqual(signals.exit_status, 143)
        self.assertIs(signal.getsignal(signal.SIGTERM), signal.SIG_DFL)

    def test_without_on_stop_the_first_signal_raises_and_hold_quiets_them(self):
        with stopping.Signals() as signals:
            with self.assertRaises(stopping.Stopped):
                os.kill(os.getpid(), signal.SIGHUP)
        with stopping.Signals() as signals:
            signals.hold()
            os.kill(os.getpid(), signal.SIGINT)
            self.assertEqual(signals.received, signal.SIGINT)


class GroupTest(unittest.TestCase):
    CHILDREN = ("import subprocess, sys, time; "
                "[subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']) "
                "for _ in range(2)]; print('ready', flush=True); time.sleep(60)")

    def test_end_group_leaves_no_child_behind(self):
        leader = stopping.start_group([sys.executable, "-c", self.CHILDREN],
                                      stdout=subprocess.PIPE, text=True)
        self.assertEqual(leader.stdout.readline().strip(), "ready")
        started = time.monotonic()
        stopping.end_group(leader, grace=2)
        leader.stdout.close()
        self.assertLess(time.monotonic() - started, 5)
        deadline = time.monotonic() + 3
        while self.live_members(leader.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertEqual(self.live_members(leader.pid), [])

    @staticmethod
    def live_members(pgid: int) -> list:
        members = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                fields = open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                members.append(entry)
        return members

    def test_run_group_output_and_a_timeout_ends_the_group(self):
        done = stopping.run_group([sys.executable, "-c", "print('hi')"])
        self.assertEqual((done.returncode, done.stdout), (0, "hi\n"))
        with self.assertRaises(subprocess.TimeoutExpired):
            stopping.run_group([sys.executable, "-c", self.CHILDREN], timeout=1)


if __name__ == "__main__":
    unittest.main()
