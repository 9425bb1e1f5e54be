"""Judging what a round publishes: the frozen list, the draw's results, and later reads of both.

I-01: the list and its digest are exactly the acknowledged registrations; the draw's lists are
disjoint, free of duplicates, eligible only, and sized min(K, E) and min(R, E - |primary|).
I-05: the results agree with the commitment made before the draw, every later read returns them
unchanged (the contract's fields only: a system may add fields of its own), and a second draw
never replaces them.
"""

from __future__ import annotations

import hashlib
from typing import Any

from harness.invariants.model import RoundModel
from harness.invariants.shapes import fields_problem
from harness.invariants.violations import Violation

__all__ = ["RESULT_FIELDS", "digest_of", "list_bytes", "list_problem", "redraw_problem",
           "results_change", "results_problem"]

RESULT_FIELDS = {
    "round_id": "str", "algorithm": "str", "applicants": "int", "applicants_digest": "hex64",
    "seed_commitment": "hex64", "beacon_source": "str", "server_seed": "hex64", "beacon": "str",
    "seed": "hex64", "primary_slots": "int", "reserve_slots": "int", "primary": "ids",
    "reserve": "ids", "published_at": "str", "results_digest": "hex64",
}
_LIST_FIELDS = ("applicants", "applicants_digest", "primary_slots", "reserve_slots", "primary",
                "reserve")


def list_bytes(applicant_ids: Any) -> bytes:
    """The applicant list as the contract publishes it: sorted by bytes, one id per line."""
    ordered = sorted(str(a).encode("utf-8") for a in applicant_ids)
    return b"".join(a + b"\n" for a in ordered)


def digest_of(applicant_ids: Any) -> str:
    return hashlib.sha256(list_bytes(applicant_ids)).hexdigest()


def _v(requirement: str, message_id: str, text: str, index: int, **params: Any) -> Violation:
    return Violation.of(requirement, message_id, text, index, **params)


def results_problem(
    r: RoundModel, body: dict[str, Any], beacon: str, index: int
) -> Violation | None:
    """The draw's answer judged against the frozen list and the commitment."""
    shape = fields_problem(body, RESULT_FIELDS)
    if shape:
        owner = "I-01" if any(f"'{name}'" in shape for name in _LIST_FIELDS) else "I-05"
        return _v(owner, "invariants.results_shape", "the results object {problem}", index,
                  problem=shape)
    return _lists_problem(r, body, index) or _commitment_problem(r, body, beacon, index)


def _lists_problem(r: RoundModel, body: dict[str, Any], index: int) -> Violation | None:
    eligible = set(r.eligible or ())
    k, e = r.primary_slots, len(eligible)
    primary, reserve = body["primary"], body["reserve"]
    facts = {
        "applicants": (body["applicants"], e),
        "applicants_digest": (body["applicants_digest"], r.digest),
        "primary_slots": (body["primary_slots"], k),
        "reserve_slots": (body["reserve_slots"], r.reserve_slots),
        "len(primary)": (len(primary), min(k, e)),
        "len(reserve)": (len(reserve), min(r.reserve_slots, e - min(k, e))),
    }
    for name, (got, want) in facts.items():
        if got != want:
            return _v("I-01", "invariants.results_count",
                      "the results give {name} = {observed}, the frozen list and the round's "
                      "slots require {expected}", index, name=name, observed=got, expected=want)
    drawn = list(primary) + list(reserve)
    if len(set(drawn)) != len(drawn):
        return _v("I-01", "invariants.results_duplicates",
                  "an applicant appears twice in the primary and reserve lists", index)
    strangers = sorted(set(drawn) - eligible)
    if strangers:
        return _v("I-01", "invariants.results_not_eligible",
                  "the results name {count} id(s) not on the frozen list, e.g. {example}",
                  index, count=len(strangers), example=strangers[0])
    return None


def _commitment_problem(
    r: RoundModel, body: dict[str, Any], beacon: str, index: int
) -> Violation | None:
    committed = r.commitment or {}
    facts = {
        "round_id": (body["round_id"], r.round_id),
        "algorithm": (body["algorithm"], "ACS-DRAW-1"),
        "seed_commitment": (body["seed_commitment"], committed.get("seed_commitment")),
        "beacon_source": (body["beacon_source"], committed.get("beacon_source")),
        "beacon": (body["beacon"], beacon.lower()),
    }
    for name, (got, want) in facts.items():
        if got != want:
            return _v("I-05", "invariants.results_disagree",
                      "the results publish {name} = {observed}, but {expected} was committed or "
                      "sent before the draw", index, name=name, observed=str(got)[:80],
                      expected=str(want)[:80])
    return None


def _changed_field(first: dict[str, Any], later: dict[str, Any]) -> str | None:
    return next((name for name in RESULT_FIELDS
                 if later.get(name, "<missing>") != first.get(name)), None)


def _digests(first: dict[str, Any], later: dict[str, Any]) -> dict[str, str]:
    return {"digest_before": str(first.get("results_digest")),
            "digest_after": str(later.get("results_digest", "<missing>"))[:80]}


def results_change(first: dict[str, Any], later: dict[str, Any], index: int) -> Violation | None:
    """I-05: a later read of the results differs from what the draw published."""
    name = _changed_field(first, later)
    if name is None:
        return None
    return _v("I-05", "invariants.results_changed",
              "the published results changed: {name} was {before}, now {after} (results_digest"
              " {digest_before}, now {digest_after})", index, name=name,
              before=str(first.get(name))[:120], after=str(later.get(name, "<missing>"))[:120],
              **_digests(first, later))


def redraw_problem(first: dict[str, Any], status: int | None, later: Any, index: int
                   ) -> Violation | None:
    """I-05: a draw of a round already drawn was accepted with other results than the published
    ones (a replacement of the results). None for any other answer: whether a refusal is the
    contract's is judged with the decision order, like every answer."""
    if status is None or not 200 <= status < 300 or not isinstance(later, dict):
        return None
    name = _changed_field(first, later)
    if name is None:
        return None
    moved = [a for a in ("primary", "reserve") if later.get(a) != first.get(a)] or [name]
    digests = _digests(first, later)
    return _v("I-05", "invariants.results_redrawn",
              "a second draw of a drawn round was accepted ({status}) and answered other results"
              " than those published: results_digest {digest_before}, now {digest_after}; seed"
              " {seed_before}, now {seed_after}; changed: {fields}", index, status=status,
              seed_before=str(first.get("seed")), seed_after=str(later.get("seed"))[:80],
              fields=", ".join(moved), field=name, digest_before=digests["digest_before"],
              digest_after=digests["digest_after"])


def list_problem(r: RoundModel, content: bytes, index: int) -> Violation | None:
    """I-01: the applicant list is exactly the acknowledged registrations (the digest published
    at close was already held to these bytes)."""
    want = list_bytes(r.eligible or ())
    if content != want:
        got = set(content.decode("utf-8", "replace").split("\n")) - {""}
        dropped = sorted(set(r.eligible or ()) - got)
        added = sorted(got - set(r.eligible or ()))
        return _v("I-01", "invariants.list_differs",
                  "the applicant list differs from the {count} acknowledged registrations "
                  "({dropped} dropped, {added} added, or not sorted one per line)", index,
                  count=len(r.eligible or ()), dropped=len(dropped), added=len(added))
    return None
