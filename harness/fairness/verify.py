"""Checking a published draw: replay it and, for an ASTI-1 results object, its commitment.

A citizen holds the results and the published applicant list; from those alone this module
re-derives the seed, checks the commitment, replays ACS-DRAW-1 and names the first discrepancy.
``verify_round`` fetches those documents from a running system itself, with no token.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from harness.errors import TargetError, UsageError
from harness.fairness.applicants import parse_applicant_lines
from harness.fairness.replay import (
    ALGORITHM,
    CanonicalList,
    derive_seed,
    replay_draw,
    results_digest,
    seed_commitment,
)
from harness.target import HttpTarget

_HEX = re.compile(r"(?:[0-9a-fA-F]{2})*")

__all__ = ["Check", "MalformedResult", "Verification", "verify_published", "verify_round"]


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
    """Verify a ``harness draw --json`` output or an ASTI-1 results object against the list.

    The replay takes K and R from the published slot fields, never from the lengths of the
    lists: a list cut short or a reserve moved into the primary list must show as a difference.
    """
    checks: list[Check] = []
    seed = _hex_field(result, "seed", 32)
    if "seed_commitment" in result:
        checks += _commitment_checks(result, seed)
    primary = _id_list(result, "primary")
    reserve = _id_list(result, "reserve")
    round_id = _text_field(result, "round_id")
    primary_slots = _slot_field(result, "primary_slots")
    reserve_slots = _slot_field(result, "reserve_slots")
    checks.append(_equal("algorithm", result.get("algorithm"), ALGORITHM))
    checks.append(_equal("applicants", result.get("applicants"), len(applicants)))
    checks.append(
        _equal("applicants_digest", result.get("applicants_digest"), applicants.digest.hex())
    )
    checks += _size_checks(len(primary), len(reserve), primary_slots, reserve_slots,
                           len(applicants))
    replay = replay_draw(round_id, applicants, primary_slots, reserve_slots, seed)
    checks.append(_compare_lists("primary", primary, replay.primary))
    checks.append(_compare_lists("reserve", reserve, replay.reserve))
    if "results_digest" in result:
        expected = results_digest(replay.as_dict())
        checks.append(_equal("results_digest", result.get("results_digest"), expected))
    return Verification(checks)


def verify_round(target: HttpTarget, round_id: str) -> Verification:
    """Fetch a round's published results, the round and its applicant list, and verify them.

    Beyond ``verify_published``: the results belong to the round asked for, their slot fields
    equal the round's slot counts, and the served list is exactly the bytes of the digest.
    A target that answers off the contract raises ``TargetError``.
    """
    result = target.results(round_id)
    round_doc = target.get_round(round_id)
    served = target.applicant_list(round_id)
    path = f"GET /v1/rounds/{round_id}/applicants"
    try:
        applicants = CanonicalList(parse_applicant_lines(served, source=path))
    except (UsageError, ValueError) as exc:
        raise TargetError(f"{path}: not a list of applicant ids ({exc})") from None
    published = verify_published(result, applicants)
    checks = [_equal("round_id", result.get("round_id"), round_id)]
    for name in ("primary_slots", "reserve_slots"):
        checks.append(_agrees_with_round(name, result.get(name), round_doc.get(name)))
    digest = hashlib.sha256(served).hexdigest()
    if digest == result.get("applicants_digest"):
        checks.append(Check("applicant list bytes", True, "the served list hashes to the digest"))
    else:
        checks.append(Check("applicant list bytes", False,
                            f"applicant list bytes: the served list hashes to {digest},"
                            f" applicants_digest is {result.get('applicants_digest')!r}"))
    return Verification(checks + published.checks)


def _agrees_with_round(name: str, published: object, in_round: Any) -> Check:
    if type(in_round) is int and published == in_round:
        return Check(name, True, f"{name} agrees with the round ({in_round})")
    return Check(name, False, f"{name}: the results say {published!r}, the round says {in_round!r}")


def _size_checks(
    primary: int, reserve: int, primary_slots: int, reserve_slots: int, applicants: int
) -> list[Check]:
    """ACS-DRAW-1: ``len(primary) == min(K, N)``, ``len(reserve) == min(K+R, N) - min(K, N)``."""
    want_primary = min(primary_slots, applicants)
    want_reserve = min(primary_slots + reserve_slots, applicants) - want_primary
    slots = f"primary_slots={primary_slots}, reserve_slots={reserve_slots}, {applicants} applicants"
    checks = []
    for name, published, wanted in (
        ("primary size", primary, want_primary),
        ("reserve size", reserve, want_reserve),
    ):
        if published == wanted:
            checks.append(Check(name, True, f"{name}: {published} ids, as the slots give"))
        else:
            checks.append(Check(name, False,
                                f"{name}: published {published} ids, {slots} give {wanted}"))
    return checks


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


def _slot_field(result: dict[str, object], name: str) -> int:
    if name not in result:
        raise MalformedResult(
            f"field {name!r} is missing: a published draw states its slot counts (ACS-DRAW-1)"
        )
    value = result[name]
    if type(value) is not int or value < 0:
        raise MalformedResult(f"field {name!r} must be a whole number, 0 or more")
    return value


def _id_list(result: dict[str, object], name: str) -> list[str]:
    value = result.get(name)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise MalformedResult(f"field {name!r} must be a list of applicant ids")
    return value
