"""Second-level assessment (SP 800-22 section 4.2): proportions, uniformity, calibration."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from harness.fairness.sp800_22.assessment import assess_column, assess_test, combine
from harness.verdict import Verdict


def test_interval_is_p_hat_plus_minus_three_sigma_and_bounds_truncate_as_sts() -> None:
    column = assess_column("x", [0.5] * 1000)
    assert column.interval == pytest.approx((0.9805607, 0.9994393), abs=1e-7)  # section 4.2.1
    assert column.pass_bounds == (980, 999)  # so 1000/1000 is outside, as sts flags it
    assert column.verdict is Verdict.FAIL and column.proportion_ok is False


def test_ten_sequences_tolerate_two_failures_as_sts_does() -> None:
    two_low = [0.001, 0.002] + [0.5] * 8
    assert assess_column("x", two_low).proportion_ok is True
    assert assess_column("x", [0.001] * 3 + [0.5] * 7).proportion_ok is False


def test_uniformity_uses_ten_bins_and_igamc() -> None:
    values = [(i + 0.5) / 100 for i in range(100)]  # ten per bin: chi^2 = 0
    column = assess_column("x", values)
    assert column.histogram == (10,) * 10
    assert column.chi2 == 0.0 and column.uniformity_p == pytest.approx(1.0)
    skewed = assess_column("x", [0.05] * 60 + [0.95] * 40)
    expected_chi2 = ((60 - 10) ** 2 + (40 - 10) ** 2 + 8 * 10**2) / 10
    assert skewed.chi2 == pytest.approx(expected_chi2)
    assert skewed.uniformity_p == pytest.approx(stats.chi2.sf(expected_chi2, 9))
    assert skewed.verdict is Verdict.FAIL and skewed.uniformity_ok is False


def test_p_value_of_one_falls_in_the_last_bin() -> None:
    assert assess_column("x", [1.0] * 60).histogram[9] == 60


def test_too_few_sequences_for_uniformity_is_inconclusive_and_says_so() -> None:
    column = assess_column("x", [0.5] * 54)
    assert column.uniformity_p is None and column.verdict is Verdict.INCONCLUSIVE
    assert "55" in (column.note or "")


def test_not_applicable_entries_shrink_the_sample() -> None:
    column = assess_column("x", [None, 0.5, None, 0.7])
    assert column.sample_size == 2 and column.passed == 2
    empty = assess_column("x", [None, None])
    assert empty.sample_size == 0 and empty.verdict is Verdict.NOT_APPLICABLE


def test_verdicts_combine_worst_first() -> None:
    assert combine([Verdict.PASS, Verdict.FAIL, Verdict.INCONCLUSIVE]) is Verdict.FAIL
    assert combine([Verdict.PASS, Verdict.PASS]) is Verdict.PASS
    assert combine([Verdict.PASS, Verdict.NOT_APPLICABLE]) is Verdict.INCONCLUSIVE
    assert combine([Verdict.NOT_APPLICABLE]) is Verdict.NOT_APPLICABLE
    test = assess_test("T", ["a", "b"], [[0.5, None], [0.6, None]])
    assert [c.sample_size for c in test.columns] == [2, 0]


def test_false_alarm_rates_under_the_null_stay_within_their_binomial_bounds() -> None:
    """Calibration: 4000 columns of 100 uniform P-values (fixed seed). The proportion check's
    false-alarm rate is P(Bin(100, 0.01) >= 5) = 0.00343 and uniformity's is 1e-4; the observed
    counts must lie inside 99.99 % binomial intervals around them."""
    rng = np.random.default_rng(20240101)
    columns = [assess_column("x", rng.random(100).tolist()) for _ in range(4000)]
    proportion_alarms = sum(1 for c in columns if not c.proportion_ok)
    rate = stats.binom.sf(4, 100, 0.01)
    low, high = stats.binom.interval(0.9999, 4000, rate)
    assert low <= proportion_alarms <= high
    uniformity_alarms = sum(1 for c in columns if not c.uniformity_ok)
    assert uniformity_alarms <= stats.binom.ppf(0.9999, 4000, 1e-4)


def test_proportion_check_detects_a_test_that_fails_one_sequence_in_ten() -> None:
    """Power: with m = 300 and a true pass rate of 0.90 the count falls below int(0.9728 * 300)
    = 291 with probability > 0.999."""
    assert stats.binom.cdf(290, 300, 0.90) > 0.999
    values = [0.001] * 30 + [0.5] * 270
    assert assess_column("x", values).verdict is Verdict.FAIL
    assert math.isclose(assess_column("x", values).proportion or 0, 0.9)
