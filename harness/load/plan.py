"""The plans of the rushes: what every simulated client does, decided in advance from the seed.

A plan is plain data (JSON) handed to the generator process: the rush's settings and one
*script* per client. Scripts are shuffled with a generator seeded from the run seed, so the same
seed and profile send the same requests (their interleaving is the system's and the network's).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from harness.load.settings import LoadSettings
from harness.seeds import RunSeed
from harness.synthetic import Person

__all__ = ["Applicant", "deposit_scripts", "plan", "registration_scripts", "results_scripts"]


@dataclass(frozen=True)
class Applicant:
    """A registered synthetic applicant as the rushes know it (the token is the client's)."""

    applicant_id: str
    token: str
    role: str  # primary | reserve | loser


def plan(phase: str, base_url: str, round_id: str | None, settings: LoadSettings,
         scripts: Sequence[dict[str, Any]], *, amount: int = 0) -> dict[str, Any]:
    """The whole plan of one rush (what ``harness.load._worker`` reads)."""
    return {
        "phase": phase, "base_url": base_url, "round_id": round_id, "amount": amount,
        "users": settings.users, "spawn_rate": settings.spawn_rate,
        "arrival_rate": settings.arrival_rate, "duration": settings.duration,
        "request_timeout": settings.request_timeout,
        "short_timeout": settings.behaviour.short_timeout,
        "max_attempts": settings.max_attempts, "retry_backoff": settings.retry_backoff,
        "retry_backoff_cap": settings.retry_backoff_cap, "scripts": list(scripts),
    }


def health_scripts(settings: LoadSettings) -> list[dict[str, Any]]:
    """Every user calls /healthz back to back for ``baseline_seconds``: the generator's capacity."""
    return [{"kind": "health", "seconds": settings.baseline_seconds}
            for _ in range(settings.users)]


def registration_scripts(people: Sequence[Person]) -> list[dict[str, Any]]:
    return [{"kind": "register", "i": i, "person": person.body()}
            for i, person in enumerate(people)]


def results_scripts(applicants: Sequence[Applicant], share: float, rng: np.random.Generator
                    ) -> list[dict[str, Any]]:
    """The minute results appear: a share of the applicants read /me and /results."""
    count = round(share * len(applicants))
    chosen = rng.permutation(len(applicants))[:count].tolist()
    return [{"kind": "read", "token": applicants[i].token} for i in chosen]


def _payers(primaries: Sequence[Applicant], settings: LoadSettings, rng: np.random.Generator,
            key: Any) -> list[dict[str, Any]]:
    mix = settings.behaviour
    order = rng.permutation(len(primaries)).tolist()
    cuts = np.cumsum([round(mix.timeout_retry * len(order)), round(mix.double_new_key * len(order)),
                      round(mix.simultaneous * len(order))])
    names = ("timeout_retry", "double_new_key", "simultaneous")
    scripts = []
    for rank, i in enumerate(order):
        behaviour = next((names[j] for j, cut in enumerate(cuts) if rank < cut), "plain")
        who = primaries[i]
        scripts.append({"kind": "pay", "role": who.role, "behaviour": behaviour,
                        "applicant_id": who.applicant_id, "token": who.token,
                        "keys": [key(), key()], "polls": 1})
    return scripts


def _impostors(losers: Sequence[Applicant], primaries: Sequence[Applicant], count: int,
               rng: np.random.Generator, key: Any) -> list[dict[str, Any]]:
    """Half pay with a loser's token naming a winner in the body; half with a made-up token."""
    scripts: list[dict[str, Any]] = []
    for n in range(count if losers and primaries else 0):
        claimed = primaries[int(rng.integers(len(primaries)))].applicant_id
        if n % 2 == 0:
            who = losers[int(rng.integers(len(losers)))]
            scripts.append({"kind": "impostor", "role": "impostor", "behaviour": "names_winner",
                            "applicant_id": who.applicant_id, "token": who.token,
                            "claimed": claimed, "keys": [key()]})
        else:
            forged = rng.bytes(24).hex()
            scripts.append({"kind": "impostor", "role": "impostor", "behaviour": "forged_token",
                            "applicant_id": None, "token": forged, "claimed": claimed,
                            "keys": [key()]})
    return scripts


def deposit_scripts(applicants: Sequence[Applicant], settings: LoadSettings, run_seed: RunSeed,
                    purpose: str) -> list[dict[str, Any]]:
    """Winners pay (some misbehaving), reserves and losers poll /me and try to pay, impostors."""
    rng = run_seed.rng("load", purpose, "deposit-scripts")
    counter = iter(range(10**9))

    def key() -> str:
        return f"{run_seed.run_part}-{purpose}-{next(counter)}"

    primaries = [a for a in applicants if a.role == "primary"]
    others = [a for a in applicants if a.role != "primary"]
    losers = [a for a in applicants if a.role == "loser"] or others
    scripts = _payers(primaries, settings, rng, key)
    scripts += [{"kind": "hope", "role": who.role, "behaviour": "polls_then_pays",
                 "applicant_id": who.applicant_id, "token": who.token, "keys": [key()],
                 "polls": settings.behaviour.me_polls} for who in others]
    scripts += _impostors(losers, primaries, settings.behaviour.impostors, rng, key)
    return [scripts[i] for i in rng.permutation(len(scripts)).tolist()]
