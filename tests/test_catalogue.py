"""harness.catalogue: the 26 requirements of ACP-1 as package data."""

from __future__ import annotations

import pytest

from harness.catalogue import SUITES, catalogue, requirement, requirements_of


def test_the_catalogue_holds_the_26_requirements_of_the_design_in_order() -> None:
    ids = list(catalogue())
    expected = ([f"F-0{i}" for i in range(1, 8)] + [f"I-0{i}" for i in range(1, 7)]
                + [f"L-0{i}" for i in range(1, 5)] + [f"S-0{i}" for i in range(1, 10)])
    assert ids == expected


def test_each_suite_owns_the_requirements_of_its_letter() -> None:
    for suite in SUITES:
        letter = suite[0].upper()
        assert requirements_of(suite) and all(r.startswith(letter) for r in requirements_of(suite))


def test_titles_are_the_design_text() -> None:
    assert requirement("F-03").title == "selection is independent of registration order and time"
    assert requirement("S-09").suite == "security"


def test_an_unknown_id_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        requirement("F-99")


def test_the_catalogue_is_read_once() -> None:
    assert catalogue() is catalogue()


def test_every_requirement_states_its_rationale_standards_and_threshold() -> None:
    for item in catalogue().values():
        assert item.rationale and item.thresholds and item.standards
        names = ("GLI-31", "ASVS", "OWASP API", "SP 800", "ACS-DRAW-1")
        assert all(any(name in clause for name in names) for clause in item.standards)
    assert any("SP 800-22" in clause for clause in requirement("F-07").standards)
