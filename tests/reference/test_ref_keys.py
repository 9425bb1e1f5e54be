"""The instance key lives outside the database: what a copy of the database file does not reveal,
starts with a wrong or missing key, and key files created by several processes at once."""

from __future__ import annotations

import hashlib
import os
import secrets
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from _refkit import ADMIN, REPO, running_server
from _systems import free_port, national_id

from harness.target import HttpTarget
from targets.reference.keys import (
    InstanceKeys,
    create_key_file,
    default_key_file,
    parse_key,
    read_key_file,
)

RID = "R-keys"


def database_bytes(directory: Path, name: str = "reference.db") -> bytes:
    """Every byte a copy of the database would hold: the files themselves (WAL included) and
    the logical contents as SQL text (a value split across pages is whole there)."""
    files = sorted(p for p in directory.iterdir()
                   if p.name.startswith(name) and not p.name.endswith(".key"))
    raw = b"".join(p.read_bytes() for p in files)
    with sqlite3.connect(f"file:{directory / name}?mode=ro", uri=True) as conn:
        dump = "\n".join(conn.iterdump()).encode("utf-8")
    return raw + dump


def forms(secret: bytes) -> list[bytes]:
    return [secret, secret.hex().encode(), secret.hex().upper().encode()]


def test_a_copy_taken_after_commit_reveals_no_seed_no_national_id_and_no_key(
    target: HttpTarget, tmp_path: Path
) -> None:
    ids = [national_id(500_000 + 37 * i) for i in range(12)]
    target.create_round(RID, 4, 3, 100)
    applicants = [target.register(RID, nid, f"Person {i}", "north")["applicant_id"]
                  for i, nid in enumerate(ids)]
    target.close_registration(RID)
    commitment = target.commit(RID, "a future beacon pulse")["seed_commitment"]
    copy = database_bytes(tmp_path)
    result = target.draw(RID, "beef")
    assert result["seed_commitment"] == commitment
    seed = bytes.fromhex(result["server_seed"])
    assert not any(form in copy for form in forms(seed))
    for nid in ids:
        digest = hashlib.sha256(nid.encode("ascii")).digest()
        assert nid.encode("ascii") not in copy
        assert not any(form in copy for form in forms(digest))
    key_file = tmp_path / "reference.db.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = read_key_file(key_file)
    assert not any(form in copy for form in forms(key))
    assert not any(form in copy for form in forms(InstanceKeys(key).national_id))
    # The search finds what is there: applicant ids always, the seed once the draw revealed it.
    assert all(applicant.encode("ascii") in copy for applicant in applicants)
    assert result["server_seed"].encode("ascii") in database_bytes(tmp_path)


def test_sealed_seeds_open_only_for_their_round_and_key() -> None:
    keys, other = InstanceKeys(b"\x01" * 32), InstanceKeys(b"\x02" * 32)
    seed = secrets.token_bytes(32)
    sealed = keys.seal_seed("R-1", seed)
    assert keys.open_seed("R-1", sealed) == seed and seed.hex() not in sealed
    assert sealed != keys.seal_seed("R-1", seed)  # a fresh nonce each time
    for opener, round_id in ((keys, "R-2"), (other, "R-1")):
        with pytest.raises(RuntimeError, match="does not open"):
            opener.open_seed(round_id, sealed)
    tampered = sealed[:-2] + ("00" if sealed[-2:] != "00" else "01")
    with pytest.raises(RuntimeError):
        keys.open_seed("R-1", tampered)
    assert keys.fingerprint == InstanceKeys(b"\x01" * 32).fingerprint != other.fingerprint


@pytest.mark.parametrize("text", ["", "zz" * 32, "ab" * 31, "ab" * 33, "é" * 64])
def test_malformed_key_material_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="64 hex digits"):
        parse_key(text, "$REFERENCE_KEY")


def _race(path: Path, creators: int) -> tuple[list[bool], list[bytes]]:
    """``creators`` threads create ``path`` at the same instant; who wrote, and what each read."""
    barrier = threading.Barrier(creators)
    wrote: list[bool] = []
    keys: list[bytes] = []

    def create() -> None:
        barrier.wait()
        wrote.append(create_key_file(path))
        keys.append(read_key_file(path))

    threads = [threading.Thread(target=create) for _ in range(creators)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return wrote, keys


def test_concurrent_creators_in_threads_end_up_with_one_key(tmp_path: Path) -> None:
    for trial in range(20):
        path = tmp_path / f"trial-{trial}" / "instance.key"
        wrote, keys = _race(path, 8)
        assert sorted(wrote) == [False] * 7 + [True] and len(set(keys)) == 1
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert [p.name for p in path.parent.iterdir()] == ["instance.key"]  # no temporary left


_CREATOR = """
import sys, time
from pathlib import Path
from targets.reference.keys import create_key_file, read_key_file
start, paths = float(sys.argv[1]), sys.argv[2:]
for i, path in enumerate(paths):
    time.sleep(max(0.0, start + 0.05 * i - time.time()))
    wrote = create_key_file(Path(path))
    print(int(wrote), read_key_file(Path(path)).hex(), flush=True)
"""


def test_concurrent_creators_in_processes_end_up_with_one_key(tmp_path: Path) -> None:
    paths = [str(tmp_path / f"k{i}.key") for i in range(10)]
    start = time.time() + 3.0  # every process is running by then
    command = [sys.executable, "-c", _CREATOR, str(start), *paths]
    processes = [subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, text=True)
                 for _ in range(4)]
    outputs = [process.communicate(timeout=60)[0].split("\n")[:len(paths)]
               for process in processes]
    assert all(process.returncode == 0 for process in processes)
    for i in range(len(paths)):
        lines = [output[i].split() for output in outputs]
        assert sum(int(wrote) for wrote, _ in lines) == 1
        assert len({key for _, key in lines}) == 1


def refused_start(db_url: str, workdir: Path, *options: str, env: dict[str, str] | None = None
                  ) -> str:
    """Start the reference expecting a refusal; its one line of explanation."""
    command = [sys.executable, "-m", "targets.reference", "--port", str(free_port()), "--db",
               db_url, "--admin-token", ADMIN, *options]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=60,
                          env={**os.environ, **(env or {})})
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    return done.stderr


@pytest.mark.slow
def test_a_start_with_another_key_or_without_its_key_is_refused(
    db_url: str, tmp_path: Path
) -> None:
    with running_server(db_url, tmp_path) as base, HttpTarget(base, ADMIN) as t:
        t.create_round(RID, 1, 1, 100)
    other = tmp_path / "other.key"
    create_key_file(other)
    assert "not the key this database was created with" in refused_start(
        db_url, tmp_path, "--key-file", str(other))
    assert "not the key" in refused_start(db_url, tmp_path, env={"REFERENCE_KEY": "ab" * 32})
    assert "not both" in refused_start(
        db_url, tmp_path, env={"REFERENCE_KEY": "ab" * 32, "REFERENCE_KEY_FILE": str(other)})
    original = default_key_file(db_url)
    assert original is not None
    moved = original.rename(tmp_path / "moved.key")
    assert "is missing" in refused_start(db_url, tmp_path)
    assert not original.exists()  # no key was generated for a database with rounds
    # With its own key back (named on the command line this time) the database opens again.
    with running_server(db_url, tmp_path, options=["--key-file", str(moved)]) as base:
        with HttpTarget(base, ADMIN) as t:
            assert t.get_round(RID)["round_id"] == RID
