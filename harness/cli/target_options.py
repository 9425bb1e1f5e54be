"""The target options every suite command and ``certify`` share (DESIGN.md section 8).

``add_target_options(parser)`` registers them; ``run_options(args)`` turns them into the core's
``RunOptions`` (the token falls back to HARNESS_ADMIN_TOKEN). ``add_suite_command`` builds a whole
``harness <suite>`` subcommand, so each suite's command is one call.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Mapping
from typing import Any

from harness.events import make_sink
from harness.run import RunOptions, run_suites

__all__ = ["TOKEN_ENV", "add_suite_command", "add_target_options", "run_options"]

TOKEN_ENV = "HARNESS_ADMIN_TOKEN"  # noqa: S105 - the variable's name, not a secret


def add_target_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("target options")
    group.add_argument("--target", required=True, metavar="URL|reference|alternative|faulty:NAME",
                       help="the system under test: a base URL, or a built-in target the harness"
                            " starts on a free loopback port")
    group.add_argument("--admin-token", metavar="T",
                       help=f"operator token of a URL target (default: ${TOKEN_ENV})")
    group.add_argument("--profile", default="quick", metavar="quick|full|FILE",
                       help="profile of sizes and thresholds (default: quick)")
    group.add_argument("--seed", metavar="HEX",
                       help="64 hex digits of run seed (default: random, recorded)")
    group.add_argument("--out", metavar="DIR", help="output folder (default: reports/<run id>/)")
    group.add_argument("--source", metavar="DIR", help="the system's source tree (static analysis)")
    group.add_argument("--restart-cmd", metavar="CMD",
                       help="shell command that kills and restarts the system (durability)")
    group.add_argument("--db", metavar="URL",
                       help="database of a built-in target (default: a temporary SQLite file)")


def run_options(args: argparse.Namespace, overrides: Mapping[str, Any] | None = None
                ) -> RunOptions:
    return RunOptions(
        target=args.target,
        admin_token=args.admin_token or os.environ.get(TOKEN_ENV) or None,
        profile=args.profile,
        seed=args.seed,
        out=args.out,
        source=args.source,
        restart_cmd=args.restart_cmd,
        db=args.db,
        overrides=dict(overrides or {}),
    )


def add_suite_command(
    commands: Any, suite: str, help_text: str,
    overrides: Callable[[argparse.Namespace], Mapping[str, Any]] | None = None,
) -> argparse.ArgumentParser:
    """``harness <suite>``: run one suite; exit 0 pass, 1 fail, 2 usage, 3 inconclusive.

    A suite's own options (added to the returned parser) reach it as profile values:
    ``overrides(args)`` maps them to dotted profile keys, e.g. ``{"load.users": args.users}``
    (leave out the ones not given), and they win over the profile file.
    """
    parser: argparse.ArgumentParser = commands.add_parser(
        suite, help=help_text,
        description=f"{help_text}. Writes evidence.json and report.json to --out; exit 0 pass,"
                    " 1 fail, 2 usage error, 3 inconclusive.",
    )
    add_target_options(parser)

    def _run(args: argparse.Namespace) -> int:
        extra = overrides(args) if overrides is not None else {}
        return run_suites(suite, [suite], run_options(args, extra), make_sink()).exit_code

    parser.set_defaults(func=_run)
    return parser
