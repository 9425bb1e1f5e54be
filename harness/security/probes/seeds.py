"""S-05: the seed is committed before the draw and cannot be predicted.

Real rounds: the commitment is published at commit (and no answer before the draw shows the
server seed), the drawn results carry the same commitment, it equals
SHA-256("ACS-COMMIT-1" || 0x00 || server_seed), it never equals the seed or the server seed, and
the seed derives from the server seed and the beacon. Server seeds (revealed ones and
``lab_seed_samples`` from the lab source) are unique and, as hex text, go through the opaque
analysis of S-04. Each revealed seed and the lab seeds are searched for among the weak
constructions of ``harness.security.weak_seeds``; the report states that search's limits.
"""

from __future__ import annotations

import hashlib
import time

from harness.errors import TargetProtocolError
from harness.results import Message, Severity
from harness.security.context import ProbeContext
from harness.security.exchange import Exchange
from harness.security.findings import finding
from harness.security.fixtures import RoundFixture, make_round
from harness.security.opaque import analyse
from harness.security.probes.tokens import LIMITS, judge_opaque
from harness.security.registry import ProbeReport, check
from harness.security.weak_seeds import clock_candidates, describe_limits, random_candidates

__all__ = ["seed_unpredictability"]

_FIX = Message.of("security.s05.fix",
                  "draw the server seed from the operating system's CSPRNG at commit (32 bytes,"
                  " e.g. secrets.token_bytes(32)), publish only its commitment, keep it secret"
                  " until the draw")
_DRAW = "contract:POST /v1/rounds/{rid}/draw"
_COMMIT = "contract:POST /v1/rounds/{rid}/commit"


def _hex(value: object, size: int) -> bytes | None:
    try:
        raw = bytes.fromhex(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return raw if raw is not None and len(raw) == size else None


def _bad(report: ProbeReport, rule: str, text: str, location: str, exchanges: list[Exchange],
         severity: Severity = Severity.HIGH, cwe: int | None = 330, **params: object) -> None:
    report.add(finding("S-05", f"S-05/{rule}", severity,
                       Message.of(f"security.s05.{rule.replace('-', '_')}", text, **params),
                       _FIX, cwe=cwe, location=location, exchanges=exchanges))


def _real_round(ctx: ProbeContext, report: ProbeReport, i: int) -> tuple[RoundFixture, bytes]:
    beacon = ctx.run_seed.derive("security", "s05-beacon", i)[:16].hex()
    fixture = make_round(ctx, f"05r{i}", size=3, primary=1, reserve=1, until="committed")
    before = [ctx.send("GET", f"/v1/rounds/{fixture.round_id}/results", caller="public"),
              ctx.send("GET", f"/v1/rounds/{fixture.round_id}", caller="public")]
    if before[0].ok:
        _bad(report, "results-before-draw", "results of {round} were published before its draw",
             "contract:GET /v1/rounds/{rid}/results", before[:1], round=fixture.round_id)
    drawn = ctx.operator("POST", f"/v1/rounds/{fixture.round_id}/draw", {"beacon": beacon})
    results = ctx.expect(drawn, 200)
    results = results if isinstance(results, dict) else {}
    commitment = (fixture.commitment or {}).get("seed_commitment")
    server_seed = _hex(results.get("server_seed"), 32)
    if server_seed is None or _hex(commitment, 32) is None:
        _bad(report, "no-commitment", "round {round} published no 32-byte commitment at commit or"
             " no 32-byte server seed at the draw", _DRAW, [drawn], round=fixture.round_id)
        return fixture, b""
    _check_commitment(report, fixture, results, server_seed, beacon, drawn)
    shown = [e for e in before if server_seed.hex() in e.body.lower()]
    if shown:
        _bad(report, "seed-shown-early", "the server seed of {round} was visible before the draw",
             _COMMIT, shown, cwe=200, round=fixture.round_id)
    return fixture, server_seed


def _check_commitment(report: ProbeReport, fixture: RoundFixture, results: dict[str, object],
                      server_seed: bytes, beacon: str, drawn: Exchange) -> None:
    commitment = str((fixture.commitment or {}).get("seed_commitment")).lower()
    expected = hashlib.sha256(b"ACS-COMMIT-1\x00" + server_seed).hexdigest()
    seed = hashlib.sha256(b"ACS-SEED-1\x00" + server_seed + bytes.fromhex(beacon)).hexdigest()
    published = str(results.get("seed_commitment")).lower()
    problems = []
    if published != commitment:
        problems.append("the results carry another commitment than the one published at commit")
    if commitment != expected:
        problems.append("the commitment does not match the revealed server seed")
    if commitment in (server_seed.hex(), str(results.get("seed")).lower()):
        problems.append("the commitment equals the seed")
    if str(results.get("seed")).lower() != seed:
        problems.append("the seed does not derive from the server seed and the beacon")
    for problem in problems:
        _bad(report, "commitment", "round {round}: {problem}", _DRAW, [drawn], cwe=345,
             round=fixture.round_id, problem=problem)


def _lab_seeds(ctx: ProbeContext, report: ProbeReport) -> tuple[list[bytes], tuple[float, float]]:
    count = ctx.settings.lab_seed_samples
    began = time.time()
    if count == 0:
        return [], (began, began)
    exchange = ctx.operator("POST", "/v1/lab/server-seeds", {"count": count})
    if exchange.status == 404:
        report.not_assessed.append(Message.of(
            "security.s05.no_lab", "the lab seed source (lab mode is off): only the revealed"
            " seeds of real rounds were examined"))
        return [], (began, time.time())
    ctx.expect(exchange, 200)
    raw = exchange.content
    if len(raw) != 32 * count:
        raise TargetProtocolError(
            f"POST /v1/lab/server-seeds: expected {32 * count} bytes, got {len(raw)}",
            method="POST", path=exchange.path, status=exchange.status)
    return [raw[i:i + 32] for i in range(0, len(raw), 32)], (began, time.time())


def _weak(ctx: ProbeContext, report: ProbeReport, seeds: dict[bytes, str],
          windows: list[tuple[float, float]]) -> None:
    settings = ctx.settings
    start, end = min(w[0] for w in windows), max(w[1] for w in windows)
    candidates = clock_candidates(start, end, settings.seed_time_window)
    candidates.update(random_candidates(settings.random_seed_bound))
    report.measure("weak_candidates", len(candidates))
    report.evidence["weak_constructions"] = describe_limits(settings.seed_time_window,
                                                           settings.random_seed_bound)
    for seed, origin in seeds.items():
        if seed in candidates:
            _bad(report, "weak-seed", "the server seed {seed} of {origin} is reproduced by a weak"
                 " construction: {how}", _COMMIT, [], cwe=338, seed=seed.hex(), origin=origin,
                 how=candidates[seed])
    report.not_assessed.append(Message.of(
        "security.s05.limits", "constructions outside the search: {limits}",
        limits=describe_limits(settings.seed_time_window, settings.random_seed_bound),
        window=settings.seed_time_window, bound=settings.random_seed_bound - 1))


@check("S-05", "seed-unpredictability")
def seed_unpredictability(ctx: ProbeContext, report: ProbeReport) -> None:
    revealed: dict[bytes, str] = {}
    windows = []
    for i in range(ctx.settings.real_rounds):
        fixture, seed = _real_round(ctx, report, i)
        if seed:
            if seed in revealed:
                _bad(report, "repeated-seed", "rounds {a} and {b} revealed the same server seed",
                     _COMMIT, [], cwe=340, a=revealed[seed], b=fixture.round_id)
            revealed[seed] = fixture.round_id
            windows.append(fixture.commit_window or (time.time(), time.time()))
    report.measure("real_rounds", ctx.settings.real_rounds)
    lab, window = _lab_seeds(ctx, report)
    seeds = dict(revealed)
    for n, seed in enumerate(lab):
        seeds.setdefault(seed, f"lab seed {n}")
    if lab:
        windows.append(window)
        combined = list(revealed) + lab
        judge_opaque(report, analyse([s.hex() for s in combined], ctx.settings.alpha),
                     requirement="S-05", what="server_seeds",
                     bound=ctx.settings.seed_capacity_bits,
                     location="contract:POST /v1/lab/server-seeds", fix=_FIX)
        report.not_assessed.append(LIMITS)
    elif len(revealed) != ctx.settings.real_rounds:
        report.inconclusive = Message.of("security.s05.no_seeds",
                                         "too few server seeds were revealed to judge")
    if windows:
        _weak(ctx, report, seeds, windows)
