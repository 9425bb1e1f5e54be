"""The opaque-token analysis (S-04, S-05): calibrated on CSPRNG tokens, catches structure."""

from __future__ import annotations

import base64
import hashlib
import random

import pytest
from scipy import stats

from harness.security.opaque import analyse, holm


def _urlsafe16(rng: random.Random) -> str:
    """What ``secrets.token_urlsafe(16)`` returns, from a seeded generator."""
    return base64.urlsafe_b64encode(rng.randbytes(16)).rstrip(b"=").decode("ascii")


@pytest.mark.slow
def test_false_alarm_rate_on_token_urlsafe_16_is_within_alpha() -> None:
    """Calibration: 300 samples of 300 tokens at alpha 0.05; the 99 % Clopper-Pearson interval of
    the false-alarm rate must reach down to alpha (a valid test errs at most alpha of the time)."""
    rng = random.Random(20260101)
    alpha, runs = 0.05, 300
    alarms = sum(bool(analyse([_urlsafe16(rng) for _ in range(300)], alpha).rejected)
                 for _ in range(runs))
    low = stats.binomtest(alarms, runs).proportion_ci(0.99).low
    assert low <= alpha, f"{alarms} false alarms in {runs} runs at alpha {alpha}"


def test_csprng_tokens_pass_at_the_profile_alpha() -> None:
    rng = random.Random(7)
    analysis = analyse([_urlsafe16(rng) for _ in range(300)], 0.001)
    assert analysis.duplicates == 0 and not analysis.rejected
    assert 126 <= analysis.capacity_bits <= 128  # 21 characters of 6 bits and one of 2


def test_sequential_tokens_are_rejected() -> None:
    tokens = [f"tok-{n:032x}" for n in range(1_700_000_000, 1_700_000_300)]
    analysis = analyse(tokens, 0.001)
    assert any(t.name == "issue_order" for t in analysis.rejected)
    assert analysis.capacity_bits < 16


def test_time_ordered_tokens_with_random_tail_are_rejected() -> None:
    rng = random.Random(3)
    tokens = [f"{1_700_000_000_000 + 37 * n:013d}{rng.randbytes(8).hex()}" for n in range(300)]
    assert analyse(tokens, 0.001).rejected


def test_prefix_is_set_aside_and_duplicates_counted() -> None:
    rng = random.Random(5)
    tokens = ["alt." + _urlsafe16(rng) for _ in range(200)]
    tokens[10] = tokens[3]
    analysis = analyse(tokens, 0.001)
    assert analysis.constant_positions == 4 and analysis.duplicates == 1


def test_a_hash_of_a_counter_passes_which_is_the_stated_limit() -> None:
    tokens = [hashlib.sha256(str(n).encode()).hexdigest() for n in range(300)]
    analysis = analyse(tokens, 0.001)
    assert not analysis.rejected and analysis.capacity_bits == 256


def test_holm_steps_down() -> None:
    assert holm([0.001, 0.03, 0.04], 0.05) == [True, False, False]
    assert holm([0.001, 0.01, 0.02], 0.05) == [True, True, True]
