"""A round of the real size through the reference's HTTP API, against ``harness draw``.

The first real draw had 4,175,352 registrants for 176,911 cars and about 12,000 reserves. For each
size N (default a quick 100,000; the report's figures are at 1,000,000 and 4,200,000) and each
database (PostgreSQL when HARNESS_TEST_POSTGRES_URL is set, and SQLite):

1. start ``python -m targets.reference`` on an empty database and create a round over HTTP with
   K = 176,911 and R = 12,000 scaled by N / 4,200,000;
2. set up: bulk-load N registrations straight into its database (COPY on PostgreSQL, executemany
   on SQLite; random 16-character ids, random token hashes, unique national keys), then VACUUM
   ANALYZE on PostgreSQL, as autovacuum would after weeks of registration;
3. over HTTP: close, commit, draw; then 95% of the primaries pay (deposit rows written straight
   into the database: 95% of K HTTP deposits would measure the deposit path, not the close), and
   ``deposits/close`` twice (drawn -> promotion, promotion -> final);
4. the same ids as a Python list go through ``harness.fairness.replay.replay_draw`` five times,
   between the steps (one with the draw's published seed); their median is the ``harness draw``
   time every HTTP step is divided by, and their spread shows how noisy the machine was.

The published draw must equal the harness replay, else the benchmark stops. The server's peak
resident memory (VmHWM) is read from /proc before it stops.

    python -m benchmarks scale [--sizes 1000000,4200000] [--databases postgresql,sqlite]
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from harness.fairness.replay import replay_draw

REAL_N, REAL_K, REAL_R = 4_200_000, 176_911, 12_000
PAY_FRACTION = 0.95
AMOUNT = 1000
TOKEN = "bench-scale-operator-token"  # noqa: S105 (a throwaway token for a local server)
PG_ENV = "HARNESS_TEST_POSTGRES_URL"
REPO = Path(__file__).resolve().parents[1]
_CHUNK = 200_000
_ALPHABET = np.frombuffer(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-", np.uint8
)
_HEX = np.frombuffer(b"0123456789abcdef", np.uint8)
_COLUMNS = "round_id, applicant_id, national_key, name, region, token_hash, registered_at"


def slots(n: int) -> tuple[int, int]:
    """K and R of the real round, scaled to ``n`` applicants."""
    return round(REAL_K * n / REAL_N), round(REAL_R * n / REAL_N)


def make_ids(n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` distinct random 16-character ids of ``[A-Za-z0-9_-]`` (fixed-width bytes)."""
    while True:
        ids = _ALPHABET[rng.integers(0, 64, size=(n, 16))].view("S16").ravel()
        if len(np.unique(ids)) == n:  # 96 random bits: a collision is all but impossible
            return ids


def _random_hex(rows: int, rng: np.random.Generator) -> np.ndarray:
    """(rows, 64) ASCII hex digits of 32 random bytes each."""
    nibbles = rng.integers(0, 16, size=(rows, 64), dtype=np.uint8)
    return _HEX[nibbles]


def _text_column(rows: int, value: bytes) -> np.ndarray:
    return np.broadcast_to(np.frombuffer(value, np.uint8), (rows, len(value)))


def _columns(round_id: str, ids: np.ndarray, rng: np.random.Generator) -> list[np.ndarray]:
    """The seven loaded columns of one chunk as fixed-width ASCII grids, in ``_COLUMNS`` order."""
    rows = len(ids)
    regions = np.char.zfill((np.arange(rows) % 31).astype(str), 2).astype("S2")
    region = np.concatenate([_text_column(rows, b"region-"),
                             regions.view(np.uint8).reshape(rows, 2)], axis=1)
    return [
        _text_column(rows, round_id.encode()),
        ids.view(np.uint8).reshape(rows, 16),
        _random_hex(rows, rng),  # national key: 256 random bits, unique in practice
        _text_column(rows, b"Bench Applicant"),
        region,
        _random_hex(rows, rng),  # token hash
        _text_column(rows, b"2026-01-02T03:04:05.000000Z"),
    ]


def _chunks(round_id: str, ids: np.ndarray, seed: int) -> Iterator[list[np.ndarray]]:
    rng = np.random.default_rng(seed)
    for start in range(0, len(ids), _CHUNK):
        yield _columns(round_id, ids[start : start + _CHUNK], rng)


def load_postgres(engine: Engine, round_id: str, ids: np.ndarray) -> None:
    """COPY the registrations in, then VACUUM ANALYZE (what autovacuum does after a big load)."""
    with engine.connect() as conn:
        driver = conn.connection.driver_connection
        assert driver is not None
        with driver.cursor() as cursor:
            with cursor.copy(f"COPY applicants ({_COLUMNS}) FROM STDIN") as copy:
                for columns in _chunks(round_id, ids, seed=1):
                    rows = len(columns[0])
                    sep = _text_column(rows, b"\t")
                    cells = [part for column in columns for part in (column, sep)]
                    cells[-1] = _text_column(rows, b"\n")
                    copy.write(np.concatenate(cells, axis=1).tobytes())
        driver.commit()
        driver.autocommit = True
        driver.execute("VACUUM ANALYZE applicants")
        driver.autocommit = False


def load_sqlite(path: str, round_id: str, ids: np.ndarray) -> None:
    with sqlite3.connect(path, timeout=60) as conn:
        marks = ", ".join("?" * 7)
        for columns in _chunks(round_id, ids, seed=1):
            text = [np.ascontiguousarray(c).view(f"S{c.shape[1]}").ravel().astype(str).tolist()
                    for c in columns]
            insert = f"INSERT INTO applicants ({_COLUMNS}) VALUES ({marks})"  # noqa: S608 (constants)
            conn.executemany(insert,
                             zip(*text, strict=True))


def pay(engine: Engine, round_id: str, primary: list[str], rng: np.random.Generator) -> int:
    """Deposits straight into the ledger for a random ``PAY_FRACTION`` of the primaries."""
    payers = [primary[int(i)] for i in
              rng.permutation(len(primary))[: int(len(primary) * PAY_FRACTION)]]
    select = (
        "INSERT INTO deposits (deposit_id, round_id, applicant_id, national_key, amount,"
        " idempotency_key, created_at) SELECT 'dep_' || applicant_id, round_id, applicant_id,"
        " national_key, :amount, 'bench', '2026-01-03T00:00:00.000000Z' FROM applicants"
        " WHERE round_id = :rid AND applicant_id"
    )
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            values = {"rid": round_id, "aids": payers, "amount": AMOUNT}
            conn.execute(text(select + " = ANY(:aids)"), values)
        else:
            many = [{"rid": round_id, "aid": a, "amount": AMOUNT} for a in payers]
            conn.execute(text(select + " = :aid"), many)
    return len(payers)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def _server(db_url: str, folder: str) -> Iterator[tuple[str, int]]:
    """``python -m targets.reference`` as its own process: (base URL, pid)."""
    port = _free_port()
    command = [sys.executable, "-m", "targets.reference", "--port", str(port), "--db", db_url,
               "--admin-token", TOKEN]
    log_path = Path(folder) / f"server-{port}.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start:\n{log_path.read_text()}")
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield base, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _peak_rss(pid: int) -> int | None:
    """The process's peak resident set (bytes), from /proc; None where there is no /proc."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


@contextmanager
def _database(label: str, folder: str) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, or a PostgreSQL schema dropped afterwards."""
    if label == "sqlite":
        yield f"sqlite:///{folder}/bench-{secrets.token_hex(4)}.db"
        return
    base = os.environ[PG_ENV]
    schema = "bench_" + secrets.token_hex(4)
    admin = create_engine(base)
    try:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
        url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        admin.dispose()


def _post(client: httpx.Client, path: str, body: dict[str, Any] | None) -> tuple[float, Any]:
    """(seconds, parsed body) of one operator POST that must succeed."""
    start = time.perf_counter()
    response = client.post(path, json=body)
    seconds = time.perf_counter() - start
    if response.status_code not in (200, 201):
        raise RuntimeError(f"POST {path}: {response.status_code} {response.text[:300]}")
    return seconds, response.json()


def _replay(round_id: str, ids: list[str], k: int, r: int, seed: bytes) -> tuple[float, Any]:
    start = time.perf_counter()
    outcome = replay_draw(round_id, ids, k, r, seed)
    return time.perf_counter() - start, outcome


def run_round(label: str, url: str, n: int, folder: str) -> dict[str, Any]:
    """One round of ``n`` applicants on one database: setup, then each HTTP step between two
    replays of ``harness draw`` (so the baseline is sampled at the load level of every step)."""
    rng = np.random.default_rng(n)
    ids = make_ids(n, rng)
    id_list = ids.astype(str).tolist()
    k, r = slots(n)
    rid = f"bench-scale-{n}"
    steps: dict[str, float] = {}
    replays: list[float] = []

    def replay(seed: bytes) -> Any:
        seconds, outcome = _replay(rid, id_list, k, r, seed)
        replays.append(seconds)
        return outcome

    headers = {"Authorization": f"Bearer {TOKEN}"}
    with _server(url, folder) as (base, pid), \
            httpx.Client(base_url=base, timeout=3600, headers=headers) as client:
        _post(client, "/v1/rounds", {"round_id": rid, "primary_slots": k, "reserve_slots": r,
                                     "deposit_amount": AMOUNT})
        engine = create_engine(url)
        start = time.perf_counter()
        if label == "postgresql":
            load_postgres(engine, rid, ids)
        else:
            load_sqlite(make_url(url).database or "", rid, ids)
        setup = time.perf_counter() - start
        replay(b"\x07" * 32)
        steps["close"], closed = _post(client, f"/v1/rounds/{rid}/close", None)
        replay(b"\x08" * 32)
        steps["commit"], _ = _post(client, f"/v1/rounds/{rid}/commit", {"beacon_source": "bench"})
        steps["draw"], published = _post(client, f"/v1/rounds/{rid}/draw", {"beacon": "beef"})
        same = replay(bytes.fromhex(published["seed"]))
        if (same.primary, same.reserve, same.applicants_digest, closed["applicants"]) != (
            published["primary"], published["reserve"], published["applicants_digest"], n
        ):
            raise RuntimeError("the published draw differs from the harness replay")
        paid = pay(engine, rid, published["primary"], rng)
        engine.dispose()
        replay(b"\x09" * 32)
        steps["deposits/close (drawn)"], opened = _post(
            client, f"/v1/rounds/{rid}/deposits/close", {"expected_state": "drawn"})
        steps["deposits/close (promotion)"], _ = _post(
            client, f"/v1/rounds/{rid}/deposits/close", {"expected_state": "promotion"})
        replay(b"\x0a" * 32)
        if len(opened["promoted"]) != min(k - paid, len(published["reserve"])):
            raise RuntimeError(f"promoted {len(opened['promoted'])} after {paid} of {k} paid")
        rss = _peak_rss(pid)
    return {"label": label, "n": n, "k": k, "r": r, "setup": setup, "steps": steps,
            "replays": replays, "rss": rss, "paid": paid, "promoted": len(opened["promoted"])}


def print_round(got: dict[str, Any]) -> None:
    base = statistics.median(got["replays"])
    print(f"\nscale: {got['label']}, N={got['n']:,} K={got['k']:,} R={got['r']:,}"
          f" (setup: bulk load {got['setup']:.1f} s, not timed below)")
    print(f"  {'step':<38} {'seconds':>9} {'/ harness draw':>15}")
    spread = f"median of {len(got['replays'])}"
    print(f"  {'harness draw (replay, ' + spread + ')':<38} {base:>9.2f} {1:>14.2f}x"
          f"   (samples {min(got['replays']):.2f} to {max(got['replays']):.2f} s)")
    for step, seconds in got["steps"].items():
        print(f"  {'HTTP ' + step:<38} {seconds:>9.2f} {seconds / base:>14.2f}x")
    rss = "unknown" if got["rss"] is None else f"{got['rss'] / 2**20:,.0f} MiB"
    print(f"  server peak RSS {rss}; {got['paid']:,} of {got['k']:,} primaries paid,"
          f" {got['promoted']:,} reserves promoted")


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(part.replace("_", "")) for part in text.split(",") if part]
    except ValueError:
        message = f"{text!r} is not a comma-separated list of sizes"
        raise argparse.ArgumentTypeError(message) from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes must be positive")
    return sizes


def _names(text: str) -> list[str]:
    names = [part for part in text.split(",") if part]
    unknown = [name for name in names if name not in ("postgresql", "sqlite")]
    if unknown or not names:
        raise argparse.ArgumentTypeError("databases are postgresql and/or sqlite")
    return names


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks scale",
                                     description="a round of the real size over HTTP")
    parser.add_argument("--sizes", type=_sizes, default=[100_000],
                        help="applicants per round, comma-separated (default 100000; the"
                             " report's sizes are 1000000,4200000)")
    parser.add_argument("--databases", type=_names, default=["postgresql", "sqlite"],
                        help="postgresql (needs $%(prog)s) and/or sqlite".replace(
                            "%(prog)s", PG_ENV))
    args = parser.parse_args(argv or [])
    chosen = list(args.databases)
    if "postgresql" in chosen and not os.environ.get(PG_ENV):
        print(f"\nscale: {PG_ENV} is not set, PostgreSQL skipped")
        chosen.remove("postgresql")
    with tempfile.TemporaryDirectory() as folder:
        for label in chosen:
            for n in args.sizes:
                with _database(label, folder) as url:
                    print_round(run_round(label, url, n, folder))
