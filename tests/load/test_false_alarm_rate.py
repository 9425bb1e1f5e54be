"""The load suite's share of a profile's false-alarm rate: one upper tail per threshold line.

A threshold FAILs only when its whole two-sided interval lies over the bound (straddling is
INCONCLUSIVE), so a system at the bound FAILs it with probability at most (1 - confidence) / 2;
over the lines, a union bound. The profile loader adds that share to the other sections' and
refuses a profile whose stated rate does not cover the sum.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from harness.cli import main
from harness.load.settings import LoadSettings
from harness.load.statistics import judge, percentile_interval
from harness.profiles import load_profile
from harness.verdict import Verdict


def test_the_share_is_one_upper_tail_per_threshold_line() -> None:
    quick: LoadSettings = load_profile("quick").section("load")
    assert quick.false_alarm_bound() == pytest.approx(len(quick.thresholds) * 0.01)
    fewer = replace(quick, thresholds=quick.thresholds[:3], confidence=0.99)
    assert fewer.false_alarm_bound() == pytest.approx(3 * 0.005)
    more = replace(quick, thresholds=(*quick.thresholds, "me p99 < 3 s"))
    assert more.false_alarm_bound() > quick.false_alarm_bound()


@pytest.mark.parametrize(("name", "load_share"), [("quick", 8 * 0.01), ("full", 9 * 0.005)])
def test_the_builtin_profiles_state_a_rate_covering_every_section_load_included(
    name: str, load_share: float
) -> None:
    profile = load_profile(name)
    shares = {suite: section.false_alarm_bound() for suite, section in profile.sections.items()
              if hasattr(section, "false_alarm_bound")}
    assert shares["load"] == pytest.approx(load_share)
    assert profile.false_alarm_rate >= sum(shares.values()) - 1e-12


def test_a_profile_whose_rate_leaves_out_the_load_share_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """0.03 covers fairness (0.02) and security (0.002) but not quick's 8 load thresholds."""
    profile = tmp_path / "no-load-share.yaml"
    profile.write_text("extends: quick\nfalse_alarm_rate: 0.03\n", encoding="utf-8")
    assert main(["load", "--target", "reference", "--profile", str(profile)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "'false_alarm_rate' 0.03 is below 0.102" in err and "load 0.08" in err


def test_raising_the_confidence_buys_the_load_share_down(tmp_path: Path) -> None:
    profile = tmp_path / "strict.yaml"
    profile.write_text("extends: quick\nfalse_alarm_rate: 0.03\nload: {confidence: 0.999}\n",
                       encoding="utf-8")
    loaded = load_profile(str(profile))  # 0.022 + 8 x 0.0005 = 0.026 <= 0.03
    assert loaded.section("load").false_alarm_bound() == pytest.approx(0.004)


@pytest.mark.slow
def test_a_p99_at_its_bound_fails_no_more_often_than_promised_at_the_quick_sizes() -> None:
    """Calibration of the p99 line at quick's size (about 1,200 deposits): 300 rushes whose true
    p99 is the bound; the test fails only if a 99.9 % binomial interval of the FAIL rate lies
    wholly above the promised (1 - 0.95) / 2."""
    rng = np.random.default_rng(20261202)
    sigma = 0.6
    mu = np.log(2000.0) - sigma * stats.norm.ppf(0.99)
    fails = 0
    trials = 300
    for _ in range(trials):
        latencies = rng.lognormal(mu, sigma, size=1200)
        interval = percentile_interval(latencies, 99, 0.95, 400, rng)
        fails += judge(interval, 2000.0, 50) is Verdict.FAIL
    low = stats.binomtest(fails, trials).proportion_ci(0.999, method="exact").low
    assert low <= 0.025, f"{fails} of {trials} rushes at the bound were called FAIL"
