"""harness.results and harness.jsonable: frozen results that write as sorted, NaN-free JSON."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from harness.jsonable import dumps, jsonable
from harness.results import (
    Finding,
    Measurement,
    Message,
    RequirementResult,
    Severity,
    SuiteResult,
)
from harness.verdict import Verdict


def test_a_message_keeps_its_id_parameters_and_english_text() -> None:
    message = Message.of("fairness.holm", "{count} tests at alpha {alpha}", count=5, alpha=0.01)
    assert message.to_dict() == {
        "id": "fairness.holm", "params": {"count": 5, "alpha": 0.01},
        "text": "5 tests at alpha 0.01",
    }


def test_a_requirement_result_is_titled_from_the_catalogue_and_frozen() -> None:
    result = RequirementResult.of(
        "F-06", Verdict.FAIL, Message.of("x", "replay differs"),
        measurements=(Measurement("rounds", 3, "rounds"),),
        findings=(Finding(Severity.HIGH, Message.of("m", "primary[0] differs"),
                          Message.of("r", "use ACS-DRAW-1"), {"round": "lab-1"}, cwe=330),),
        evidence={"rounds": [1, 2]},
    )
    assert result.title.startswith("every published draw replays exactly")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.verdict = Verdict.PASS  # type: ignore[misc]
    data = result.to_dict()
    assert data["verdict"] == "FAIL" and data["findings"][0]["severity"] == "high"
    assert data["findings"][0]["cwe"] == 330 and data["measurements"][0]["unit"] == "rounds"
    json.dumps(data)


def test_json_has_sorted_keys_and_no_nan() -> None:
    value = {"b": float("nan"), "a": np.float64(0.5), "c": np.arange(3), "d": (Verdict.PASS,)}
    text = dumps(value)
    assert json.loads(text) == {"a": 0.5, "b": None, "c": [0, 1, 2], "d": ["PASS"]}
    assert text.index('"a"') < text.index('"b"') < text.index('"c"')


def test_a_suite_result_lists_its_verdicts() -> None:
    ok = RequirementResult.of("F-01", Verdict.PASS, Message.of("x", "ok"))
    suite = SuiteResult("fairness", (ok,), "t0", "t1", {"n": np.int64(5)})
    assert suite.verdicts() == {"F-01": Verdict.PASS}
    assert suite.to_dict()["evidence"] == {"n": 5}


def test_values_json_cannot_hold_are_refused() -> None:
    with pytest.raises(TypeError):
        jsonable(object())


def test_a_message_param_fills_the_english_with_its_text_and_is_kept_whole() -> None:
    inner = Message.of("demo.inner", "{n} lost", n=2)
    outer = Message.of("demo.outer", "the ledger disagrees: {found}", found=inner)
    assert outer.text == "the ledger disagrees: 2 lost"
    assert outer.params["found"] == {"id": "demo.inner", "params": {"n": 2}, "text": "2 lost"}
