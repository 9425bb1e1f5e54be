"""Samples of a rush: what is an error, exact per-endpoint figures, the per-second timeline."""

from __future__ import annotations

from harness.load.samples import ABORTED, RETRY_AFTER, Samples, is_error


def test_errors_are_no_answer_5xx_408_429_and_shed_requests_not_refusals() -> None:
    assert is_error(0, "ConnectionRefusedError")
    assert is_error(503, RETRY_AFTER) and is_error(500, "") and is_error(408, "")
    assert is_error(429, "")
    assert not is_error(403, "") and not is_error(409, "") and not is_error(201, "")
    assert not is_error(0, ABORTED)  # the scenario gave up on purpose


def test_summary_and_timeline_come_from_the_raw_rows() -> None:
    rows = [
        [100.1, "deposit", 201, 10.0, ""],
        [100.5, "deposit", 503, 30.0, RETRY_AFTER],
        [101.2, "deposit", 0, 5.0, ABORTED],
        [101.3, "deposit", 0, 9000.0, "ConnectionTimeout"],
        [101.4, "me", 200, 4.0, ""],
    ]
    samples = Samples(rows, 100.0, 102.0)
    summary = samples.summary("deposit")
    assert summary["requests"] == 3 and summary["errors"] == 2 and summary["answered"] == 2
    assert summary["retry_after_503"] == 1 and summary["aborted_by_scenario"] == 1
    assert summary["latency_ms"]["max"] == 30.0 and summary["latency_ms"]["p50"] == 10.0
    assert summary["throughput_per_s"] == 1.0
    timeline = samples.timeline()
    assert [(p["second"], p["endpoint"], p["requests"], p["errors"]) for p in timeline] == [
        (0, "deposit", 2, 1), (1, "deposit", 1, 1), (1, "me", 1, 0)]
