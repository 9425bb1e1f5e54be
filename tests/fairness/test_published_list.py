"""The published applicant list against the acknowledged registrations: each outcome by name."""

from __future__ import annotations

import numpy as np

from harness.fairness.enrolment import Enrolment
from harness.fairness.published_list import compare_published
from harness.synthetic import people

CROWD = tuple(people(np.random.default_rng(1), 4, (1, 1)))


def enrolment(ids: list[str | None], in_doubt: int = 0) -> Enrolment:
    order = np.array([i if aid else -1 for i, aid in enumerate(ids)], dtype=np.int64)
    doubt = tuple({"index": i, "error": {}} for i in range(in_doubt))
    return Enrolment("R", CROWD, tuple(ids), order, order.astype(float), (), doubt)


ACKED = enrolment(["b", "a", "c", None], in_doubt=1)


def test_exactly_the_acknowledged_ids_in_any_order_is_no_problem() -> None:
    assert compare_published(ACKED, b"a\nb\nc\n").problem is None


def test_a_missing_acknowledged_id_is_a_definite_defect() -> None:
    found = compare_published(ACKED, b"a\nc\n")
    assert found.definite and found.evidence["missing"] == ["b"]


def test_an_unknown_id_is_in_doubt_when_a_registration_got_no_answer() -> None:
    found = compare_published(ACKED, b"a\nb\nc\nd\n")
    assert found.problem and not found.definite and found.evidence["unknown"] == ["d"]
    sure = compare_published(enrolment(["a", "b", "c", "e"]), b"a\nb\nc\ne\nzz\n")
    assert sure.definite


def test_a_repeated_or_malformed_list_is_a_definite_defect() -> None:
    assert compare_published(ACKED, b"a\nb\nc\nc\n").definite
    malformed = compare_published(ACKED, b"a\nb c\n")
    assert malformed.definite and "malformed" in (malformed.problem or "")
