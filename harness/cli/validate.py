"""``harness validate``: the method validation matrix (DESIGN.md section 8)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from harness.errors import UsageError
from harness.validation import validate

__all__ = ["register"]


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "validate",
        help="validate the method: certify the correct systems, catch every faulty target",
        description="Run the reference and the alternative through every suite and each faulty"
        " target through the suites that must catch it; print the matrix and write"
        " validation.json. Exit 0 when every defect fails its own requirements and both correct"
        " systems pass, 1 otherwise, 2 on usage.",
    )
    parser.add_argument("--profile", default="quick", choices=("quick", "full"),
                        help="quick (default) or full: faulty targets go through every suite")
    parser.add_argument("--out", metavar="DIR", default=str(Path("reports") / "validation"),
                        help="output folder (default: reports/validation/)")
    parser.add_argument("--only", metavar="TARGET", action="append",
                        help="validate only this target (repeatable; e.g. reference,"
                             " faulty:NAME)")
    parser.add_argument("--parallel", type=int, default=2, metavar="N",
                        help="suite runs side by side, 1 or 2 (default 2; load always alone)")
    parser.add_argument("--timeout", type=float, default=1800.0, metavar="SECONDS",
                        help="time bound of one suite run (default 1800)")
    parser.add_argument("--seed", metavar="HEX",
                        help="64 hex digits: each suite run's seed derives from it, so the whole"
                             " validation reproduces (default: a random seed per run)")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    if args.parallel not in (1, 2):
        raise UsageError(f"--parallel {args.parallel}: use 1 or 2")
    if not args.timeout > 0:
        raise UsageError(f"--timeout {args.timeout}: must be a positive number of seconds")
    code, _ = validate(args.profile, Path(args.out), only=args.only, parallel=args.parallel,
                       timeout=args.timeout, seed=args.seed)
    return code
