"""Each fairness defect fails its own requirement over HTTP through ``harness fairness``.

Strong defects are caught at the tests' small sizes; the subtle ones (a 16-bit modulo index, a
10 % regional preference) need the quick profile's sizes, which the suite's power planning
chose for exactly these strengths. The run seed is fixed, so the lab draws are the same each time.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from _suitekit import run_fairness_command, small_profile, verdicts

pytestmark = pytest.mark.slow
SEED = "5e" * 32


@pytest.mark.parametrize("spec, rid, profile", [
    ("faulty:modulo-index-16bit", "F-01", "quick"),
    ("faulty:reserve-by-registration", "F-02", "small"),
    ("faulty:region-favoured", "F-04", "quick"),
    ("faulty:low-seed-bytes-ignored", "F-05", "small"),
    ("faulty:commitment-mismatch", "F-06", "small"),
    ("faulty:stuck-bit-seed", "F-07", "small"),
])
def test_the_defect_fails_its_requirement(tmp_path: Path, spec: str, rid: str,
                                          profile: str) -> None:
    chosen = small_profile(tmp_path) if profile == "small" else profile
    code, report, _ = run_fairness_command(
        ["--target", spec, "--profile", chosen, "--seed", SEED], tmp_path / "out")
    assert code == 1 and verdicts(report)[rid] == "FAIL", verdicts(report)
    failed = next(r for r in report["requirements"] if r["id"] == rid)
    assert failed["findings"], failed["summary"]
