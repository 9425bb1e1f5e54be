"""``harness targets``: the built-in targets the harness can start, with what each must fail."""

from __future__ import annotations

import argparse
import json
from typing import Any

from harness.launcher import BUILTIN, listing_order
from harness.verdict import ExitCode

__all__ = ["register"]


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "targets",
        help="list the built-in targets (reference, alternative, faulty:NAME)",
        description="List the built-in targets: their name for --target, their kind, the"
        " requirements a faulty target must fail, and what each is.",
    )
    parser.add_argument("--json", action="store_true", help="print the list as JSON")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    entries = [BUILTIN[name].as_dict() for name in sorted(BUILTIN, key=listing_order)]
    if args.json:
        print(json.dumps(entries, indent=2))
        return ExitCode.OK
    width = max(len(entry["name"]) for entry in entries)
    for entry in entries:
        fails = f" (must fail {', '.join(entry['must_fail'])})" if entry["must_fail"] else ""
        print(f"{entry['name']:<{width}}  {entry['kind']:<11}  {entry['description']}{fails}")
    return ExitCode.OK

