"""Every number the fairness statistics use; a profile's fairness section fills it by field name.

Suggested profiles (docs/fairness.md derives them; ``planning.required_draws`` recomputes the
draws for any population):

==============================  =====================  ======================================
field or size                   quick                  full
==============================  =====================  ======================================
applicants N                    5,000                  20,000, and 100,000 (> 65,536)
primary K / reserve R           500 / 100              2,000 / 400 in both populations
draws M                         400                    1,000 (N = 20,000); 1,500 (N = 100,000)
related-seed pairs (within M)   50                     200 per population
needed for the power target     201 (F-01)             174; 983 (F-01, one excluded applicant)
F-07 sequences per source       55                     300
F-07 sequence_bits              1,000,000              1,000,000
battery_excursions_need_uni...  false                  true (115 sequences would do)
alpha                           0.01                   0.01
power                           0.9                    0.99
==============================  =====================  ======================================

The draws needed assume the smallest region holds at least 4 % of the applicants (F-04's
hardest case). False alarms of a correct system: F-01..F-05 together at most ``alpha`` (one Holm
family, both populations of ``full`` included via ``analysis.analyse_samples``), F-07 at most
``alpha`` (one Holm family over every column of both sources), so at most 2 * alpha = 2 % per
run across the statistical requirements, under either profile.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

__all__ = ["FairnessConfig"]


@dataclass(frozen=True)
class FairnessConfig:
    """Error rates, stated biases and binning of the fairness suite (F-01..F-05, F-07)."""

    # Family-wise false-alarm rate of F-01..F-05 together (Holm across all their tests), and
    # separately of F-07 (Holm across every battery column of every source).
    alpha: float = 0.01
    # Probability of detecting each stated bias below; a run that cannot reach it for a
    # requirement makes that requirement INCONCLUSIVE (unless a test already fails).
    power: float = 0.9
    # F-04: smallest relative increase of one region's chance of selection to detect (0.10 = a
    # 10 % higher chance), judged for the smallest region (the hardest case).
    region_bias: float = 0.10
    # F-03: DV-2012-like bias, the share of winners coming from the earliest
    # ``order_bias_window`` of registrations (2012: over 90 % from the first 2 of 30 days).
    order_bias_first_share: float = 0.90
    order_bias_window: float = 1 / 15
    # F-01: smallest relative decrease of one applicant's chance to detect (1.0 = never picked).
    single_applicant_bias: float = 1.0
    # F-01: the word size of the modulo-index defect (j = i + word mod (N - i)).
    index_word_bits: int = 16
    # F-02: share of draws whose reserve list is ordered by registration instead of drawn order.
    reserve_rank_bias: float = 0.05
    # F-05: excess share of winners shared by draws whose seeds differ in one bit: an overlap of
    # k^2/N + excess * k * (1 - k/N) instead of k^2/N.
    related_overlap_excess: float = 0.05
    # Binning. Equal-size canonical-position bins (F-01, F-02), registration-order bins (F-03),
    # equal-width registration-time buckets (F-03), reserve-rank buckets and applicant groups of
    # the rank table (F-02), canonical/registration blocks of the dispersion test (F-05).
    position_bins: int = 20
    order_bins: int = 10
    time_buckets: int = 30
    rank_buckets: int = 10
    rank_groups: int = 10
    dispersion_groups: int = 20
    # Chi-square approximations need expected cell counts of at least this; smaller cells are
    # merged with a neighbour (Cochran's rule).
    min_expected: float = 5.0
    # F-07: bits per SP 800-22 sequence (random excursions need 10^6), and the probability that
    # a correct source is INCONCLUSIVE because too few sequences admit random excursions.
    sequence_bits: int = 1_000_000
    battery_inconclusive_rate: float = 0.001
    # F-07: whether the random-excursion columns (which apply to ~62 % of sequences) must also
    # reach the 55 sequences of the uniformity check for a PASS. False judges them by the
    # proportion check alone when they fall short, so 55 sequences per source suffice.
    battery_excursions_need_uniformity: bool = True

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            if field.name == "battery_excursions_need_uniformity":
                if not isinstance(value, bool):
                    raise ValueError(f"{field.name} must be true or false, got {value!r}")
            elif isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"{field.name} must be a number, got {value!r}")
        _check_open_unit(self, ("alpha", "power", "order_bias_window", "order_bias_first_share",
                                "battery_inconclusive_rate"))
        if not 0 < self.single_applicant_bias <= 1:
            raise ValueError("single_applicant_bias must lie in (0, 1]")
        for name in ("region_bias", "reserve_rank_bias", "related_overlap_excess"):
            if not 0 < getattr(self, name) <= 1:
                raise ValueError(f"{name} must lie in (0, 1]")
        for name in ("position_bins", "order_bins", "time_buckets", "rank_buckets",
                     "rank_groups", "dispersion_groups"):
            if int(getattr(self, name)) != getattr(self, name) or getattr(self, name) < 2:
                raise ValueError(f"{name} must be an integer of at least 2")
        if not 1 <= self.index_word_bits <= 62:
            raise ValueError("index_word_bits must lie in 1..62")
        if self.min_expected <= 0:
            raise ValueError("min_expected must be positive")
        if self.sequence_bits < 1_000_000:  # SP 800-22 2.8.7, 2.10.7, 2.14.7, 2.15.7
            raise ValueError("sequence_bits must be at least 1000000: random excursions, linear "
                             "complexity and overlapping templates need 10^6-bit sequences")

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> FairnessConfig:
        """Build from a profile section; an unknown key is a ValueError naming the nearest one."""
        known = [f.name for f in fields(cls)]
        for key in values:
            if key not in known:
                near = difflib.get_close_matches(str(key), known, n=1)
                hint = f"; did you mean {near[0]!r}?" if near else ""
                raise ValueError(f"unknown fairness setting {key!r}{hint}")
        return cls(**dict(values))

    def stated_biases(self) -> dict[str, Any]:
        """The smallest biases each requirement must detect, as recorded in the evidence."""
        return {
            "F-01": {"single_applicant_bias": self.single_applicant_bias,
                     "index_word_bits": self.index_word_bits},
            "F-02": {"reserve_rank_bias": self.reserve_rank_bias},
            "F-03": {"order_bias_first_share": self.order_bias_first_share,
                     "order_bias_window": self.order_bias_window},
            "F-04": {"region_bias": self.region_bias},
            "F-05": {"related_overlap_excess": self.related_overlap_excess},
        }


def _check_open_unit(config: FairnessConfig, names: tuple[str, ...]) -> None:
    for name in names:
        value = getattr(config, name)
        if not 0 < value < 1:
            raise ValueError(f"{name} must be a number strictly between 0 and 1, got {value!r}")
