"""The load generator's capacity and the reference's deposit rush, side by side in one run.

For SQLite and (when reachable) PostgreSQL, with one and two server processes
(``python -m targets.reference --workers N``): the harness's locust generator first calls
/healthz back to back (its capacity against the cheapest request, and the system's HTTP stack),
then a round whose every applicant is a winner pays in one rush. Deposits/s and deposit p99 are
printed as ratios to /healthz of the same configuration: absolute figures drift on a shared
machine, ratios measured minutes apart much less. Goal on PostgreSQL: deposits >= 0.5x /healthz.

Generator, server and database share this machine's cores, so when the cores are the limit the
ratio is what the CPU per request allows: the CPU columns (generator, server processes,
PostgreSQL sessions, per request) account for it ("cpu ratio"), and "ceiling" is the ratio
the same generator and database would allow a server whose deposit cost no more than a /healthz.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from math import isnan, nan
from pathlib import Path
from typing import Any

from benchmarks._cpu import APPLICATION, cpu_seconds, database_sessions, process_tree
from benchmarks._databases import postgres_url, scratch_schema
from harness.launcher import launch
from harness.load.generator import Generator, Rush
from harness.load.plan import health_scripts, plan, registration_scripts
from harness.load.settings import LoadSettings, RoundSize
from harness.load.statistics import percentile
from harness.seeds import RunSeed
from harness.synthetic import people
from harness.target import HttpTarget

USERS = int(os.environ.get("BENCH_LOAD_USERS", 32))
PAYERS = int(os.environ.get("BENCH_LOAD_PAYERS", 3000))
SECONDS = float(os.environ.get("BENCH_LOAD_HEALTHZ_SECONDS", 5))


def _settings() -> LoadSettings:
    return LoadSettings(round=RoundSize(PAYERS + 1, PAYERS, 0), thresholds=("deposit p99 < 1 s",),
                        users=USERS, spawn_rate=1000, baseline_seconds=SECONDS, duration=300,
                        request_timeout=30)


def _payers(client: HttpTarget, gen: Generator, settings: LoadSettings) -> tuple[str, list[Any]]:
    """A drawn round of PAYERS + 1 applicants and PAYERS primary slots; the winners' scripts."""
    seed = RunSeed.fresh()
    round_id = seed.round_id("bench-load")
    client.create_round(round_id, PAYERS, 0, settings.deposit_amount)
    rush = gen.run(plan("registration", client.base_url, round_id, settings,
                        registration_scripts(people(seed.rng("people"), PAYERS + 1))))
    tokens = {r["applicant_id"]: r["token"] for r in rush.registrations if r["status"] == 201}
    client.close_registration(round_id)
    client.commit(round_id)
    primary = client.draw(round_id)["primary"]
    scripts = [{"kind": "pay", "role": "primary", "behaviour": "plain", "applicant_id": aid,
                "token": tokens[aid], "keys": [f"k{i}", f"k{i}b"], "polls": 0}
               for i, aid in enumerate(primary)]
    return round_id, scripts


def _figures(rush: Rush, endpoint: str) -> tuple[float, float, float, float]:
    """Requests/s, p99 ms, the generator's busiest share of a core, its CPU ms per request."""
    latencies = rush.samples.latencies(endpoint)
    rate = len(latencies) / rush.samples.wall_s
    generator_ms = 1000 * sum(node["cpu_s"] for node in rush.cpu) / max(len(latencies), 1)
    return rate, percentile(latencies, 99), rush.generator_cpu_share, generator_ms


class _Meter:
    """CPU seconds of the server's processes and, on a local PostgreSQL, of its sessions."""

    def __init__(self, server_pid: int, monitor: str | None) -> None:
        self.server_pid, self.monitor = server_pid, monitor

    def read(self) -> tuple[float | None, dict[int, float]]:
        server = cpu_seconds(process_tree(self.server_pid))
        sessions = database_sessions(self.monitor) if self.monitor else []
        return server, {pid: cpu_seconds([pid]) or 0.0 for pid in sessions}

    @staticmethod
    def spent(before: tuple[float | None, dict[int, float]],
              after: tuple[float | None, dict[int, float]]) -> tuple[float, float]:
        """(server, database) CPU seconds between two readings; NaN where unknown."""
        server = nan if before[0] is None or after[0] is None else after[0] - before[0]
        database = sum(cpu - before[1].get(pid, 0.0) for pid, cpu in after[1].items())
        return server, database if after[1] else nan


def _per_request(seconds: float, rush: Rush, endpoint: str) -> float:
    """Milliseconds of CPU per request of ``endpoint`` in ``rush``."""
    return 1000 * seconds / max(len(rush.samples.latencies(endpoint)), 1)


def _configuration(db: str, workers: int, monitor: str | None) -> dict[str, float]:
    settings = _settings()
    with tempfile.TemporaryDirectory() as work, \
            launch("reference", db=db, workers=workers) as target, \
            Generator(Path(work)) as gen, \
            HttpTarget(target.base_url, target.admin_token, deadline=120) as client:
        meter = _Meter(target.process.pid, monitor)
        start = meter.read()
        health = gen.run(plan("healthz", target.base_url, None, settings,
                              health_scripts(settings)))
        h_server, _ = meter.spent(start, meter.read())
        round_id, scripts = _payers(client, gen, settings)
        start = meter.read()
        paying = gen.run(plan("deposit", target.base_url, round_id, settings, scripts,
                              amount=settings.deposit_amount))
        d_server, d_database = meter.spent(start, meter.read())
        statuses = paying.samples.summary("deposit")["statuses"]
    h_rate, h_p99, h_cpu, h_gen = _figures(health, "healthz")
    d_rate, d_p99, d_cpu, d_gen = _figures(paying, "deposit")
    return {"healthz_rate": h_rate, "healthz_p99": h_p99, "healthz_cpu": h_cpu,
            "deposit_rate": d_rate, "deposit_p99": d_p99, "deposit_cpu": d_cpu,
            "gen_ms_healthz": h_gen, "gen_ms_deposit": d_gen,
            "created": statuses.get("201", 0),
            "server_ms_healthz": _per_request(h_server, health, "healthz"),
            "server_ms_deposit": _per_request(d_server, paying, "deposit"),
            "db_ms_deposit": _per_request(d_database, paying, "deposit")}


@contextmanager
def _database(kind: str, postgres: str | None) -> Iterator[str]:
    if kind == "postgresql" and postgres is not None:
        with scratch_schema(postgres, APPLICATION) as url:
            yield url
        return
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite:///{Path(folder) / 'bench.db'}"


def _cpu_ratio(f: dict[str, float], server_ms_deposit: float) -> float:
    """The ratio the machine's CPU allows when it is the limit (generator, server and database
    share its cores): all CPU spent per /healthz over all CPU spent per deposit."""
    database = 0.0 if isnan(f["db_ms_deposit"]) else f["db_ms_deposit"]
    return ((f["gen_ms_healthz"] + f["server_ms_healthz"])
            / (f["gen_ms_deposit"] + server_ms_deposit + database))


def main() -> None:
    postgres = postgres_url()
    print(f"\nload: locust generator, {USERS} clients; /healthz for {SECONDS:g} s, then"
          f" {PAYERS} winners pay at once (python -m benchmarks load)")
    print(f"  {'database':<11} {'workers':>7} {'healthz/s':>10} {'deposits/s':>11} {'ratio':>6}"
          f" {'h p99 ms':>9} {'d p99 ms':>9} {'p99 ratio':>9} {'gen cpu':>8}"
          f" {'gen ms/h':>9} {'gen ms/d':>9} {'srv ms/h':>9} {'srv ms/d':>9} {'db ms/d':>8}"
          f" {'cpu ratio':>9} {'ceiling':>8}")
    for kind in ("sqlite", "postgresql"):
        if kind == "postgresql" and postgres is None:
            print("  (PostgreSQL not reachable: set HARNESS_TEST_POSTGRES_URL to include it)")
            continue
        for workers in (1, 2):
            with _database(kind, postgres) as db:
                f = _configuration(db, workers, postgres if kind == "postgresql" else None)
            print(f"  {kind:<11} {workers:>7} {f['healthz_rate']:>10.0f}"
                  f" {f['deposit_rate']:>11.0f} {f['deposit_rate'] / f['healthz_rate']:>6.2f}"
                  f" {f['healthz_p99']:>9.1f} {f['deposit_p99']:>9.1f}"
                  f" {f['deposit_p99'] / f['healthz_p99']:>9.2f}"
                  f" {max(f['healthz_cpu'], f['deposit_cpu']):>8.2f}"
                  f" {f['gen_ms_healthz']:>9.2f} {f['gen_ms_deposit']:>9.2f}"
                  f" {f['server_ms_healthz']:>9.2f} {f['server_ms_deposit']:>9.2f}"
                  f" {f['db_ms_deposit']:>8.2f} {_cpu_ratio(f, f['server_ms_deposit']):>9.2f}"
                  f" {_cpu_ratio(f, f['server_ms_healthz']):>8.2f}"
                  + ("" if f["created"] == PAYERS else f"  ({f['created']} of {PAYERS} paid)"))
    print("  ratio: deposits/s over /healthz/s of the same configuration; gen cpu: the"
          " generator's busiest share of one core (0.9 and up: the generator was the limit);"
          " srv ms/h, srv ms/d: CPU ms the server's processes spent per /healthz and per deposit;"
          " db ms/d: CPU ms of its PostgreSQL sessions per deposit (nan: not measurable here);"
          " gen ms/h, gen ms/d: the generator's CPU ms per request; cpu ratio: all CPU per"
          " /healthz over all CPU per deposit, the ratio this machine allows when its cores are"
          " the limit; ceiling: the same if the server spent no more CPU on a deposit than on a"
          " /healthz (what the generator and the database alone allow)")
