"""Checking a published draw: replay it and, for an ASTI-1 results object, its commitment.

A citizen holds the results and the published applicant list; from those alone this module
re-derives the seed, checks the commitment, replays ACS-DRAW-1 and names the first discrepancy.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from harness.fairness.replay import (
    ALGORITHM,
    CanonicalList,
    derive_seed,
    replay_draw,
    results_digest,
    seed_commitment,
)

_HEX = re.compile(r"(?:[0-9a-fA-F]{2})*")

__all__ = ["Check", "MalformedResult", "Verification", "verify_published"]


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class Verification:
    """Every check made on one published draw, in the order they were made."""

    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    @property
    def failures(self) -> list[Check]:
        return [check for check in self.checks if not check.ok]


class MalformedResult(ValueError):
    """The result document lacks a field, or a field has the wrong type."""


def verify_published(result: dict[str, object], applicants: CanonicalList) -> Verification:
    """Verify a ``harness draw --json`` output or an ASTI-1 results object against the list."""
    checks: list[Check] = []
    seed = _hex_field(result, "seed", 32)
    if "seed_commitment" in result:
        checks += _commitment_checks(result, seed)
    primary = _id_list(result, "primary")
    reserve = _id_list(result, "reserve")
    round_id = _text_field(result, "round_id")
    checks.append(_equal("algorithm", result.get("algorithm"), ALGORITHM))
    checks.append(_equal("applicants", result.get("applicants"), len(applicants)))
    checks.append(
        _equal("applicants_digest", result.get("applicants_digest"), applicants.digest.hex())
    )
    replay = replay_draw(round_id, applicants, len(primary), len(reserve), seed)
    checks.append(_compare_lists("primary", primary, replay.primary))
    checks.append(_compare_lists("reserve", reserve, replay.reserve))
    if "results_digest" in result:
        expected = results_digest(replay.as_dict())
        checks.append(_equal("results_digest", result.get("results_digest"), expected))
    return Verification(checks)


def _commitment_checks(result: dict[str, object], seed: bytes) -> list[Check]:
    server_seed = _hex_field(result, "server_seed", 32)
    beacon_text = result.get("beacon") or ""
    if not isinstance(beacon_text, str):
        raise MalformedResult("field 'beacon' must be a hex string")
    beacon = _parse_hex("beacon", beacon_text)
    commitment = seed_commitment(server_seed).hex()
    return [
        _equal("seed_commitment", str(result.get("seed_commitment", "")).lower(), commitment),
        _equal("seed derivation", seed.hex(), derive_seed(server_seed, beacon).hex()),
    ]


def _equal(name: str, published: object, expected: object) -> Check:
    if published == expected:
        return Check(name, True, f"{name} matches")
    return Check(name, False, f"{name}: published {published!r}, expected {expected!r}")


def _compare_lists(name: str, published: Sequence[str], replayed: Sequence[str]) -> Check:
    for position, (mine, theirs) in enumerate(zip(published, replayed, strict=False)):
        if mine != theirs:
            return Check(
                name,
                False,
                f"{name}[{position}] (rank {position + 1}): published {mine!r}, replay gives"
                f" {theirs!r}",
            )
    if len(published) != len(replayed):
        return Check(
            name, False, f"{name}: published {len(published)} ids, replay gives {len(replayed)}"
        )
    return Check(name, True, f"{name}: all {len(published)} positions replay")


def _text_field(result: dict[str, object], name: str) -> str:
    value = result.get(name)
    if not isinstance(value, str) or not value.isascii():
        raise MalformedResult(f"field {name!r} must be an ASCII string")
    return value


def _hex_field(result: dict[str, object], name: str, size: int) -> bytes:
    raw = _parse_hex(name, _text_field(result, name))
    if len(raw) != size:
        raise MalformedResult(f"field {name!r} must be {2 * size} hex digits")
    return raw


def _parse_hex(name: str, text: str) -> bytes:
    if not _HEX.fullmatch(text):
        raise MalformedResult(f"field {name!r} is not an even number of hex digits")
    return bytes.fromhex(text)


def _id_list(result: dict[str, object], name: str) -> list[str]:
    value = result.get(name)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise MalformedResult(f"field {name!r} must be a list of applicant ids")
    return value
