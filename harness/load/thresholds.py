"""SLO thresholds in the spirit of k6: ``"deposit p95 < 500 ms"``, ``"deposit error_ratio < 1%"``.

A line names an endpoint of the rushes, a metric and a bound. Latency metrics are percentiles
(``p50``..``p99.9``) in ``ms`` or ``s`` and are assessed for L-01; ``error_ratio`` (a share, in
``%`` or as a plain fraction) is assessed for L-02. Each is judged on a confidence interval, never
on the point estimate alone: PASS when the whole interval lies under the bound, FAIL when it lies
wholly over it, INCONCLUSIVE when it straddles the bound or there are too few samples.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

__all__ = ["ENDPOINTS", "Threshold", "parse_threshold"]

# The endpoints the rushes call, by the names the samples carry.
ENDPOINTS = ("healthz", "registration", "me", "results", "deposit")
_LINE = re.compile(
    r"\s*(?P<endpoint>[a-z_]+)\s+(?P<metric>p\d{1,3}(?:\.\d+)?|error_ratio)\s*<\s*"
    r"(?P<value>\d+(?:\.\d+)?)\s*(?P<unit>ms|s|%)?\s*"
)


@dataclass(frozen=True)
class Threshold:
    """One SLO: ``metric`` of ``endpoint`` must stay under ``bound``.

    ``percentile`` is set for latency thresholds (``bound`` in milliseconds); for error ratios it
    is None and ``bound`` is a fraction in (0, 1).
    """

    text: str
    endpoint: str
    percentile: float | None
    bound: float

    @property
    def requirement(self) -> str:
        return "L-01" if self.percentile is not None else "L-02"

    @property
    def metric(self) -> str:
        return "error_ratio" if self.percentile is None else f"p{self.percentile:g}"


def _endpoint(name: str, line: str) -> str:
    if name in ENDPOINTS:
        return name
    guess = difflib.get_close_matches(name, ENDPOINTS, n=1)
    hint = f"did you mean {guess[0]!r}?" if guess else f"endpoints: {', '.join(ENDPOINTS)}"
    raise ValueError(f"threshold {line!r}: unknown endpoint {name!r} ({hint})")


def parse_threshold(line: str) -> Threshold:
    """A ``Threshold`` from its line; a ValueError that names the line when it does not fit."""
    found = _LINE.fullmatch(line)
    if not found:
        raise ValueError(f"threshold {line!r} does not read as 'ENDPOINT pNN < N ms' or"
                         " 'ENDPOINT error_ratio < N%'")
    endpoint = _endpoint(found["endpoint"], line)
    value, unit, metric = float(found["value"]), found["unit"], found["metric"]
    if metric == "error_ratio":
        if unit in ("ms", "s"):
            raise ValueError(f"threshold {line!r}: an error ratio is a share, not a time")
        ratio = value / 100 if unit == "%" else value
        if not 0 < ratio < 1:
            raise ValueError(f"threshold {line!r}: the error ratio bound must lie between 0 and 1")
        return Threshold(line.strip(), endpoint, None, ratio)
    percentile = float(metric[1:])
    if not 0 < percentile < 100:
        raise ValueError(f"threshold {line!r}: a percentile lies between p0 and p100")
    if unit not in ("ms", "s"):
        raise ValueError(f"threshold {line!r}: a latency bound needs a unit, ms or s")
    bound = value * 1000 if unit == "s" else value
    if bound <= 0:
        raise ValueError(f"threshold {line!r}: the latency bound must be positive")
    return Threshold(line.strip(), endpoint, percentile, bound)
