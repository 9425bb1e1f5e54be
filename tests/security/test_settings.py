"""The security section of a profile: built-in values, overlays, refusals by name."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.errors import UsageError
from harness.profiles import load_profile
from harness.security.settings import SecuritySettings, StaticRule


def test_builtin_sections_load_and_state_their_false_alarm_bound() -> None:
    for name in ("quick", "full"):
        profile = load_profile(name)
        section = profile.section("security")
        assert isinstance(section, SecuritySettings)
        assert section.false_alarm_bound() == 2 * section.alpha
        assert profile.false_alarm_rate >= section.false_alarm_bound()


def test_overlay_changes_only_what_it_names(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text("security:\n  static_fail_when:\n    - {severity: medium, confidence: low}\n")
    section = load_profile(str(path)).section("security")
    assert section.static_fail_when == (StaticRule("medium", "low"),)
    assert section.token_samples == load_profile("quick").section("security").token_samples


@pytest.mark.parametrize("text, words", [
    ("security:\n  token_sample: 10\n", "did you mean 'token_samples'"),
    ("security:\n  static_fail_when:\n    - {severity: severe, confidence: low}\n", "one of"),
    ("security:\n  static_fail_when: []\n", "at least one rule"),
    ("security:\n  alpha: 0.5\n", "out of range"),
])
def test_refusals_name_the_problem(tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(UsageError, match=words):
        load_profile(str(path))
