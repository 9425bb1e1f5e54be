"""The rounds the load suite runs its rushes on: created, registered under load, drawn.

A round goes through the registration rush, the operator's close, commit and draw, and comes out
as the applicants the rushes play (each with its token and its role in the published results).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from harness.load.generator import Generator, Rush
from harness.load.plan import Applicant, plan, registration_scripts
from harness.load.settings import LoadSettings, RoundSize
from harness.seeds import RunSeed
from harness.synthetic import people
from harness.target import HttpTarget

__all__ = ["PreparedRound", "RoundProblem", "prepare_round"]


class RoundProblem(RuntimeError):
    """The round could not be prepared for a rush (too few registrations went through)."""


@dataclass(frozen=True)
class PreparedRound:
    round_id: str
    applicants: list[Applicant]
    registration: Rush
    results: dict[str, Any]

    @property
    def entitled(self) -> frozenset[str]:
        """Who may pay while the round is ``drawn``: the published primaries."""
        return frozenset(a.applicant_id for a in self.applicants if a.role == "primary")


def _registered(rush: Rush) -> list[tuple[str, str]]:
    found = []
    for record in rush.registrations:
        aid, token = record.get("applicant_id"), record.get("token")
        if record.get("status") == 201 and isinstance(aid, str) and isinstance(token, str):
            found.append((aid, token))
    return found


def prepare_round(client: HttpTarget, generator: Generator, settings: LoadSettings,
                  size: RoundSize, run_seed: RunSeed, purpose: str,
                  progress: Callable[[str, int, int | None], None]) -> PreparedRound:
    """Create the round, register its applicants in a rush, close, commit and draw it."""
    round_id = run_seed.round_id(f"load-{purpose}")
    client.create_round(round_id, size.primary_slots, size.reserve_slots, settings.deposit_amount)
    persons = people(run_seed.rng("load", purpose, "people"), size.applicants)

    def report(message: dict[str, Any]) -> None:
        progress(f"load: registering ({purpose})", int(message.get("done", 0)), len(persons))

    rush = generator.run(plan("registration", client.base_url, round_id, settings,
                              registration_scripts(persons)), report)
    registered = _registered(rush)
    if len(registered) <= size.primary_slots:
        raise RoundProblem(f"only {len(registered)} of {len(persons)} registrations went through,"
                           f" not more than the {size.primary_slots} primary slots")
    client.close_registration(round_id)
    client.commit(round_id, "load suite: no beacon")
    results = client.draw(round_id, run_seed.derive("load", purpose, "beacon").hex())
    primary, reserve = set(results.get("primary", [])), set(results.get("reserve", []))
    applicants = [
        Applicant(aid, token, "primary" if aid in primary else
                  "reserve" if aid in reserve else "loser")
        for aid, token in registered
    ]
    return PreparedRound(round_id, applicants, rush, results)
