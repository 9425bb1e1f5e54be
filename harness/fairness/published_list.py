"""Comparing the published applicant list with the registrations the system acknowledged.

The statistics are only meaningful over the very applicants the harness registered: an
acknowledged applicant missing from the list could never be drawn, and an id nobody registered
is a phantom entry. Both are facts with evidence, never a crash.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from harness.errors import UsageError
from harness.fairness.applicants import parse_applicant_lines
from harness.fairness.enrolment import Enrolment

__all__ = ["ListComparison", "compare_published"]

_SHOWN = 20


@dataclass(frozen=True)
class ListComparison:
    """``problem`` is None when the list is exactly the acknowledged ids."""

    problem: str | None
    definite: bool  # a defect for sure (FAIL), rather than possibly our registrations in doubt
    evidence: dict[str, Any]


def compare_published(enrolment: Enrolment, published: bytes) -> ListComparison:
    """Check that ``published`` lists each acknowledged id once and nothing else."""
    try:
        listed = [raw.decode("ascii") for raw in parse_applicant_lines(published, "the list")]
    except UsageError as exc:
        return ListComparison(f"the published applicant list is malformed: {exc}", True,
                              {"bytes": len(published), "reason": str(exc)})
    acknowledged = {aid for aid in enrolment.applicant_ids if aid is not None}
    counts = Counter(listed)
    seen = set(counts)
    repeated = sorted(aid for aid, count in counts.items() if count > 1)
    missing = sorted(acknowledged - seen)
    unknown = sorted(seen - acknowledged)
    evidence = {
        "listed": len(listed), "acknowledged": len(acknowledged),
        "repeated": repeated[:_SHOWN], "repeated_count": len(repeated),
        "missing": missing[:_SHOWN], "missing_count": len(missing),
        "unknown": unknown[:_SHOWN], "unknown_count": len(unknown),
        "registrations_in_doubt": len(enrolment.in_doubt),
    }
    if repeated:
        return ListComparison(f"the published list repeats {len(repeated)} id(s)", True, evidence)
    if missing:
        return ListComparison(
            f"{len(missing)} acknowledged registration(s) are missing from the published list",
            True, evidence)
    if unknown:
        # A registration that got no conclusive answer may legitimately be on the list.
        doubtful = len(unknown) <= len(enrolment.in_doubt)
        return ListComparison(
            f"the published list holds {len(unknown)} id(s) the system never acknowledged",
            not doubtful, evidence)
    return ListComparison(None, False, evidence)
