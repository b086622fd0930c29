"""Stopping cleanly. While a verb that writes the corpus runs, SIGINT, SIGTERM and SIGHUP are
caught: the first calls the verb's `on_stop` (`fuzz` stops libFuzzer and goes on to merge what
it found); a signal with no `on_stop` set, or a second one, raises Stopped in the main thread, so
that `finally` blocks clean up and the verb can say what it kept. Child tools run in process
groups of their own (a terminal's Ctrl-C reaches only semfuzz, which decides), and a group is
killed whole: libFuzzer's fork-mode workers and merge subprocesses never outlive their run."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from typing import Callable, Optional

from .common import say

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
GROUP_GRACE_S = 5.0  # SIGTERM, then this long before SIGKILL


def signal_name(signum: int) -> str:
    return signal.Signals(signum).name


class Stopped(Exception):
    """A stop signal arrived where the work cannot just wind down."""

    def __init__(self, signum: int):
        super().__init__(f"stopped by {signal_name(signum)}")
        self.signum = signum

    @property
    def exit_status(self) -> int:
        return 128 + self.signum


class Signals:
    """Catches the stop signals while active (a context manager); `received` is the first."""

    def __init__(self) -> None:
        self.received: Optional[int] = None
        self.on_stop: Optional[Callable[[int], None]] = None
        self._raised = False
        self._holding = False
        self._previous: dict = {}

    def __enter__(self) -> "Signals":
        for signum in STOP_SIGNALS:
            self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exception) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)

    @property
    def exit_status(self) -> int:
        return 128 + self.received if self.received else 0

    def hold(self) -> None:
        """From now on signals are only noted: what is left is writing down what happened."""
        self._holding = True

    def _handle(self, signum: int, frame) -> None:
        first = self.received is None
        if first:
            self.received = signum
        if self._holding:
            say(f"  {signal_name(signum)}: finishing the summary")
        elif first and self.on_stop is not None:
            self.on_stop(signum)
        elif not self._raised:
            self._raised = True
            raise Stopped(signum)
        else:
            say(f"  {signal_name(signum)}: already stopping, cleaning up")


def start_group(command: list, **popen: object) -> subprocess.Popen:
    """Starts a command as the leader of a new process group (and session)."""
    return subprocess.Popen(command, start_new_session=True, **popen)


def signal_group(process: subprocess.Popen, signum: int) -> None:
    try:
        os.killpg(process.pid, signum)
    except (ProcessLookupError, PermissionError):
        pass  # the group is gone already


def end_group(process: subprocess.Popen, grace: float = GROUP_GRACE_S) -> int:
    """SIGTERM to the whole group, SIGKILL after `grace` seconds; waits for the leader, then
    kills whatever of the group is left. Returns the leader's exit status."""
    if process.poll() is None:
        signal_group(process, signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            signal_group(process, signal.SIGKILL)
    returncode = process.wait()
    signal_group(process, signal.SIGKILL)  # workers the leader left behind
    return returncode


def run_group(command: list, timeout: Optional[float] = None,
              **popen: object) -> subprocess.CompletedProcess:
    """subprocess.run() in a process group of its own, with stdout captured (text); whatever
    stops it (a timeout, Stopped, Ctrl-C) ends the whole group first."""
    process = start_group(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          errors="replace", **popen)
    started = time.monotonic()
    try:
        output, _ = process.communicate(timeout=timeout)
    except BaseException:
        end_group(process, grace=1.0)
        process.communicate()
        raise
    signal_group(process, signal.SIGKILL)
    if timeout is not None and time.monotonic() - started > timeout:
        raise subprocess.TimeoutExpired(command, timeout, output)
    return subprocess.CompletedProcess(command, process.returncode, output)
