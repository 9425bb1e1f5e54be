"""``harness rng-test``: the SP 800-22 battery over a binary file or a lab-mode system's bytes."""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from harness.cli._args import positive_int
from harness.errors import UsageError
from harness.fairness.sp800_22 import BatteryReport, run_battery
from harness.target import HttpTarget
from harness.verdict import ExitCode, Verdict

__all__ = ["register"]

_HEX = re.compile(r"(?:[0-9a-fA-F]{2})+")
_SEEDS_PER_CALL = 65536  # ASTI-1 lab limit: server seeds per request (32 bytes each)
_STREAM_LIMIT = 16_777_216  # ASTI-1 lab limit: bytes of one draw stream


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "rng-test",
        help="run the NIST SP 800-22 battery on a binary file or a system's random bytes",
        description="Run all 15 SP 800-22 tests on consecutive sequences of FILE's bits (most"
        " significant bit first), or of bytes pulled from an ASTI-1 system in lab mode, and"
        " assess the P-values as in section 4.2. Exit 0 pass, 1 fail, 2 bad input, 3 inconclusive.",
    )
    parser.add_argument("file", metavar="FILE", nargs="?", help="binary file to test")
    parser.add_argument("--sequence-bits", type=positive_int, default=1_000_000, metavar="N",
                        help="bits per sequence (default 1000000)")
    parser.add_argument("--sequences", type=positive_int, metavar="N",
                        help="number of sequences (default: all the file holds)")
    parser.add_argument("--json", metavar="OUT", help="write the P-values and assessment as JSON")
    parser.add_argument("--target", metavar="URL", help="ASTI-1 system in lab mode")
    parser.add_argument("--admin-token", metavar="T",
                        help="operator token (or HARNESS_ADMIN_TOKEN)")
    parser.add_argument("--source", choices=("server-seeds", "stream"),
                        help="with --target: the server-seed source or one draw's random stream")
    parser.add_argument("--round", metavar="RID", help="with --source stream: round id")
    parser.add_argument("--seed", metavar="HEX", help="with --source stream: seed in hex")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    if (args.file is None) == (args.target is None):
        raise UsageError("give exactly one of FILE or --target URL")
    if args.file is not None:
        extra = [f"--{f.replace('_', '-')}" for f in ("admin_token", "source", "round", "seed")
                 if getattr(args, f) is not None]
        if extra:
            raise UsageError(f"{', '.join(extra)} only go with --target")
        data = _read(args.file)
    else:
        data = _pull(args)
    report = _with_progress(data, args.sequence_bits, args.sequences)
    if args.json is not None:
        try:
            Path(args.json).write_text(report.to_json(indent=2) + "\n", encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write {args.json!r}: {exc.strerror}") from exc
    _print_summary(report)
    return {Verdict.PASS: ExitCode.OK, Verdict.FAIL: ExitCode.FAILED}.get(
        report.verdict, ExitCode.INCONCLUSIVE
    )


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {path!r}: {exc.strerror or exc}") from exc


def _pull(args: argparse.Namespace) -> bytes:
    """Fetch sequences * sequence_bits bits from the lab endpoints of the system at --target."""
    token = args.admin_token or os.environ.get("HARNESS_ADMIN_TOKEN")
    if not token:
        raise UsageError("--target needs --admin-token T (or HARNESS_ADMIN_TOKEN)")
    if args.source is None:
        raise UsageError("--target needs --source server-seeds|stream")
    if args.sequences is None:
        raise UsageError("--target needs --sequences N (how many sequences to pull)")
    needed = (args.sequences * args.sequence_bits + 7) // 8
    with HttpTarget(args.target, token) as target:
        if args.source == "stream":
            if args.round is None or args.seed is None:
                raise UsageError("--source stream needs --round RID and --seed HEX")
            if not _HEX.fullmatch(args.seed):
                raise UsageError(f"--seed must be an even number of hex digits, got {args.seed!r}")
            if needed > _STREAM_LIMIT:
                raise UsageError(f"a stream gives at most {_STREAM_LIMIT} bytes; {needed} needed")
            return target.lab_random(args.round, args.seed, needed)
        chunks = []
        remaining = (needed + 31) // 32
        while remaining > 0:
            count = min(remaining, _SEEDS_PER_CALL)
            chunks.append(target.lab_server_seeds(count))
            remaining -= count
        return b"".join(chunks)[:needed]


def _with_progress(data: bytes, sequence_bits: int, sequences: int | None) -> BatteryReport:
    console = Console(stderr=True)
    with Progress(console=console, transient=True, disable=not console.is_terminal) as progress:
        task = progress.add_task("SP 800-22", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        return run_battery(data, sequence_bits, sequences, progress=advance)


def _print_summary(report: BatteryReport) -> None:
    table = Table(title=f"SP 800-22 second level: {report.sequences} sequence(s) of"
                        f" {report.sequence_bits} bits")
    for heading in ("test", "columns", "sequences", "min pass share", "min uniformity P",
                    "failing", "verdict"):
        table.add_column(heading, no_wrap=True)
    for test in report.assessments:
        applied = [c for c in test.columns if c.sample_size > 0]
        shares = [c.proportion for c in applied if c.proportion is not None]
        uniform = [c.uniformity_p for c in applied if c.uniformity_p is not None]
        sizes = sorted({c.sample_size for c in applied})
        failing = sum(1 for c in test.columns if c.verdict is Verdict.FAIL)
        table.add_row(
            test.name, str(len(test.columns)),
            "-" if not sizes else f"{sizes[0]}" if len(sizes) == 1 else f"{sizes[0]}-{sizes[-1]}",
            f"{min(shares):.4f}" if shares else "-",
            f"{min(uniform):.6f}" if uniform else "-",
            str(failing), test.verdict.value,
        )
    console = Console(file=sys.stdout, width=120)
    console.print(table)
    console.print(f"verdict: {report.verdict.value}")
