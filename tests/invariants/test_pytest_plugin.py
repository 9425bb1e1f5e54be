"""The pytest plugin: inert without --harness-target; with it, one item per requirement, passing
against the reference and failing with the shrunk request sequence against a defect."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.launcher import LaunchedTarget, launch

pytest_plugins = ["pytester"]

SMALL_PROFILE = """\
extends: quick
invariants:
  lifecycle_examples: 10
  machine_examples: 3
  machine_steps: 12
  max_people: 8
  max_slots: 4
  shrink_time_bound: 15
  min_completed_examples: 5
"""


@pytest.fixture
def vendor_suite(pytester: pytest.Pytester) -> pytest.Pytester:
    """A vendor's project with one test of its own and a small harness profile."""
    pytester.makepyfile(test_own="def test_vendor_logic():\n    assert 1 + 1 == 2\n")
    pytester.path.joinpath("small.yaml").write_text(SMALL_PROFILE)
    return pytester


def _run(pytester: pytest.Pytester, target: LaunchedTarget, seed: str) -> pytest.RunResult:
    return pytester.runpytest_subprocess(
        "--harness-target", target.base_url, "--harness-admin-token", target.admin_token,
        "--harness-profile", "small.yaml", "--harness-seed", seed * 32, "-rA",
    )


def test_without_a_target_the_plugin_adds_nothing(vendor_suite: pytest.Pytester) -> None:
    result = vendor_suite.runpytest_subprocess()
    result.assert_outcomes(passed=1)
    assert "harness-invariants" not in result.stdout.str()


@pytest.fixture(scope="module")
def reference() -> Iterator[LaunchedTarget]:
    with launch("reference", lab=False) as target:
        yield target


@pytest.mark.slow
def test_the_reference_passes_every_requirement_item(
    vendor_suite: pytest.Pytester, reference: LaunchedTarget
) -> None:
    result = _run(vendor_suite, reference, "a1")
    result.assert_outcomes(passed=7)
    for rid in ("I-01", "I-02", "I-03", "I-04", "I-05", "I-06"):
        result.stdout.fnmatch_lines([f"PASSED harness-invariants::{rid}"])
    assert reference.admin_token not in result.stdout.str()
    assert list(Path(vendor_suite.path, "reports").glob("*/evidence.json"))


@pytest.mark.slow
def test_a_defect_fails_its_item_with_the_shrunk_request_sequence(
    vendor_suite: pytest.Pytester
) -> None:
    with launch("faulty:duplicate-national-id-accepted", lab=False) as target:
        result = _run(vendor_suite, target, "b2")
        token = target.admin_token
    result.assert_outcomes(passed=6, failed=1)
    out = result.stdout.str()
    result.stdout.fnmatch_lines([
        "*I-06 FAIL: register P*: the contract requires 409 duplicate_registration,"
        " the system answered 201*",
        "shrunk example, * requests:",
        "*POST /v1/rounds/lab-*/registrations*-> 201*",
        "replay with curl*",
    ])
    assert "FAILED harness-invariants::I-06" in out and token not in out
