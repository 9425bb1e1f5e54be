"""Evidence never quotes a token; the operator token never reaches a round the run did not make."""

from __future__ import annotations

import pytest

from harness.launcher import launch
from harness.profiles import load_profile
from harness.security.context import ForeignRound, ProbeContext
from harness.security.exchange import Redactor
from harness.security.fixtures import make_round
from harness.seeds import RunSeed
from harness.suites import SuiteTarget


def test_redactor_masks_known_and_unknown_tokens() -> None:
    redact = Redactor()
    redact.add("s3cr3t-operator-token", "operator token")
    text = redact('{"token": "abc123", "x": "s3cr3t-operator-token"} Bearer qwerty')
    assert "s3cr3t" not in text and "abc123" not in text and "qwerty" not in text
    assert "[operator token]" in text


@pytest.fixture(scope="module")
def context() -> ProbeContext:
    with launch("reference") as target:
        settings = load_profile("quick").section("security")
        ctx = ProbeContext.open(SuiteTarget(target.name, target.base_url, target.admin_token),
                                settings, RunSeed(bytes(32)), 1e12)
        yield ctx
        ctx.close()


def test_operator_token_refused_on_foreign_rounds(context: ProbeContext) -> None:
    for method, path, body in [("GET", "/v1/rounds/someone-else/audit", None),
                               ("POST", "/v1/rounds", {"round_id": "prod-2026"}),
                               ("DELETE", "/v1/rounds", None)]:
        with pytest.raises(ForeignRound):
            context.operator(method, path, body)


def test_own_rounds_are_allowed_and_tokens_never_quoted(context: ProbeContext) -> None:
    fixture = make_round(context, "guard", size=2, primary=1, until="drawn")
    assert fixture.round_id.startswith(context.own_prefix)
    exchange = context.operator("GET", f"/v1/rounds/{fixture.round_id}/audit")
    assert exchange.status == 200
    quoted = str([e.evidence() for e in context.recorder.log])
    for secret in [context.operator_token] + [a.token for a in fixture.applicants]:
        assert secret not in quoted
