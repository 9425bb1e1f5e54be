"""Starting the alternative: wrong settings, keys kept outside the database, harness serve."""

from __future__ import annotations

import os
import socket
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from _altkit import ADMIN, REPO, Server
from _systems import drawn_round, free_port, national_id

from harness.cli import main
from harness.target import HttpTarget


def start_fails(*args: str, env: dict[str, str] | None = None) -> str:
    """Run ``python -m targets.alternative`` expecting exit 2; returns its one stderr line."""
    command = [sys.executable, "-m", "targets.alternative", "--admin-token", ADMIN, *args]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=60,
                          env={**os.environ, **(env or {})})
    assert done.returncode == 2, done
    line = done.stderr.strip()
    assert line and "\n" not in line and "Traceback" not in line, done.stderr
    return line


def test_wrong_settings_are_one_line_and_exit_2(tmp_path: Path) -> None:
    port = str(free_port())
    db = str(tmp_path / "a.db")
    assert "SQLite" in start_fails("--port", port, "--db", "postgresql+psycopg://u@h/d")
    assert "does not exist" in start_fails("--port", port, "--db", "/no/such/dir/a.db")
    assert "directory" in start_fails("--port", port, "--db", str(tmp_path))
    assert "--port" in start_fails("--port", "70000", "--db", db)
    assert "error" in start_fails("--port", "eighty", "--db", db)
    assert "error" in start_fails("--port", port, "--db", db, "--no-such-option")
    assert "cannot be resolved" in start_fails("--port", port, "--db", db, "--host", "no.such.")
    assert "token" in start_fails("--port", port, "--db", db, "--admin-token", "two words")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        assert "cannot listen" in start_fails("--port", str(busy.getsockname()[1]), "--db", db)


def test_a_database_of_another_kind_is_refused(tmp_path: Path) -> None:
    port = str(free_port())
    foreign = tmp_path / "foreign.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE rounds (id TEXT)")
    assert "another system" in start_fails("--port", port, "--db", str(foreign))
    text = tmp_path / "notes.db"
    text.write_text("this is not a database, just some text that is long enough to matter" * 20)
    assert "not a usable SQLite database" in start_fails("--port", port, "--db", str(text))


def test_the_key_must_match_the_database_and_be_private(tmp_path: Path) -> None:
    server = Server(tmp_path / "k.db", extra=["--key-file", str(tmp_path / "first.key")])
    server.start()
    server.stop()
    key = tmp_path / "first.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    port = str(free_port())
    other = ["--port", port, "--db", str(tmp_path / "k.db")]
    assert "another key" in start_fails(*other, "--key-file", str(tmp_path / "second.key"))
    assert "another key" in start_fails(*other, env={"ALTERNATIVE_MASTER_KEY": "ab" * 32})
    assert "64 hex" in start_fails(*other, env={"ALTERNATIVE_MASTER_KEY": "xyz"})
    key.chmod(0o644)
    assert "chmod 600" in start_fails(*other, "--key-file", str(key))
    key.chmod(0o600)
    server.start()  # the right key opens it again
    server.stop()


def test_no_secret_is_stored_in_the_clear(tmp_path: Path) -> None:
    server = Server(tmp_path / "s.db")
    server.start()
    try:
        with HttpTarget(server.url, ADMIN) as target:
            tokens, results = drawn_round(target, "S-1", 12, 3, 3, 10, first=800_000)
            target.create_round("S-2", 1, 1, 10)
            target.register("S-2", "0008000026", "Name", "Region")
            target.close_registration("S-2")
            target.commit("S-2")
    finally:
        server.stop()
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("s.db*") if p.suffix != ".key")
    for n in range(800_000, 800_012):
        assert national_id(n).encode() not in stored
    assert b"0008000026" not in stored
    assert not any(token.encode() in stored for token in tokens.values())
    assert ADMIN.encode() not in stored
    with sqlite3.connect(tmp_path / "s.db") as conn:
        sealed = dict(conn.execute("SELECT round_id, sealed_seed FROM round").fetchall())
    server_seed = bytes.fromhex(results["server_seed"])
    assert server_seed not in sealed["S-1"] and server_seed.hex().encode() not in sealed["S-1"]
    assert len(sealed["S-2"]) == 12 + 32 + 16  # nonce, seed, tag: sealed until its draw


def test_the_database_refuses_to_rewrite_history(tmp_path: Path) -> None:
    server = Server(tmp_path / "h.db")
    server.start()
    try:
        with HttpTarget(server.url, ADMIN) as target:
            tokens, results = drawn_round(target, "H-1", 5, 2, 1, 10, first=810_000)
            target.deposit("H-1", tokens[results["primary"][0]], 10, "k")
    finally:
        server.stop()
    conn = sqlite3.connect(tmp_path / "h.db")
    for statement in (
        "UPDATE deposit SET amount = 1", "DELETE FROM deposit", "DELETE FROM audit",
        "UPDATE audit SET event = 'x'", "UPDATE outcome SET document = '{}'",
        "DELETE FROM placement", "UPDATE placement SET rank = 9",
        "UPDATE round SET state = 'registration'", "UPDATE round SET state = 'final'",
        "DELETE FROM round", "DELETE FROM applicant",
        "INSERT INTO deposit SELECT 'pay-x', round_id, applicant_id, x'00', 10, 'k2', 't'"
        " FROM deposit",
    ):
        with pytest.raises(sqlite3.DatabaseError):
            conn.execute(statement)
    conn.close()


@pytest.mark.slow
def test_harness_serve_runs_the_alternative(tmp_path: Path) -> None:
    port = free_port()
    command = [sys.executable, "-m", "harness", "serve", "--target", "alternative", "--port",
               str(port), "--db", str(tmp_path / "served.db"), "--lab"]
    env = {**os.environ, "HARNESS_ADMIN_TOKEN": ADMIN}
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        health = _wait(base)
        assert health.json()["contract"] == "ASTI-1" and "server" not in health.headers
        seeds = httpx.post(base + "/v1/lab/server-seeds", json={"count": 2},
                           headers={"Authorization": f"Bearer {ADMIN}"})
        assert seeds.status_code == 200 and len(seeds.content) == 64
    finally:
        process.terminate()
        output = process.communicate(timeout=15)[0].decode()
    assert "operator token" not in output and (tmp_path / "served.db.key").exists()


def _wait(base: str) -> httpx.Response:
    for _ in range(300):
        try:
            return httpx.get(base + "/healthz", timeout=1)
        except httpx.HTTPError:
            time.sleep(0.1)
    raise AssertionError("the server did not come up")


def test_harness_serve_reports_wrong_settings_in_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["serve", "--target", "alternative", "--port", str(free_port()), "--db",
                 "postgresql+psycopg://u@h/d", "--admin-token", "t"])
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "SQLite" in err
