"""Starting the reference: ``harness serve`` and ``python -m targets.reference``."""

from __future__ import annotations

import ast
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from _refkit import ADMIN, REPO, running_server, start_server
from _systems import drawn_round, free_port
from sqlalchemy import create_engine, text

from harness.cli import main
from harness.target import HttpTarget
from targets.reference.app import create_app
from targets.reference.config import Settings
from targets.reference.db import SCHEMA_VERSION


@pytest.mark.parametrize("target", ["faulty:no_lock", "nonsense"])
def test_serve_refuses_targets_that_do_not_exist_yet(
    target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", "--target", target]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "--target reference" in err


def test_serve_rejects_an_unsupported_database(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--target", "reference", "--db", "mysql://x/y", "--admin-token",
                 "t"]) == 2
    assert "unsupported database" in capsys.readouterr().err


def test_the_reference_never_imports_the_harness() -> None:
    for source in (REPO / "targets").rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            assert not any(n.split(".")[0] == "harness" for n in names), source
            if source.relative_to(REPO).parts[1] == "alternative":  # shares nothing with the first
                assert not any(n.startswith("targets.reference") for n in names), source


@pytest.mark.slow
def test_harness_serve_runs_a_real_server(tmp_path: Path) -> None:
    """Started from the command line: healthz, the contract document, streamed 413, a token
    from the environment, lab mode switched on, and the instance key created where named."""
    port = free_port()
    key_file = tmp_path / "keys" / "served.key"
    command = [sys.executable, "-m", "harness", "serve", "--target", "reference", "--port",
               str(port), "--db", f"sqlite:///{tmp_path / 'served.db'}", "--lab",
               "--key-file", str(key_file)]
    env = {"HARNESS_ADMIN_TOKEN": ADMIN, "PATH": "/usr/bin:/bin"}
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                health = httpx.get(base + "/healthz", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        assert health.json()["contract"] == "ASTI-1"
        assert "server" not in health.headers  # no framework banner
        assert httpx.get(base + "/openapi.json").json()["openapi"].startswith("3.")
        chunks = (b" " * 65536 for _ in range(40))
        big = httpx.post(base + "/v1/rounds", content=chunks,
                         headers={"Authorization": f"Bearer {ADMIN}"})
        assert (big.status_code, big.json()["error"]) == (413, "payload_too_large")
        seeds = httpx.post(base + "/v1/lab/server-seeds", json={"count": 2},
                           headers={"Authorization": f"Bearer {ADMIN}"})
        assert seeds.status_code == 200 and len(seeds.content) == 64
        assert httpx.get(base + "/healthz/").status_code == 404
    finally:
        process.terminate()
        output = process.communicate(timeout=15)[0].decode()
    assert "operator token" not in output  # the token came from the environment
    assert "instance key created" in output and key_file.stat().st_mode & 0o077 == 0
    assert not (tmp_path / "served.db.key").exists()


@pytest.mark.slow
def test_acknowledged_deposits_survive_a_kill_and_restart(db_url: str, tmp_path: Path) -> None:
    """L-04: SIGKILL right after the 201s; the restarted server still has every deposit."""
    process, base = start_server(db_url, tmp_path)
    try:
        with HttpTarget(base, ADMIN) as t:
            tokens, result = drawn_round(t, "R-crash", 30, 20, 5, 10)
            paid = [t.deposit("R-crash", tokens[a], 10, "k") for a in result["primary"]]
            assert {r.status_code for r in paid} == {201}
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    with running_server(db_url, tmp_path) as base, HttpTarget(base, ADMIN) as t:
        kept = {e["deposit_id"] for e in t.ledger("R-crash")}
        assert kept == {r.json()["deposit_id"] for r in paid}
        assert t.results("R-crash") == result
        assert t.me("R-crash", tokens[result["primary"][0]])["deposit"] is not None


def start_refused(argv: list[str], env: dict[str, str] | None = None) -> str:
    """Run a start-up command that must refuse: exit 2 with one line on stderr (returned)."""
    done = subprocess.run([sys.executable, "-m", *argv], cwd=REPO, capture_output=True,
                          text=True, timeout=120, env=env)
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    return done.stderr


def set_schema_version(db_url: str, version: str | None) -> None:
    """A database made by the reference, then marked as another (or no) schema version."""
    create_app(Settings(admin_token=ADMIN, database_url=db_url)).state.service.close()
    engine = create_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM meta WHERE key = 'schema_version'"))
            if version is not None:
                conn.execute(text("INSERT INTO meta (key, value) VALUES ('schema_version', :v)"),
                             {"v": version})
    finally:
        engine.dispose()


def test_a_database_of_the_current_schema_version_opens_again(db_url: str) -> None:
    for _ in range(2):
        create_app(Settings(admin_token=ADMIN, database_url=db_url)).state.service.close()
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            found = conn.execute(
                text("SELECT value FROM meta WHERE key = 'schema_version'")).scalar_one()
    finally:
        engine.dispose()
    assert found == SCHEMA_VERSION


@pytest.mark.slow
def test_a_database_of_another_schema_version_is_refused_at_start(db_url: str) -> None:
    set_schema_version(db_url, "1")
    port = str(free_port())
    err = start_refused(["targets.reference", "--db", db_url, "--admin-token", ADMIN,
                         "--port", port])
    assert err.startswith("error: the database has schema version 1,")
    assert f"needs {SCHEMA_VERSION}" in err and "no migration" in err
    err = start_refused(["harness", "serve", "--target", "reference", "--db", db_url,
                         "--admin-token", ADMIN, "--port", port])
    assert err.startswith("harness serve: error: the database has schema version 1,")


@pytest.mark.slow
def test_a_database_from_before_schema_versions_is_refused_at_start(sqlite_url: str) -> None:
    set_schema_version(sqlite_url, None)
    err = start_refused(["targets.reference", "--db", sqlite_url, "--admin-token", ADMIN,
                         "--port", str(free_port())])
    assert "schema version 1 (unrecorded)" in err


@pytest.mark.slow
def test_a_failed_start_does_not_show_the_database_password() -> None:
    url = f"postgresql+psycopg://alice:s3cr%40t@127.0.0.1:{free_port()}/db"
    err = start_refused(["targets.reference", "--db", url, "--admin-token", ADMIN,
                         "--port", str(free_port())])
    assert err.startswith("error: cannot open the database postgresql+psycopg://alice:***@")
    assert "s3cr" not in err


@pytest.mark.slow
@pytest.mark.parametrize("token", ["caf\u00e9", "tab\there", " padded", "\u06f1\u06f2\u06f3"])
def test_an_operator_token_that_can_never_match_is_refused_at_start(
    token: str, sqlite_url: str
) -> None:
    err = start_refused(["targets.reference", "--db", sqlite_url, "--admin-token", token,
                         "--port", str(free_port())])
    assert "printable ASCII" in err
    env = {"HARNESS_ADMIN_TOKEN": token, "PATH": "/usr/bin:/bin"}
    err = start_refused(["harness", "serve", "--target", "reference", "--db", sqlite_url,
                         "--port", str(free_port())], env=env)
    assert err.startswith("harness serve: error: the operator token must be printable ASCII")
