"""`replay` and `minimize`."""

from __future__ import annotations

import sys
from pathlib import Path

from .common import UsageError, rel, say
from .reproducers import minimize, print_as_tests, replay_command, reproducer_index
from .schedules import cmd_random_schedules
from .targets import input_files, run_input, sanitizer_env, target


def cmd_replay(args) -> int:
    t = target(args.target)
    files = input_files(args.inputs)
    if args.random_schedules:
        if args.as_test:
            raise UsageError("--as-test and --random-schedules do not go together")
        return cmd_random_schedules(t.name, files, args.random_schedules,
                                    1 if args.seed is None else args.seed)
    if args.seed is not None:
        raise UsageError("--seed picks the random schedules; it needs --random-schedules N")
    if args.as_test:
        return print_as_tests(t, files)
    t.build()
    env = sanitizer_env(SEMFUZZ_TRACE="1")
    failures = 0
    for path in files:
        outcome = run_input(t, path, env)
        sys.stdout.write(outcome.output)
        if outcome.verdict:
            failures += 1
            say(f"FAIL {rel(path)}: {outcome.verdict}" + (f": {outcome.details}"
                                                           if outcome.details else ""))
        else:
            say(f"PASS {rel(path)}")
    if len(files) != 1:
        say(f"replay: {len(files) - failures} passed, {failures} failed")
    return 1 if failures or not files else 0


def cmd_minimize(args) -> int:
    t = target(args.target)
    if Path(args.crash).is_dir():
        raise UsageError(f"{args.crash} is a folder; minimize takes one crashing input")
    crash, = input_files([args.crash])
    t.build()
    outcome, reproducer = minimize(t, crash, sanitizer_env(),
                                   how_found=f"`scripts/semfuzz minimize` of {crash.name}")
    say(f"{outcome.verdict}: {outcome.details}")
    say(f"reproducer: {rel(reproducer)} (indexed in {rel(reproducer_index())})")
    say(f"replay:     {replay_command(reproducer, t.name)}")
    return 0
