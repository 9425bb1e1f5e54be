"""The wire: every exchange recorded, tokens redacted, contract-allowed refusals not judged."""

from __future__ import annotations

import json

import pytest
from _stub import Scripted, example

from harness.invariants.wire import Call, Interrupted

CREATED = {"round_id": "lab-test-l1-a", "state": "registration"}


def _busy_then(times: int, final: tuple[int, object]):
    state = {"n": 0}

    def answer(method, path, body, headers):
        state["n"] += 1
        if state["n"] <= times:
            return 503, {"error": "unavailable", "message": "busy"}, {"Retry-After": "0"}
        return final

    return answer


def test_a_503_on_a_read_or_a_deposit_is_sent_again_and_counted_not_judged() -> None:
    ex, _ = example(Scripted(_busy_then(2, (200, CREATED))))
    reply = ex.wire.send("read", Call("GET", "/v1/rounds/r"), "I-01")
    assert reply.status == 200 and reply.after_transient
    assert [x.reply.status for x in ex.wire.trace.exchanges] == [503, 503, 200]
    assert ex.wire.counts["status_503"] == 2
    ex, _ = example(Scripted(_busy_then(1, (201, {}))))
    pay = Call("POST", "/v1/rounds/r/deposits", "t", {"amount": 5}, {"Idempotency-Key": "k"})
    assert ex.wire.send("pay", pay, "I-03", repeatable=True).status == 201


def test_another_write_is_not_repeated_after_a_503_whose_effect_is_unknown() -> None:
    ex, _ = example(Scripted(_busy_then(1, (201, CREATED))))
    with pytest.raises(Interrupted) as caught:
        ex.wire.send("create", Call("POST", "/v1/rounds", "op-token", {}), "I-01")
    assert caught.value.reason == "transient_503" and len(ex.wire.trace.exchanges) == 1


@pytest.mark.parametrize(("answer", "reason"), [
    (_busy_then(10, (200, CREATED)), "transient_503"),
    (lambda *a: (500, b"<h1>Internal Server Error</h1>"), "server_error"),
    (lambda *a: None, "no_answer"),
])
def test_what_cannot_be_judged_interrupts_the_example(answer, reason: str) -> None:
    ex, _ = example(Scripted(answer))
    with pytest.raises(Interrupted) as caught:
        ex.wire.send("read", Call("GET", "/v1/rounds/x"), "I-01")
    assert caught.value.reason == reason and caught.value.requirement == "I-01"


def test_guard_counts_an_interruption_and_ends_the_example_quietly() -> None:
    ex, seen = example(Scripted(lambda *a: (502, b"bad gateway")))
    with ex.guard():
        ex.create_round("a", 1, 1, 5)
    assert ex.stopped and isinstance(seen[0], Interrupted)


def test_evidence_never_holds_a_token() -> None:
    def answer(method, path, body, headers):
        return 201, {"applicant_id": "app-1", "token": "secret-applicant-token"}

    ex, _ = example(Scripted(answer))
    ex.wire.send("register", Call("POST", "/v1/rounds/r/registrations", None, {}), "I-06")
    ex.wire.send("me", Call("GET", "/v1/rounds/r/me", "secret-applicant-token"), "I-02")
    ex.wire.send("audit", Call("GET", "/v1/rounds/r/audit", "op-token"), "I-05")
    ex.wire.trace.label_token("secret-applicant-token", "P0@a")
    text = json.dumps(ex.wire.trace.evidence())
    assert "secret-applicant-token" not in text and "op-token" not in text
    assert "<token P0@a>" in text and "<operator-token>" in text


def test_a_token_in_any_answer_is_redacted_even_one_the_model_refuses() -> None:
    ex, _ = example(Scripted(lambda *a: (201, {"applicant_id": "x", "token": "dup-token-9"})))
    ex.wire.send("register twice", Call("POST", "/v1/rounds/r/registrations", None, {}), "I-06")
    assert "dup-token-9" not in json.dumps(ex.wire.trace.evidence())
