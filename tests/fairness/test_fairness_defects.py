"""Each fairness defect fails its own requirement over HTTP through ``harness fairness``.

Strong defects are caught at the tests' small sizes; the subtle ones (a 16-bit modulo index, a
10 % regional preference) need the quick profile's sizes, which the suite's power planning
chose for exactly these strengths. The run seed is fixed, so the lab draws are the same each time.
Each run assesses only the defect's own requirement (``assess``), as ``harness validate`` does:
the parts of the suite that serve only other requirements (the SP 800-22 battery, the
population, the real rounds) are skipped.
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
    chosen = Path(small_profile(tmp_path)) if profile == "small" else tmp_path / "quick.yaml"
    base = chosen.read_text() if profile == "small" else "extends: quick\n"
    chosen.write_text(f"{base}assess: [{rid}]\n")
    code, report, evidence = run_fairness_command(
        ["--target", spec, "--profile", str(chosen), "--seed", SEED], tmp_path / "out")
    assert code == 1 and verdicts(report)[rid] == "FAIL", verdicts(report)
    assert set(verdicts(report).values()) == {"FAIL", "NOT_APPLICABLE"}
    timing = evidence["suites"][0]["evidence"]["timing"]  # the parts it did not need never ran
    assert ("f07" in timing) == (rid == "F-07")
    assert bool(timing.get("populations")) == (rid in ("F-01", "F-02", "F-03", "F-04", "F-05"))
    failed = next(r for r in report["requirements"] if r["id"] == rid)
    assert failed["findings"], failed["summary"]
