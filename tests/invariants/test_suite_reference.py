"""The reference passes every invariant over SQLite and PostgreSQL, and so does the alternative
(another id format, other message texts), with evidence of the work."""

from __future__ import annotations

import pytest
from _kit import as_json, run, verdicts

from harness.launcher import launch

pytestmark = pytest.mark.slow


def _assert_passes(db: str | None, system: str = "reference") -> None:
    with launch(system, db=db, lab=False) as target:
        result = run(target.base_url, target.admin_token)
        assert set(verdicts(result).values()) == {"PASS"}, verdicts(result)
        assert target.admin_token not in as_json(result)
    examples = result.evidence["examples"]
    assert examples["lifecycle_completed"] == 14 and examples["machine_completed"] == 5
    assert examples["lifecycle_rounds_ending_final"] >= 14  # every lifecycle round ends final
    assert examples["lifecycle_crowds"] >= 7  # the power argument of test_defects.py
    for requirement in result.requirements:
        judged = {m.name: m.value for m in requirement.measurements}["judgements"]
        assert judged > 0, requirement.id


def test_reference_passes_every_invariant_on_sqlite() -> None:
    _assert_passes(None)


def test_alternative_passes_every_invariant() -> None:
    _assert_passes(None, "alternative")


@pytest.mark.postgres
def test_reference_passes_every_invariant_on_postgresql(postgres_url: str) -> None:
    _assert_passes(postgres_url)
