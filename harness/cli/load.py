"""``harness load``: requirements L-01 to L-04 against one system, or a distributed worker.

On top of the target options: ``--users N --spawn-rate R --duration S`` override the profile;
``--master --expect-workers N [--master-port P]`` runs the rushes on locust's master/worker
engine, with ``harness load --worker --master-host H [--master-port P]`` on each generator
machine (a worker needs no target options: the master hands it every rush).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from dataclasses import replace
from typing import Any

from harness.cli.target_options import add_suite_command, run_options
from harness.errors import UsageError
from harness.events import make_sink
from harness.run import run_suites

__all__ = ["register"]


def _positive(kind: type) -> Any:
    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"{text!r} must be above 0")
        return value
    return parse


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    load: dict[str, Any] = {}
    for option, key in (("users", "users"), ("spawn_rate", "spawn_rate"),
                        ("duration", "duration"), ("master_port", "master_port")):
        if getattr(args, option) is not None:
            load[key] = getattr(args, option)
    if args.master:
        if not args.expect_workers:
            raise UsageError("--master needs --expect-workers N (the workers to wait for)")
        load["expect_workers"] = args.expect_workers
        load["master_host"] = args.master_bind
    elif args.expect_workers:
        raise UsageError("--expect-workers is for --master")
    return {f"load.{key}": value for key, value in load.items()}


def _worker(args: argparse.Namespace) -> int:
    """Run a locust worker in its own process (locust patches the process it runs in)."""
    command = [sys.executable, "-m", "harness.load._worker", "worker",
               "--master-host", args.master_host, "--master-port", str(args.master_port or 5557)]
    return subprocess.call(command)  # noqa: S603 - our own interpreter and module


def _run(args: argparse.Namespace) -> int:
    if args.worker:
        if args.master:
            raise UsageError("--worker and --master exclude each other")
        if not args.master_host:
            raise UsageError("--worker needs --master-host H")
        return _worker(args)
    if args.target is None:
        raise UsageError("the following arguments are required: --target")
    options = run_options(args)
    options = replace(options, overrides=_overrides(args))
    return run_suites("load", ["load"], options, make_sink()).exit_code


def register(commands: Any) -> None:
    parser = add_suite_command(
        commands, "load",
        "assess the deposit rush (L-01..L-04): latency and error SLOs, ledger reconciliation"
        " under load, acknowledged deposits across a crash",
    )
    for action in parser._actions:
        if action.dest == "target":
            action.required = False  # a --worker has no target of its own
    group = parser.add_argument_group("load options")
    group.add_argument("--users", type=_positive(int), metavar="N",
                       help="concurrent simulated clients (default: the profile's)")
    group.add_argument("--spawn-rate", type=_positive(float), metavar="R",
                       help="clients started per second (default: the profile's)")
    group.add_argument("--duration", type=_positive(float), metavar="S",
                       help="longest time any one rush may run, seconds (default: the profile's)")
    group.add_argument("--master", action="store_true",
                       help="run the rushes on distributed workers (locust master)")
    group.add_argument("--expect-workers", type=_positive(int), metavar="N",
                       help="with --master: workers to wait for before the first rush")
    group.add_argument("--master-bind", default="*", metavar="HOST",
                       help="with --master: interface the workers connect to (default: all)")
    group.add_argument("--worker", action="store_true",
                       help="run as a generator worker of a master elsewhere")
    group.add_argument("--master-host", metavar="H", help="with --worker: the master's host")
    group.add_argument("--master-port", type=_positive(int), metavar="P",
                       help="port of the master's worker channel (default: 5557)")
    parser.set_defaults(func=_run)
