"""One real quick validation of a small subset: the reference through every suite and two defects
through the suites that own their requirements, each run as its own ``harness <suite>`` process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.cli import main
from harness.validation import validation_record

pytestmark = pytest.mark.slow


def test_quick_validation_of_the_reference_and_two_defects(tmp_path: Path, capsys) -> None:
    only = ["reference", "faulty:commitment-mismatch", "faulty:sequential-tokens"]
    argv = ["validate", "--out", str(tmp_path)]
    for name in only:
        argv += ["--only", name]
    code = main(argv)
    printed = capsys.readouterr().out
    document = json.loads((tmp_path / "validation.json").read_text())
    assert code == 0, printed
    rows = {row["target"]: row for row in document["targets"]}
    assert set(rows) == set(only)
    assert rows["reference"]["passed"] is True
    assert set(rows["reference"]["suite_verdicts"]) == {"fairness", "invariants", "load",
                                                       "security"}
    assert rows["faulty:commitment-mismatch"]["observed"]["F-06"] == "FAIL"
    assert rows["faulty:sequential-tokens"]["observed"]["S-04"] == "FAIL"
    assert set(rows["faulty:sequential-tokens"]["suite_verdicts"]) == {"security"}
    assert "2 of 2 defects detected" in printed
    record = validation_record(tmp_path)
    assert record is not None and record["defects_detected"] == record["defects"] == 2
