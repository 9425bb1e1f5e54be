"""The run's own rounds: created, filled with synthetic people and moved to the state a check needs.

Every round is named ``lab-<run part>-s<purpose>`` and every person comes from the run seed, so a
rerun with the same seed sends the same requests. Each applicant's token is registered with the
redactor as soon as it is issued, so no evidence ever quotes it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from harness.errors import TargetProtocolError
from harness.security.context import ProbeContext
from harness.synthetic import Person, people

__all__ = ["Applicant", "RoundFixture", "make_round", "register"]

_STATES = ("registration", "closed", "committed", "drawn", "promotion", "final")


@dataclass(frozen=True)
class Applicant:
    applicant_id: str
    token: str
    person: Person
    issued_at: float  # time.time() when the registration's answer arrived


@dataclass
class RoundFixture:
    round_id: str
    applicants: list[Applicant]
    state: str = "registration"
    commitment: dict[str, Any] | None = None
    commit_window: tuple[float, float] | None = None  # epoch seconds around the commit call
    results: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def register(ctx: ProbeContext, round_id: str, person: Person, label: str) -> Applicant:
    """Register ``person``; the token is redacted from all evidence under ``label``."""
    exchange = ctx.send("POST", f"/v1/rounds/{round_id}/registrations", caller="public",
                        json_body=person.body())
    body = ctx.expect(exchange, 201)
    if not isinstance(body, dict) or not all(
        isinstance(body.get(key), str) and body.get(key) for key in ("applicant_id", "token")
    ):
        raise TargetProtocolError(
            f"POST /v1/rounds/{round_id}/registrations: no applicant_id and token in the answer",
            method="POST", path=exchange.path, status=exchange.status)
    ctx.recorder.redact.add(body["token"], f"applicant token {label}")
    return Applicant(body["applicant_id"], body["token"], person, time.time())


def make_round(ctx: ProbeContext, purpose: str, *, size: int, primary: int, reserve: int = 0,
               until: str = "registration", beacon_source: str = "",
               beacon_hex: str | None = None) -> RoundFixture:
    """Create round ``purpose`` with ``size`` people and move it to state ``until``."""
    if until not in _STATES[:4]:
        raise ValueError(f"cannot prepare a round in state {until!r}")
    round_id = ctx.round_id(purpose)
    body = {"round_id": round_id, "primary_slots": primary, "reserve_slots": reserve,
            "deposit_amount": ctx.settings.deposit_amount}
    ctx.expect(ctx.operator("POST", "/v1/rounds", body), 201)
    crowd = people(ctx.run_seed.rng("security", "people", purpose), size)
    fixture = RoundFixture(round_id, [register(ctx, round_id, person, f"{purpose}-{i + 1}")
                                      for i, person in enumerate(crowd)])
    for state in _STATES[1:_STATES.index(until) + 1]:
        _advance(ctx, fixture, state, beacon_source, beacon_hex)
    return fixture


def _advance(ctx: ProbeContext, fixture: RoundFixture, state: str, beacon_source: str,
             beacon_hex: str | None) -> None:
    base = f"/v1/rounds/{fixture.round_id}"
    if state == "closed":
        ctx.expect(ctx.operator("POST", base + "/close"), 200)
    elif state == "committed":
        began = time.time()
        answer = ctx.expect(ctx.operator("POST", base + "/commit",
                                         {"beacon_source": beacon_source}), 200)
        fixture.commit_window = (began, time.time())
        fixture.commitment = answer if isinstance(answer, dict) else {}
    elif state == "drawn":
        answer = ctx.expect(ctx.operator("POST", base + "/draw", {"beacon": beacon_hex}), 200)
        fixture.results = answer if isinstance(answer, dict) else {}
    fixture.state = state
