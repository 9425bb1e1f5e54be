"""harness.profiles: built-in profiles, a user's overlay, and refusals that name the key."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pytest
import yaml

from harness import suites
from harness.catalogue import catalogue
from harness.errors import UsageError
from harness.profiles import load_profile, setting
from harness.profiles import profile as profile_module
from harness.suites import Suite


@dataclass(frozen=True)
class _Thresholds:
    p95_ms: float = setting(500.0, low=1, high=60_000)


@dataclass(frozen=True)
class _ToyLoad:
    users: int = setting(10, low=1, high=10_000)
    alpha: float = setting(0.0, low=0, high=0.5)
    mode: Literal["fast", "slow"] = "fast"
    thresholds: _Thresholds = field(default_factory=_Thresholds)
    weights: tuple[float, ...] = setting((1.0, 2.0), low=0)

    def false_alarm_bound(self) -> float:
        return self.alpha


def _builtin_without(*sections: str) -> Callable[[str], str]:
    """The built-in profiles' text with the named suite sections taken out."""
    def text(name: str) -> str:
        data = yaml.safe_load(_ORIGINAL_BUILTIN_TEXT(name))
        for section in sections:
            data.pop(section, None)
        return str(yaml.safe_dump(data))
    return text


_ORIGINAL_BUILTIN_TEXT = profile_module._builtin_text


@pytest.fixture(autouse=True)
def toy_security_suite(monkeypatch: pytest.MonkeyPatch) -> None:
    """A stand-in 'security' suite with toy settings (the built-in profiles' own security
    section left out), so the section machinery is tested without a real suite's settings."""
    ids = tuple(f"S-0{i}" for i in range(1, 10))
    suite = Suite("security", ids, _ToyLoad, lambda *a: None)
    monkeypatch.setitem(suites._REGISTRY, "security", suite)
    monkeypatch.setattr(profile_module, "_builtin_text", _builtin_without("security"))


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "mine.yaml"
    path.write_text(text)
    return str(path)


def refusal(tmp_path: Path, text: str) -> str:
    with pytest.raises(UsageError) as caught:
        load_profile(write(tmp_path, text))
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_quick_makes_s09_and_l04_optional_and_full_makes_everything_mandatory() -> None:
    quick, full = load_profile("quick"), load_profile("full")
    assert quick.optional == ("L-04", "S-09")
    assert set(quick.mandatory) == set(catalogue()) - {"L-04", "S-09"}
    assert full.mandatory == tuple(catalogue()) and full.optional == ()


def test_a_user_file_overlays_what_it_extends_key_by_key(tmp_path: Path) -> None:
    profile = load_profile(write(tmp_path, "extends: full\nsecurity:\n  users: 20\n"
                                           "  thresholds: {p95_ms: 250}\n"))
    load = profile.section("security")
    assert (load.users, load.thresholds.p95_ms, load.mode) == (20, 250.0, "fast")
    assert profile.extends == "full" and profile.mandatory == tuple(catalogue())
    assert profile.name == "mine" and profile.source.endswith("mine.yaml")
    assert len(profile.source_sha256) == 64


def test_a_user_file_without_extends_extends_quick(tmp_path: Path) -> None:
    profile = load_profile(write(tmp_path, "name: ci\n"))
    assert profile.extends == "quick" and profile.name == "ci"
    assert profile.optional == ("L-04", "S-09")


def test_a_user_file_moves_requirements_between_mandatory_and_optional(tmp_path: Path) -> None:
    profile = load_profile(write(tmp_path, "mandatory: [S-09]\noptional: [F-03]\n"))
    assert "S-09" in profile.mandatory and "F-03" in profile.optional
    assert "F-03" not in profile.mandatory


def test_assess_restricts_a_run_to_some_requirements_in_catalogue_order(tmp_path: Path) -> None:
    assert load_profile("quick").assess == () and load_profile("quick").assesses("F-07")
    profile = load_profile(write(tmp_path, "assess: [S-04, F-06]\n"))
    assert profile.assess == ("F-06", "S-04") and profile.to_dict()["assess"] == ["F-06", "S-04"]
    assert profile.assesses("S-04") and not profile.assesses("F-01")
    assert "not a requirement of ACP-1 (did you mean 'S-04'?)" in refusal(tmp_path,
                                                                         "assess: [S-4]\n")
    assert "must be a list of requirement ids" in refusal(tmp_path, "assess: S-04\n")


def test_the_resolved_profile_is_recorded_with_every_value(tmp_path: Path) -> None:
    data = load_profile(write(tmp_path, "security: {users: 3}\n")).to_dict()
    assert data["sections"]["security"] == {
        "users": 3, "alpha": 0.0, "mode": "fast", "thresholds": {"p95_ms": 500.0},
        "weights": [1.0, 2.0],
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("fairnes: {}\n", "unknown key 'fairnes' (did you mean 'fairness'?)"),
        ("security: {usres: 3}\n", "unknown key 'security.usres' (did you mean 'users'?)"),
        ("security: {thresholds: {p59_ms: 3}}\n",
         "unknown key 'security.thresholds.p59_ms' (did you mean 'p95_ms'?)"),
        ("zzz: 1\n", "unknown key 'zzz' (valid keys:"),
    ],
)
def test_an_unknown_key_names_the_nearest_valid_key(
    tmp_path: Path, text: str, expected: str
) -> None:
    assert expected in refusal(tmp_path, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("security: {users: 0}\n",
         "'security.users' is 0, out of range: allowed a whole number from 1 to 10000"),
        ("security: {users: ten}\n", "'security.users' must be a whole number from 1 to 10000"),
        ("security: {users: true}\n", "'security.users' must be a whole number"),
        ("security: {users: 2.5}\n", "'security.users' must be a whole number"),
        ("security: {alpha: 0.7}\n",
         "'security.alpha' is 0.7, out of range: allowed a number from 0 to 0.5"),
        ("security: {mode: medium}\n", "'security.mode' must be one of 'fast', 'slow'"),
        ("security: {weights: [1, -2]}\n", "'security.weights[1]' is -2, out of range"),
        ("security: {weights: 3}\n", "'security.weights' must be a list"),
        ("security: [1, 2]\n", "'security' must be a mapping"),
        ("false_alarm_rate: 2\n", "'false_alarm_rate' must be a number above 0 and at most 1"),
        ("extends: slow\n", "'extends' must be quick or full"),
        ("optional: [F01]\n", "names 'F01', not a requirement of ACP-1 (did you mean 'F-01'?)"),
        ("optional: [F-03]\nmandatory: [F-03]\n", "F-03 is listed as both mandatory and optional"),
        ("optional: F-03\n", "'optional' must be a list of requirement ids"),
    ],
)
def test_a_bad_value_names_the_key_and_the_allowed_values(
    tmp_path: Path, text: str, expected: str
) -> None:
    assert expected in refusal(tmp_path, text)


def test_a_section_of_a_suite_not_built_yet_cannot_be_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_load = suites._load
    monkeypatch.setattr(suites, "_load", lambda name: None if name == "invariants" else
                        real_load(name))
    monkeypatch.setattr(profile_module, "_builtin_text",
                        _builtin_without("security", "invariants"))
    message = refusal(tmp_path, "invariants: {examples: 10}\n")
    assert "unknown key 'invariants': the invariants suite is not built in this version" in message


def test_the_stated_false_alarm_rate_must_cover_what_the_sections_imply(tmp_path: Path) -> None:
    message = refusal(tmp_path, "false_alarm_rate: 0.1\nsecurity: {alpha: 0.5}\n")
    assert "'false_alarm_rate' 0.1 is below" in message and "security 0.5" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [("a: [1\n", "not valid YAML"), ("- 1\n- 2\n", "must be a YAML mapping")],
)
def test_a_file_that_is_not_a_yaml_mapping_is_refused(
    tmp_path: Path, text: str, expected: str
) -> None:
    assert expected in refusal(tmp_path, text)


def test_a_missing_file_is_refused_in_one_line(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not quick or full, and not a readable file"):
        load_profile(str(tmp_path / "absent.yaml"))


def test_sections_are_built_from_their_dataclass_types() -> None:
    section: Any = load_profile("quick").section("security")
    assert isinstance(section, _ToyLoad) and isinstance(section.weights, tuple)


def test_command_line_overrides_win_over_the_file_and_are_validated(tmp_path: Path) -> None:
    path = write(tmp_path, "extends: full\nsecurity: {users: 20}\n")
    profile = load_profile(path, {"security.users": 7, "security.thresholds.p95_ms": 100})
    load = profile.section("security")
    assert (load.users, load.thresholds.p95_ms) == (7, 100.0)
    overrides = {"security.users": 7, "security.thresholds.p95_ms": 100}
    assert profile.to_dict()["overrides"] == overrides
    assert profile.mandatory == tuple(catalogue())  # the file's split is kept
    with pytest.raises(UsageError, match="'security.users' is 0, out of range"):
        load_profile("quick", {"security.users": 0})
    with pytest.raises(UsageError, match="only suite sections"):
        load_profile("quick", {"false_alarm_rate": 0.5})
