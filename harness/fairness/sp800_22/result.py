"""The per-sequence result of one SP 800-22 test, and the special functions the tests share.

The special functions are the ones the reference implementation (sts-2.1.2) takes from Cephes:
scipy.special wraps the same Cephes routines, so P-values agree to about 1e-14.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import special

__all__ = ["TestResult", "erfc", "igamc", "normal_cdf"]

erfc = special.erfc
normal_cdf = special.ndtr


def igamc(a: Any, x: Any) -> Any:
    """Cephes's igamc, which returns 1 for x <= 0 where scipy returns NaN (a statistic that
    rounding makes slightly negative, e.g. ApEn's chi^2 of a perfectly balanced sequence)."""
    x = np.asarray(x, dtype=np.float64)
    result = special.gammaincc(a, np.maximum(x, 0.0))
    return np.where(x <= 0, 1.0, result) if result.ndim else (1.0 if x <= 0 else float(result))


@dataclass(frozen=True)
class TestResult:
    """One test on one sequence: its P-values in the reference's order, or why it does not apply.

    ``statistics`` holds the intermediate values SP 800-22 prints in its worked examples, so a
    result can be checked against the publication step by step.
    """

    name: str
    p_values: tuple[float | None, ...]
    statistics: dict[str, Any] = field(default_factory=dict)
    applicable: bool = True
    reason: str | None = None

    @classmethod
    def not_applicable(cls, name: str, width: int, reason: str) -> TestResult:
        """A test that cannot be assessed on this sequence: ``width`` null P-values and a reason."""
        return cls(name, (None,) * width, {}, applicable=False, reason=reason)

    @property
    def p_value(self) -> float | None:
        """The single P-value of a one-column test (the first one otherwise)."""
        return self.p_values[0]

    __test__ = False  # not a pytest test class, whatever its name
