"""``harness draw``: run ACS-DRAW-1 on a file of ids, or verify a published draw."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any

from harness.cli._args import http_url, non_negative_int
from harness.errors import UsageError
from harness.fairness.applicants import ID_PATTERN, read_applicant_file
from harness.fairness.replay import CanonicalList, Replay, replay_draw
from harness.fairness.verify import (
    MalformedResult,
    Verification,
    verify_published,
    verify_round,
)
from harness.target import HttpTarget
from harness.verdict import ExitCode

__all__ = ["register"]

_SEED = re.compile(r"[0-9a-fA-F]{64}")


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "draw",
        help="run the verifiable draw ACS-DRAW-1, or verify a published one",
        description="Run ACS-DRAW-1 over an applicant file (one id per line), or with --verify"
        " replay a published result (harness draw --json output or an ASTI-1 results object),"
        " from files or fetched from a running system with --target URL --round RID.",
    )
    parser.add_argument("--applicants", metavar="FILE", help="one id per line")
    parser.add_argument("--primary", metavar="K", type=non_negative_int, help="primary slots")
    parser.add_argument("--reserve", metavar="R", type=non_negative_int, help="reserve slots")
    parser.add_argument("--seed", metavar="HEX", help="32-byte seed as 64 hex digits")
    parser.add_argument("--round", metavar="ID", help="round id")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument(
        "--verify",
        metavar="RESULT.json",
        nargs="?",
        const=True,
        help="published result to verify; without a file, fetch it with --target and --round",
    )
    parser.add_argument(
        "--target", metavar="URL", type=http_url, help="with --verify: the ASTI-1 system to ask"
    )
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    if args.verify is not None:
        extra = [f"--{f}" for f in ("primary", "reserve", "seed") if getattr(args, f) is not None]
        if extra or args.json:
            raise UsageError(
                "--verify takes only --applicants (or --target and --round); the rest comes"
                " from the result"
            )
        if args.verify is True:
            return _verify_live(args.target, args.round, args.applicants)
        if args.target is not None or args.round is not None:
            raise UsageError("--target and --round go with --verify alone, without RESULT.json")
        if args.applicants is None:
            raise UsageError("--verify RESULT.json needs --applicants FILE")
        return _verify(Path(args.verify), args.applicants)
    if args.target is not None:
        raise UsageError("--target goes with --verify (--verify --target URL --round ID)")
    missing = [
        f"--{f}"
        for f in ("applicants", "primary", "reserve", "seed", "round")
        if getattr(args, f) is None
    ]
    if missing:
        raise UsageError(f"missing {', '.join(missing)} (or use --verify RESULT.json)")
    if not _SEED.fullmatch(args.seed):
        raise UsageError(f"--seed must be 64 hex digits (32 bytes), got {args.seed[:80]!r}")
    _check_round(args.round)
    result = replay_draw(
        args.round, _load(args.applicants), args.primary, args.reserve, bytes.fromhex(args.seed)
    )
    print(json.dumps(result.as_dict(), indent=2) if args.json else _describe(result))
    return ExitCode.OK


def _check_round(round_id: str) -> None:
    if not ID_PATTERN.fullmatch(round_id) or not round_id.isascii():
        raise UsageError(
            f"--round {round_id[:80]!r} is not a valid round id (1 to 64 of A-Za-z0-9_-)"
        )


def _load(path: str) -> CanonicalList:
    try:
        return CanonicalList(read_applicant_file(path))
    except ValueError as exc:  # duplicate ids
        raise UsageError(f"{path}: {exc}") from exc


def _verify(result_path: Path, applicants_path: str) -> int:
    try:
        document = json.loads(result_path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot read {str(result_path)!r}: {exc.strerror}") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise UsageError(f"{result_path} is not valid JSON: {exc}") from exc
    if not isinstance(document, dict):
        raise UsageError(f"{result_path} must hold a JSON object")
    try:
        verification = verify_published(document, _load(applicants_path))
    except MalformedResult as exc:
        raise UsageError(f"{result_path}: {exc}") from exc
    return _report(verification)


def _verify_live(target_url: str | None, round_id: str | None, applicants: str | None) -> int:
    if target_url is None or round_id is None:
        raise UsageError(
            "--verify needs RESULT.json and --applicants FILE, or --target URL and --round ID"
        )
    if applicants is not None:
        raise UsageError("--verify --target fetches the applicant list itself; drop --applicants")
    _check_round(round_id)
    with HttpTarget(target_url) as target:
        try:
            verification = verify_round(target, round_id)
        except MalformedResult as exc:
            raise UsageError(f"the results of {round_id} at {target_url}: {exc}") from exc
    return _report(verification)


def _report(verification: Verification) -> int:
    for check in verification.checks:
        print(f"{'ok  ' if check.ok else 'FAIL'} {check.detail}")
    if verification.ok:
        print("the published draw replays exactly")
        return ExitCode.OK
    print(f"the published draw does not replay: {verification.failures[0].detail}")
    return ExitCode.FAILED


def _describe(result: Replay) -> str:
    lines = [
        "algorithm          ACS-DRAW-1",
        f"round              {result.round_id}",
        f"applicants         {result.applicants}",
        f"applicants digest  {result.applicants_digest}",
        f"seed               {result.seed}",
        f"primary ({len(result.primary)}):",
    ]
    lines += [f"  {rank:>8}  {applicant}" for rank, applicant in enumerate(result.primary, 1)]
    lines.append(f"reserve ({len(result.reserve)}), in rank order:")
    lines += [f"  {rank:>8}  {applicant}" for rank, applicant in enumerate(result.reserve, 1)]
    return "\n".join(lines)
