"""The ``harness`` command: parses options and hands them to the core, nothing else.

Each subcommand lives in its own module with ``register(subparsers)`` (which sets ``func``) so that
commands stay small and independent. Errors the user can fix become one line on stderr and exit
code 2; nothing the user types produces a traceback.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from collections.abc import Sequence
from typing import NoReturn

from harness import __version__
from harness.errors import HarnessError, UsageError
from harness.verdict import ExitCode

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors that suggest the nearest valid option."""

    def error(self, message: str) -> NoReturn:
        message = message.replace("argument COMMAND: ", "")
        self.exit(ExitCode.USAGE, f"{self.prog}: error: {message}\n")


def _unknown_option(parser: argparse.ArgumentParser, word: str) -> str:
    """One line naming an unknown option and, when there is one, the nearest valid option."""
    known = [s for action in parser._actions for s in action.option_strings]
    match = difflib.get_close_matches(word.split("=")[0], known, n=1)
    hint = f" (did you mean {match[0]}?)" if match else ""
    return f"{parser.prog}: error: unrecognized argument {word!r}{hint}"


def _build_parser() -> argparse.ArgumentParser:
    from harness.cli import (
        certify,
        draw,
        fairness,
        integrity,
        invariants,
        list_targets,
        load,
        rng_test,
        security,
        serve,
        validate,
    )

    parser = _Parser(prog="harness", description="Certification harness for allocation systems.")
    parser.add_argument("--version", action="version", version=f"harness {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True
    for module in (draw, serve, rng_test, list_targets, certify, fairness, invariants, load,
                   security, integrity, validate):
        module.register(commands)
    for subparser in commands.choices.values():
        subparser.set_defaults(parser=subparser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _build_parser()
    try:
        args, unknown = parser.parse_known_args(argv)
    except SystemExit as exc:  # --help, --version, or a usage error already printed in one line
        return int(exc.code or 0)
    if unknown:
        print(_unknown_option(args.parser, unknown[0]), file=sys.stderr)
        return ExitCode.USAGE
    try:
        return int(args.func(args))
    except UsageError as exc:
        print(f"harness {args.command}: error: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    except HarnessError as exc:
        print(f"harness {args.command}: {exc}", file=sys.stderr)
        return ExitCode.INCONCLUSIVE
    except KeyboardInterrupt:
        print(f"harness {args.command}: interrupted", file=sys.stderr)
        return 130
