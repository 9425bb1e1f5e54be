"""``python -m harness.load._worker``: the load generator process (locust, headless).

Locust monkey-patches the whole process through gevent, so it runs here and never in the
harness's own process. Three modes:

- ``local``: one process runs every simulated user;
- ``master --expect-workers N``: waits for N workers, hands each its share of every rush and
  collects what they recorded (locust's own master/worker engine);
- ``worker --master-host H``: runs users for a master, possibly on another machine.

``local`` and ``master`` take commands from the harness as JSON lines on stdin (``{"op":
"phase", "plan": FILE, "out": FILE}`` or ``{"op": "quit"}``) and answer with JSON lines on
stdout (``ready``, ``progress``, ``done``, ``error``); plans and recordings travel as files.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from typing import Any

import gevent
from gevent.fileobject import FileObjectPosix
from locust.env import Environment  # importing locust monkey-patches this process

from harness.load._scenario import NODE, RushUser

__all__ = ["main"]

_PROGRESS_EVERY = 0.25  # seconds between progress lines
_COLLECT_TIMEOUT = 60.0  # seconds a master waits for its workers' recordings


def _emit(event: str, **fields: Any) -> None:
    sys.stdout.write(json.dumps({"event": event, **fields}) + "\n")
    sys.stdout.flush()


def _configure_users(plan: dict[str, Any]) -> None:
    RushUser.host = plan["base_url"]
    RushUser.network_timeout = float(plan["request_timeout"])
    RushUser.connection_timeout = float(plan["request_timeout"])
    # A simultaneous payment holds two requests at once on one user's connection pool.
    RushUser.concurrency = 4


def _wait(until: Callable[[], bool], deadline: float, report: Callable[[], None]) -> bool:
    """Poll ``until`` (reporting progress) until it holds or the wall clock passes ``deadline``."""
    last = 0.0
    while not until():
        if time.time() > deadline:
            return False
        if time.time() - last >= _PROGRESS_EVERY:
            report()
            last = time.time()
        gevent.sleep(0.05)
    report()
    return True


class _Local:
    """Runs a rush in this process."""

    def __init__(self, env: Environment) -> None:
        self.env = env
        self.runner = env.create_local_runner()

    def phase(self, plan: dict[str, Any]) -> dict[str, Any]:
        _configure_users(plan)
        self.env.host = plan["base_url"]
        NODE.reset(plan)
        self.runner.start(int(plan["users"]), float(plan["spawn_rate"]))
        finished = _wait(lambda: NODE.idle, NODE.deadline,
                         lambda: _emit("progress", **NODE.progress()))
        self.runner.stop()
        return {"nodes": [NODE.result()], "completed": finished, "workers": 0}

    def close(self) -> None:
        self.runner.quit()


class _Master:
    """Hands each worker its share of a rush through locust's master/worker messages."""

    def __init__(self, env: Environment, args: argparse.Namespace) -> None:
        self.env, self.expect = env, args.expect_workers
        self.runner = env.create_master_runner(args.bind_host, args.bind_port)
        self.inbox: dict[str, dict[str, Any]] = {}
        self.hello: set[str] = set()
        for kind in ("lab_progress", "lab_done", "lab_results"):
            self.runner.register_message(kind, self._receive)
        self.runner.register_message("lab_hello", self._greet)
        self.clients: list[str] = []
        if not _wait(lambda: len(self._ready()) >= self.expect,
                     time.time() + args.workers_timeout, lambda: None):
            raise RuntimeError(f"{len(self._ready())} of {self.expect} workers connected"
                               f" within {args.workers_timeout:g} s")

    def _greet(self, environment: Environment, msg: Any, **_: Any) -> None:
        self.hello.add(msg.node_id)

    def _ready(self) -> list[str]:
        """Workers ready for a rush that have said they can take one (their handlers are in)."""
        return sorted(c.id for c in self.runner.clients.ready if c.id in self.hello)

    def _receive(self, environment: Environment, msg: Any, **_: Any) -> None:
        self.inbox.setdefault(msg.type, {})[msg.node_id] = msg.data

    def _gathered(self, kind: str) -> bool:
        return all(client in self.inbox.get(kind, {}) for client in self.clients)

    def _progress(self) -> None:
        seen = self.inbox.get("lab_progress", {}).values()
        _emit("progress", **{k: sum(int(p.get(k, 0)) for p in seen)
                             for k in ("done", "total", "acknowledged")})

    def phase(self, plan: dict[str, Any]) -> dict[str, Any]:
        _configure_users(plan)
        self.env.host = plan["base_url"]
        if not _wait(lambda: len(self._ready()) >= self.expect,
                     time.time() + _COLLECT_TIMEOUT, lambda: None):
            raise RuntimeError("the workers did not come back ready for the next rush")
        self.clients = self._ready()[: self.expect]
        self.inbox = {}
        for index, client in enumerate(self.clients):
            self.runner.send_message("lab_phase", {"plan": plan, "index": index,
                                                   "count": len(self.clients)}, client_id=client)
        self.runner.start(int(plan["users"]), float(plan["spawn_rate"]))
        finished = _wait(lambda: self._gathered("lab_done"),
                         time.time() + float(plan["duration"]), self._progress)
        self.runner.stop()
        for client in self.clients:
            self.runner.send_message("lab_collect", None, client_id=client)
        if not _wait(lambda: self._gathered("lab_results"), time.time() + _COLLECT_TIMEOUT,
                     lambda: None):
            raise RuntimeError("a worker did not send its recordings back")
        nodes = [self.inbox["lab_results"][client] for client in self.clients]
        return {"nodes": nodes, "completed": finished, "workers": len(self.clients)}

    def close(self) -> None:
        self.runner.quit()


def _serve_worker(env: Environment, args: argparse.Namespace) -> int:
    runner = env.create_worker_runner(args.master_host, args.master_port)

    def on_phase(environment: Environment, msg: Any, **_: Any) -> None:
        _configure_users(msg.data["plan"])
        environment.host = msg.data["plan"]["base_url"]
        NODE.reset(msg.data["plan"], int(msg.data["index"]), int(msg.data["count"]))
        gevent.spawn(_report_to_master, runner)

    def on_collect(environment: Environment, msg: Any, **_: Any) -> None:
        runner.send_message("lab_results", NODE.result())

    runner.register_message("lab_phase", on_phase)
    runner.register_message("lab_collect", on_collect)
    # The master may greet a worker before these handlers exist; it hands out rushes only to
    # workers that said hello after registering them.
    runner.send_message("lab_hello", {})
    runner.greenlet.join()
    return 0


def _report_to_master(runner: Any) -> None:
    plan_started = NODE.started
    _wait(lambda: NODE.idle or NODE.started != plan_started, NODE.deadline,
          lambda: runner.send_message("lab_progress", NODE.progress()))
    if NODE.started == plan_started:
        runner.send_message("lab_done", NODE.progress())


def _command_loop(coordinator: _Local | _Master) -> int:
    stdin = FileObjectPosix(sys.stdin.fileno(), "rb", close=False)
    _emit("ready", workers=getattr(coordinator, "expect", 0))
    for line in stdin:
        command = json.loads(line)
        if command.get("op") != "phase":
            break
        with open(command["plan"], encoding="utf-8") as handle:
            plan = json.load(handle)
        outcome = coordinator.phase(plan)
        with open(command["out"], "w", encoding="utf-8") as handle:
            json.dump(outcome, handle)
        _emit("done", out=command["out"])
    coordinator.close()
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m harness.load._worker")
    parser.add_argument("mode", choices=("local", "master", "worker"))
    parser.add_argument("--expect-workers", type=int, default=1)
    parser.add_argument("--bind-host", default="127.0.0.1")
    parser.add_argument("--bind-port", type=int, default=5557)
    parser.add_argument("--workers-timeout", type=float, default=60.0)
    parser.add_argument("--master-host", default="127.0.0.1")
    parser.add_argument("--master-port", type=int, default=5557)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    env = Environment(user_classes=[RushUser], catch_exceptions=True)
    try:
        if args.mode == "worker":
            return _serve_worker(env, args)
        coordinator = _Local(env) if args.mode == "local" else _Master(env, args)
        return _command_loop(coordinator)
    except Exception as exc:  # noqa: BLE001 - the harness gets the reason as one event
        _emit("error", reason=f"{type(exc).__name__}: {exc}")
        traceback.print_exc(file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
