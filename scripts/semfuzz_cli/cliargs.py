"""What every verb module uses to register its verb with the command line (cli.py assembles
them): the sub-command itself and argparse types with a message naming what is wrong."""

from __future__ import annotations

import argparse
from typing import Callable

from .targets import DEFAULT_TARGET, TARGETS


def at_least(minimum: int) -> Callable[[str], int]:
    """An argparse type: a whole number >= minimum, with a message naming what is wrong."""
    def whole_number(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}")
        return value

    return whole_number


positive, natural = at_least(1), at_least(0)


def add_verb(verbs, name: str, function, summary: str,
             description: str) -> argparse.ArgumentParser:
    """Adds verb `name` to the sub-command set `verbs`: `summary` is its line in the top-level
    help, `description` its own --help text (line breaks kept); running it calls function(args)."""
    sub = verbs.add_parser(name, help=summary, description=description,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    sub.set_defaults(run=function)
    return sub


def add_target(sub: argparse.ArgumentParser, option: str = "target") -> None:
    """The fuzz target the verb works on, DEFAULT_TARGET when not given: an optional positional
    (option "target") or an option ("--target")."""
    optional_positional = {} if option.startswith("-") else {"nargs": "?"}
    sub.add_argument(option, default=DEFAULT_TARGET, choices=TARGETS,
                     help=f"fuzz target (default {DEFAULT_TARGET})", **optional_positional)
