"""The command line: assembles the verbs, which each module registers with its own arguments
(`register(verbs)`), into one argparse parser; and main()."""

from __future__ import annotations

import argparse
import sys
from typing import Optional

from . import bench, campaign, corpus, coverage, mutants, ossfuzz, testing, verbs
from .common import Failure, UsageError
from .stopping import Stopped
from .targets import DEFAULT_TARGET, TARGETS

# The modules whose verbs the command line offers, in the order `--help` lists them.
VERB_MODULES = (testing, campaign, verbs, corpus, bench, ossfuzz, coverage, mutants)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="scripts/semfuzz", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Build, test and fuzz the semfuzz semaphore. `scripts/semfuzz VERB --help` "
                    "describes each verb.",
        epilog="Build configurations are the presets in CMakePresets.json (build/<preset>).\n"
               f"Fuzz targets: {', '.join(TARGETS)} (default {DEFAULT_TARGET}).")
    sub = top.add_subparsers(dest="verb", metavar="VERB")
    for module in VERB_MODULES:
        module.register(sub)
    return top


def main(argv: Optional[list] = None) -> int:
    top = parser()
    args = top.parse_args(argv)
    if not args.verb:
        top.print_help()
        return 2
    try:
        return args.run(args)
    except UsageError as error:
        print(f"semfuzz {args.verb}: {error}", file=sys.stderr)
        return 2
    except Failure as error:
        print(f"semfuzz {args.verb}: {error}", file=sys.stderr)
        return 1
    except Stopped as stop:
        print(f"semfuzz {args.verb}: {stop}", file=sys.stderr)
        return stop.exit_status
    except KeyboardInterrupt:
        print(f"semfuzz {args.verb}: interrupted", file=sys.stderr)
        return 130
    except OSError as error:  # a file the user named, or a full disk: one line, no traceback
        where = f": {error.filename}" if error.filename else ""
        print(f"semfuzz {args.verb}: {error.strerror or error}{where}", file=sys.stderr)
        return 1
