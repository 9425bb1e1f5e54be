"""harness.events: quiet lines off a terminal, a recording for tests, a progress display on one."""

from __future__ import annotations

import io

from rich.console import Console

from harness.events import QuietSink, RecordingSink, RichSink, make_sink
from harness.results import Message, RequirementResult, SuiteResult
from harness.verdict import Verdict


def _result() -> RequirementResult:
    return RequirementResult.of("F-01", Verdict.PASS, Message.of("x", "uniform at alpha 0.01"))


def test_the_quiet_sink_writes_one_line_per_requirement_and_no_progress() -> None:
    stream = io.StringIO()
    sink = QuietSink(stream)
    sink.suite_started("fairness", ["F-01"])
    sink.progress("lab draws", 5, 10)
    sink.requirement(_result())
    sink.suite_finished(SuiteResult("fairness", (_result(),), "t0", "t1"))
    lines = stream.getvalue().splitlines()
    assert lines == ["fairness: assessing F-01", "F-01 PASS           uniform at alpha 0.01"]


def test_the_recording_sink_keeps_events_in_order() -> None:
    sink = RecordingSink()
    sink.progress("registering", 1, 2)
    sink.message(Message.of("m", "hello"))
    assert [kind for kind, _ in sink.events] == ["progress", "message"]
    assert sink.of_kind("progress") == [("registering", 1, 2)]


def test_the_rich_sink_prints_verdicts_and_tolerates_progress() -> None:
    out = io.StringIO()
    sink = RichSink(Console(file=out, force_terminal=True, width=100))
    sink.suite_started("fairness", ["F-01"])
    sink.progress("lab draws", 5, 10)
    sink.progress("lab draws", 10, 10)
    sink.requirement(_result())
    sink.suite_finished(SuiteResult("fairness", (_result(),), "t0", "t1"))
    assert "F-01" in out.getvalue() and "PASS" in out.getvalue()


def test_a_pipe_gets_the_quiet_sink() -> None:
    assert isinstance(make_sink(io.StringIO()), QuietSink)
