"""Built-in targets started by the harness: the reference, the alternative system, faulty variants.

``launch(spec)`` starts one as a real server process on a free loopback port, with a temporary
SQLite database, a random operator token and its output in a log file, and stops it afterwards;
the harness then reaches it over HTTP like any vendor system. ``resolve_target`` is what every
suite command calls with its ``--target``: a URL is used as given, a built-in name is launched.

The source a built-in target hands to the static scan (S-09) is its own package. For a faulty
target that is the reference plus the defect's own modifier: a directory ``source/`` in the
launch's work directory holding ``targets/reference/`` (a copy of the reference package),
``targets/faulty/<defect module>.py`` and the helper modules of ``targets/faulty/`` it imports,
and nothing else of the harness or the faulty mechanism (``harness.faulty_source``).
"""

from __future__ import annotations

import difflib
import importlib.util
import inspect
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from harness.errors import TargetError, UsageError
from harness.faulty_source import faulty_source
from harness.target import HttpTarget

__all__ = [
    "BUILTIN",
    "Builtin",
    "LaunchedTarget",
    "ResolvedTarget",
    "launch",
    "listing_order",
    "parse_spec",
    "resolve_target",
]

_TOKEN_ENV = "HARNESS_ADMIN_TOKEN"  # noqa: S105 (the variable's name, not a secret)
_LOG_LINES = 15  # lines of the target's log quoted when it fails to start
_PORT_ATTEMPTS = 3  # another process may take the free port between our probe and its bind


@dataclass(frozen=True)
class Builtin:
    """A target the harness can start: ``python -m MODULE *ARGS`` plus the server options."""

    name: str
    kind: str  # reference | alternative | faulty
    module: str
    args: tuple[str, ...]
    must_fail: tuple[str, ...]
    description: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "must_fail": list(self.must_fail),
            "description": self.description,
        }


def _catalogue() -> dict[str, Builtin]:
    from targets.faulty import DEFECTS

    entries = [
        Builtin("reference", "reference", "targets.reference", (), (),
                "the reference ASTI-1 system (FastAPI, SQLAlchemy)"),
        Builtin("alternative", "alternative", "targets.alternative", (), (),
                "a second, independently written correct ASTI-1 system"),
    ]
    entries += [
        Builtin(f"faulty:{d.name}", "faulty", "targets.faulty", (d.name,), d.must_fail,
                d.description)
        for d in DEFECTS.values()
    ]
    return {entry.name: entry for entry in entries}


BUILTIN: dict[str, Builtin] = _catalogue()


def parse_spec(spec: str, *, urls: bool = True) -> Builtin:
    """The built-in target named ``spec``; otherwise a usage error naming the valid names
    (and, with ``urls``, saying that a URL is accepted too)."""
    if spec in BUILTIN:
        return BUILTIN[spec]
    names = sorted(BUILTIN, key=listing_order)
    match = difflib.get_close_matches(spec, names, n=1, cutoff=0.5)
    hint = f" (did you mean {match[0]}?)" if match else ""
    choices = (["URL (http:// or https://)"] if urls else []) + names
    raise UsageError(
        f"unknown target {spec[:100]!r}{hint}; use --target"
        f" {', '.join(choices[:-1])} or {choices[-1]}"
    )


def listing_order(name: str) -> tuple[int, str]:
    """Reference first, then the alternative, then the faulty variants by name."""
    return ({"reference": 0, "alternative": 1}.get(BUILTIN[name].kind, 2), name)


class _Server:
    """The one live process of a launched target, and how to start it again."""

    def __init__(self, builtin: Builtin, workdir: Path, db: str, token: str, lab: bool,
                 startup_timeout: float, workers: int = 1) -> None:
        self.builtin = builtin
        self.workers = workers
        self.log_path = workdir / "target.log"
        self.db, self.token, self.lab = db, token, lab
        self.startup_timeout = startup_timeout
        self.workdir = workdir
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start_on_a_free_port(self) -> subprocess.Popen[bytes]:
        for attempt in range(_PORT_ATTEMPTS):
            self.port = _free_port()
            try:
                return self.start()
            except TargetError:
                if attempt + 1 == _PORT_ATTEMPTS or "already in use" not in self._log_tail():
                    raise
        raise AssertionError("unreachable")

    def start(self) -> subprocess.Popen[bytes]:
        """Start the process on ``self.port`` and wait until ``/healthz`` answers."""
        command = [sys.executable, "-m", self.builtin.module, *self.builtin.args,
                   "--host", "127.0.0.1", "--port", str(self.port), "--db", self.db,
                   "--admin-token", self.token] + (["--lab"] if self.lab else [])
        if self.workers > 1:
            command += ["--workers", str(self.workers)]
        with self.log_path.open("ab") as log:
            # A session of its own: a kill reaches every server process it forked (--workers).
            self.process = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
                command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                cwd=self.workdir, env=_child_environment(), start_new_session=True,
            )
        try:
            self._wait_healthy(self.process)
        except BaseException:
            self.kill()
            raise
        return self.process

    def _wait_healthy(self, process: subprocess.Popen[bytes]) -> None:
        give_up = time.monotonic() + self.startup_timeout
        with HttpTarget(self.base_url, deadline=2.0, connect_timeout=1.0) as probe:
            while time.monotonic() < give_up:
                if process.poll() is not None:
                    raise TargetError(
                        f"{self.builtin.name} exited with code {process.returncode} before"
                        f" answering /healthz; {self._log_tail()}"
                    )
                try:
                    probe.health()
                    return
                except TargetError:
                    time.sleep(0.1)
        raise TargetError(
            f"{self.builtin.name} did not answer /healthz within {self.startup_timeout:g} s;"
            f" {self._log_tail()}"
        )

    def _log_tail(self) -> str:
        try:
            lines = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            lines = []
        tail = " | ".join(line.strip() for line in lines[-_LOG_LINES:] if line.strip())
        return f"last lines of its log: {tail}" if tail else "its log is empty"

    def _signal_group(self, number: int) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, number)
        except (ProcessLookupError, PermissionError):
            pass

    def kill(self) -> None:
        """SIGKILL the target and every process of its session (its server workers too)."""
        self._signal_group(signal.SIGKILL)
        if self.process is not None:
            self.process.wait()

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self._signal_group(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        self.kill()  # whatever of the session is left


@dataclass(frozen=True)
class LaunchedTarget:
    """A built-in target running as a server process under the harness's control."""

    name: str  # "reference", "alternative", "faulty:NAME"
    base_url: str
    admin_token: str
    lab: bool
    source_dir: Path  # what S-09 scans (see the module's docstring for faulty targets)
    process: subprocess.Popen[bytes]  # L-04 kills it and starts it again
    _server: _Server = field(repr=False, compare=False)

    def restart(self) -> LaunchedTarget:
        """SIGKILL the target, start it again on the same port and database, wait for /healthz."""
        self._server.kill()
        return replace(self, process=self._server.start())

    def connect(self, *, deadline: float = 60.0) -> HttpTarget:
        return HttpTarget(self.base_url, self.admin_token, deadline=deadline)


@contextmanager
def launch(
    spec: str,
    *,
    db: str | None = None,
    lab: bool = True,
    workdir: Path | None = None,
    startup_timeout: float = 30.0,
    workers: int = 1,
) -> Iterator[LaunchedTarget]:
    """Start the built-in target ``spec`` for the duration of the block, then stop it.

    ``workers`` > 1 runs the reference (or a faulty variant) as that many server processes.

    Without ``workdir`` a temporary directory holds the database, the log and the faulty source,
    and is removed afterwards; a ``workdir`` given is kept. A target that exits or stays silent at
    start-up raises ``TargetError`` with the reason and the end of its log.
    """
    builtin = parse_spec(spec)
    with _workspace(workdir) as work:
        # Hex: a token starting with "-" would be read as an option by the target's parser.
        token = secrets.token_hex(32)
        if workers > 1 and builtin.kind == "alternative":
            raise UsageError("the alternative system runs as one process (workers=1)")
        server = _Server(builtin, work, db or f"sqlite:///{work / 'target.db'}", token, lab,
                         startup_timeout, workers)
        source = _source_dir(builtin, work)
        process = server.start_on_a_free_port()
        try:
            yield LaunchedTarget(builtin.name, server.base_url, server.token, lab, source,
                                 process, server)
        finally:
            server.stop()


@contextmanager
def _workspace(workdir: Path | None) -> Iterator[Path]:
    if workdir is not None:
        workdir.mkdir(parents=True, exist_ok=True)
        yield workdir
        return
    temporary = Path(tempfile.mkdtemp(prefix="harness-target-"))
    try:
        yield temporary
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _package_root() -> Path:
    """The directory holding the ``targets`` package (for the child's import path)."""
    spec = importlib.util.find_spec("targets")
    if spec is None or not spec.submodule_search_locations:
        raise UsageError("the built-in targets are not installed (package 'targets' not found)")
    return Path(next(iter(spec.submodule_search_locations))).parent


def _child_environment() -> dict[str, str]:
    env = dict(os.environ)
    env.pop(_TOKEN_ENV, None)  # the child gets its token on the command line, nothing else
    root = str(_package_root())
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _source_dir(builtin: Builtin, work: Path) -> Path:
    package = _package_root() / "targets"
    if builtin.kind != "faulty":
        return package / builtin.module.split(".")[-1]
    from targets.faulty import DEFECTS

    modifier = inspect.getsourcefile(DEFECTS[builtin.args[0]].apply)
    return faulty_source(package, Path(modifier) if modifier else None, work)


@dataclass(frozen=True)
class ResolvedTarget:
    """The system a suite command runs against: a URL as given, or a launched built-in."""

    name: str  # the URL, or the built-in's name
    base_url: str
    admin_token: str
    launched: LaunchedTarget | None  # None: the harness does not control the process
    source_dir: Path | None  # the built-in's own source, or --source for a URL

    def connect(self, *, deadline: float = 60.0) -> HttpTarget:
        return HttpTarget(self.base_url, self.admin_token, deadline=deadline)


@contextmanager
def resolve_target(
    spec_or_url: str,
    admin_token: str | None = None,
    *,
    db: str | None = None,
    lab: bool = True,
    source: Path | None = None,
    workdir: Path | None = None,
    startup_timeout: float = 30.0,
) -> Iterator[ResolvedTarget]:
    """``--target`` of every suite command: a URL needs an operator token (``admin_token`` or
    HARNESS_ADMIN_TOKEN); a built-in name is launched with its own token for the block."""
    if "://" in spec_or_url:
        token = admin_token or os.environ.get(_TOKEN_ENV)
        if not token:
            raise UsageError(f"--target URL needs --admin-token T (or {_TOKEN_ENV})")
        with HttpTarget(spec_or_url, token) as checked:  # refuses what is not an http(s) URL
            url = checked.base_url
        yield ResolvedTarget(url, url, token, None, source)
        return
    with launch(spec_or_url, db=db, lab=lab, workdir=workdir,
                startup_timeout=startup_timeout) as launched:
        yield ResolvedTarget(launched.name, launched.base_url, launched.admin_token, launched,
                             launched.source_dir)
