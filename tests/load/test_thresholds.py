"""SLO threshold lines: what reads, what is refused with a reason, and the profile section."""

from __future__ import annotations

import pytest

from harness.errors import UsageError
from harness.load.settings import LoadSettings
from harness.load.thresholds import parse_threshold
from harness.profiles import load_profile
from harness.profiles.schema import build_section


@pytest.mark.parametrize(("line", "endpoint", "percentile", "bound", "requirement"), [
    ("deposit p95 < 500 ms", "deposit", 95.0, 500.0, "L-01"),
    ("deposit p99.9 < 1.5 s", "deposit", 99.9, 1500.0, "L-01"),
    ("  me p50<20ms ", "me", 50.0, 20.0, "L-01"),
    ("deposit error_ratio < 0.1%", "deposit", None, 0.001, "L-02"),
    ("registration error_ratio < 0.02", "registration", None, 0.02, "L-02"),
])
def test_lines_in_the_k6_spirit_read_as_thresholds(line: str, endpoint: str,
                                                    percentile: float | None, bound: float,
                                                    requirement: str) -> None:
    threshold = parse_threshold(line)
    assert (threshold.endpoint, threshold.percentile, threshold.requirement) == (
        endpoint, percentile, requirement)
    assert threshold.bound == pytest.approx(bound)


@pytest.mark.parametrize(("line", "reason"), [
    ("deposit p95 > 500 ms", "does not read"),
    ("deposit p95 < 500", "needs a unit"),
    ("deposti p95 < 500 ms", "did you mean 'deposit'"),
    ("deposit error_ratio < 5 ms", "not a time"),
    ("deposit error_ratio < 100%", "between 0 and 1"),
    ("deposit p100 < 5 ms", "between p0 and p100"),
    ("deposit p95 < 0 ms", "positive"),
])
def test_a_line_that_does_not_fit_is_refused_naming_why(line: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_threshold(line)


def test_the_built_in_profiles_have_valid_load_sections() -> None:
    for name in ("quick", "full"):
        settings = load_profile(name).section("load")
        assert isinstance(settings, LoadSettings)
        kinds = {t.requirement for t in settings.parsed_thresholds()}
        assert kinds == {"L-01", "L-02"}


def test_a_bad_threshold_in_a_profile_is_a_usage_error_naming_it() -> None:
    section = {"round": {"applicants": 10, "primary_slots": 2, "reserve_slots": 1},
               "thresholds": ["deposit p95 < fast"]}
    with pytest.raises(UsageError, match="deposit p95 < fast"):
        build_section(LoadSettings, section, "load")


def test_overrides_from_the_command_line_are_checked_like_the_file() -> None:
    assert load_profile("quick", {"load": {"users": 7}}).section("load").users == 7
    with pytest.raises(UsageError, match="load.users"):
        load_profile("quick", {"load": {"users": 0}})
    with pytest.raises(UsageError, match="behaviour shares"):
        load_profile("quick", {"load": {"behaviour": {"timeout_retry": 0.6,
                                                      "simultaneous": 0.6}}})
