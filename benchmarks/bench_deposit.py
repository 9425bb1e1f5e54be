"""POST deposits against GET /healthz on the same reference server, same client concurrency.

For SQLite, and for PostgreSQL when one is reachable (HARNESS_TEST_POSTGRES_URL, else the local
default below), start ``python -m targets.reference`` as its own process, prepare a drawn round
whose every applicant is a primary, then alternate batches of /healthz and of fresh (201)
deposits from THREADS client threads. /healthz is the cost of the HTTP stack alone, so the
deposit/healthz ratios show what the deposit's transaction (round lock, checks, ledger row, audit
entry, commit) adds; absolute figures drift on shared machines, ratios much less.
"""

from __future__ import annotations

import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from benchmarks._databases import postgres_url, scratch_schema

THREADS = int(os.environ.get("BENCH_DEPOSIT_THREADS", 16))
DEPOSITS = int(os.environ.get("BENCH_DEPOSIT_N", 1500))  # per batch
ROUNDS = 2
TOKEN = "bench-operator-token"  # noqa: S105 (a throwaway token for a local server)
REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Batch:
    name: str
    seconds: float
    latencies: list[float]

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds

    def quantile(self, q: float) -> float:
        return statistics.quantiles(self.latencies, n=100)[int(q * 100) - 1]


def _national_id(n: int) -> str:
    prefix = f"{n:09d}"
    r = sum(int(d) * (10 - i) for i, d in enumerate(prefix)) % 11
    return prefix + str(r if r < 2 else 11 - r)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def _server(db_url: str) -> Iterator[str]:
    port = _free_port()
    command = [sys.executable, "-m", "targets.reference", "--port", str(port), "--db", db_url,
               "--admin-token", TOKEN]
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=15)


def _pool(client_count: int) -> httpx.Client:
    limits = httpx.Limits(max_connections=client_count, max_keepalive_connections=client_count)
    return httpx.Client(timeout=60, limits=limits)


def _prepare(base: str, client: httpx.Client, count: int) -> tuple[str, list[str]]:
    """A drawn round in which all ``count`` applicants are primaries; returns their tokens."""
    rid = "bench-" + secrets.token_hex(4)
    op = {"Authorization": f"Bearer {TOKEN}"}
    body = {"round_id": rid, "primary_slots": count, "reserve_slots": 0, "deposit_amount": 100}
    client.post(f"{base}/v1/rounds", json=body, headers=op).raise_for_status()

    def register(i: int) -> str:
        person = {"national_id": _national_id(100_000 + i), "name": "B", "region": "R"}
        response = client.post(f"{base}/v1/rounds/{rid}/registrations", json=person)
        response.raise_for_status()
        token: str = response.json()["token"]
        return token

    with ThreadPoolExecutor(THREADS) as pool:
        tokens = list(pool.map(register, range(count)))
    for step in ("close", "commit", "draw"):
        client.post(f"{base}/v1/rounds/{rid}/{step}", json={}, headers=op).raise_for_status()
    return rid, tokens


def _batch(name: str, count: int, request: Callable[[int], httpx.Response]) -> Batch:
    latencies: list[float] = []
    lock = threading.Lock()

    def one(i: int) -> None:
        start = time.perf_counter()
        response = request(i)
        elapsed = time.perf_counter() - start
        if response.status_code not in (200, 201):
            raise RuntimeError(f"{name}: {response.status_code} {response.text[:200]}")
        with lock:
            latencies.append(elapsed)

    start = time.perf_counter()
    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(one, range(count)))
    return Batch(name, time.perf_counter() - start, latencies)


def _measure(base: str) -> dict[str, Batch]:
    """Alternate healthz and deposit batches; keep the best (least disturbed) of each."""
    with _pool(THREADS) as client:
        rid, tokens = _prepare(base, client, DEPOSITS * ROUNDS)
        best: dict[str, Batch] = {}
        for r in range(ROUNDS):
            mine = tokens[r * DEPOSITS : (r + 1) * DEPOSITS]

            def health(_: int) -> httpx.Response:
                return client.get(f"{base}/healthz")

            def deposit(i: int, mine: list[str] = mine) -> httpx.Response:
                headers = {"Authorization": f"Bearer {mine[i]}", "Idempotency-Key": f"k{i}"}
                return client.post(f"{base}/v1/rounds/{rid}/deposits", json={"amount": 100},
                                   headers=headers)

            batches = (_batch("healthz", DEPOSITS, health), _batch("deposit", DEPOSITS, deposit))
            for batch in batches:
                if batch.name not in best or batch.throughput > best[batch.name].throughput:
                    best[batch.name] = batch
        return best


@contextmanager
def _databases() -> Iterator[Iterator[tuple[str, str]]]:
    """(label, URL) for SQLite and, when reachable, PostgreSQL in a scratch schema."""
    with tempfile.TemporaryDirectory() as folder:
        pg = postgres_url()

        def listing() -> Iterator[tuple[str, str]]:
            yield "sqlite", f"sqlite:///{folder}/bench.db"
            if pg is not None:
                with scratch_schema(pg) as url:
                    yield "postgresql", url

        yield listing()


def main() -> None:
    print(f"\ndeposit vs healthz: {THREADS} client threads, {DEPOSITS} requests per batch,"
          f" best of {ROUNDS} alternating batches")
    print(f"  {'database':<11} {'endpoint':<9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    with _databases() as databases:
        for label, url in databases:
            with _server(url) as base:
                got = _measure(base)
            for batch in got.values():
                print(f"  {label:<11} {batch.name:<9} {batch.throughput:>8.0f}"
                      f" {batch.quantile(0.5) * 1000:>8.2f} {batch.quantile(0.99) * 1000:>8.2f}")
            h, d = got["healthz"], got["deposit"]
            print(f"  {label:<11} ratio deposit/healthz:"
                  f" throughput {d.throughput / h.throughput:.2f}x,"
                  f" p50 {d.quantile(0.5) / h.quantile(0.5):.2f}x,"
                  f" p99 {d.quantile(0.99) / h.quantile(0.99):.2f}x")
    if postgres_url() is None:
        print("  (PostgreSQL not reachable: set HARNESS_TEST_POSTGRES_URL to include it)")


if __name__ == "__main__":
    main()
