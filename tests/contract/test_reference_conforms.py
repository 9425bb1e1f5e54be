"""Every response the reference gives in a full round conforms to the ASTI-1 document.

This holds the reference system and targets/contract/openapi.yaml to each other: a response with
an undocumented status, a body off its schema, a wrong error code or a missing security header
fails here, whichever of the two is wrong.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from _transports import in_process
from fastapi.testclient import TestClient

from harness.contract import Contract
from harness.target import HttpTarget
from targets.reference.app import create_app
from targets.reference.config import Settings

ADMIN = "conformance-operator-token"


def national_id(n: int) -> str:
    prefix = f"{n:09d}"
    remainder = sum(int(d) * (10 - i) for i, d in enumerate(prefix)) % 11
    return prefix + str(remainder if remainder < 2 else 11 - remainder)


class Recorder:
    """Collects (method, path, status, problems) for every response through the client."""

    def __init__(self, contract: Contract) -> None:
        self.contract = contract
        self.seen: list[tuple[str, str, int, list[str]]] = []
        self.errors: set[tuple[str, str, int, str]] = set()

    def __call__(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        method, path = response.request.method or "", urlsplit(response.request.path_url).path
        problems = self.contract.check(
            method, path, response.status_code, dict(response.headers), response.content
        )
        self.seen.append((method, path, response.status_code, problems))
        if response.status_code >= 400 and not problems:
            self.errors.add((method, path, response.status_code, response.json()["error"]))


@pytest.fixture(params=[False, True], ids=["lab off", "lab on"])
def recorded(tmp_path: Path, request: pytest.FixtureRequest):
    url = f"sqlite:///{tmp_path / 'c.db'}"
    app = create_app(Settings(admin_token=ADMIN, database_url=url, lab=request.param))
    recorder = Recorder(Contract.load())
    with TestClient(app, raise_server_exceptions=False) as client:
        target = in_process(client, ADMIN)
        target.session.hooks["response"].append(recorder)
        yield target, recorder, request.param


def play_a_round(target: HttpTarget) -> None:
    """A round from creation to final, with the errors a careless client would provoke."""
    target.health()
    target.create_round("C-1", 4, 3, 500)
    target.request("POST", "/v1/rounds", token=ADMIN, json={"round_id": "C-1"})
    target.request("POST", "/v1/rounds", json={"round_id": "C-2"})
    target.request("POST", "/v1/rounds", token=ADMIN, content=b"{not json")
    target.get_round("C-1")
    target.request("GET", "/v1/rounds/none")
    tokens, person_of = {}, {}
    for n in range(1, 13):
        made = target.register("C-1", national_id(n), f"Person {n}", "North")
        tokens[made["applicant_id"]] = made["token"]
        person_of[made["applicant_id"]] = n
    # C-3: the same twelve people, everyone a primary, open at the same time as C-1
    target.create_round("C-3", 12, 0, 500)
    elsewhere = {
        n: target.register("C-3", national_id(n), f"Person {n}", "North")["token"]
        for n in range(1, 13)
    }
    target.close_registration("C-3")
    target.commit("C-3")
    target.draw("C-3", None)
    registrations = "/v1/rounds/C-1/registrations"
    target.request(
        "POST", registrations, json={"national_id": "0000000000", "name": "a", "region": "b"}
    )
    target.request(
        "POST", registrations, json={"national_id": national_id(1), "name": "a", "region": "b"}
    )
    target.request("POST", registrations, json={"national_id": "12", "name": "a", "region": "b"})
    target.request("GET", "/v1/rounds/C-1/results")
    target.request("GET", "/v1/rounds/C-1/applicants")
    target.request("POST", "/v1/rounds/C-1/draw", token=ADMIN, json={})
    target.close_registration("C-1")
    target.request(
        "POST", registrations, json={"national_id": national_id(99), "name": "a", "region": "b"}
    )
    target.applicant_list("C-1")
    lab = {"token": ADMIN}
    target.request("POST", "/v1/lab/rounds/C-1/draws", json={"seeds": ["ab" * 32] * 3}, **lab)
    target.request("POST", "/v1/lab/rounds/C-1/draws", json={"seeds": []}, **lab)
    target.request(
        "POST", "/v1/lab/rounds/C-1/random", json={"seed": "ab" * 32, "n_bytes": 64}, **lab
    )
    target.request("POST", "/v1/lab/server-seeds", json={"count": 2}, **lab)
    target.request("POST", "/v1/lab/server-seeds", json={"count": 2})
    target.commit("C-1", beacon_source="pulse 1")
    results = target.draw("C-1", "beef")
    assert (results["primary_slots"], results["reserve_slots"]) == (4, 3)
    target.results("C-1")
    first, reserve = results["primary"][0], results["reserve"][0]
    for token in tokens.values():
        target.me("C-1", token)
    target.request("GET", "/v1/rounds/C-1/me")
    target.request("GET", "/v1/rounds/C-1/me", token=ADMIN)
    target.deposit("C-1", tokens[first], 500, "k1")
    target.deposit("C-1", tokens[first], 500, "k1")
    target.deposit("C-1", tokens[first], 400, "k1")
    target.deposit("C-1", tokens[first], 500, "k2")
    target.deposit("C-1", tokens[reserve], 500, "k1")
    target.deposit("C-1", tokens[results["primary"][1]], 499, "k1")
    target.request("POST", "/v1/rounds/C-1/deposits", token=tokens[first], json={"amount": 500})
    target.me("C-3", elsewhere[person_of[first]])  # can_deposit false: paid in C-1
    target.deposit("C-3", elsewhere[person_of[first]], 500, "k1")  # 403 previous_winner
    target.ledger("C-1")
    target.request("GET", "/v1/rounds/C-1/deposits", token=tokens[first])
    closing = "/v1/rounds/C-1/deposits/close"
    target.request("POST", closing, token=ADMIN)  # no body: 422
    target.request("POST", closing, token=ADMIN, json={"expected_state": "final"})  # 422
    target.request("POST", closing, token=ADMIN, json={"expected_state": "promotion"})  # 409
    target.close_deposits("C-1", "drawn")
    target.request("POST", closing, token=ADMIN, json={"expected_state": "drawn"})  # retry: 409
    target.promotions("C-1")
    target.deposit("C-1", tokens[reserve], 500, "k1")
    target.close_deposits("C-1", "promotion")
    target.request("POST", closing, token=ADMIN, json={"expected_state": "promotion"})  # 409
    target.audit("C-1")
    target.request("GET", "/v1/rounds/C-1/audit", token=tokens[first])


def test_every_response_of_a_full_round_conforms(recorded) -> None:
    target, recorder, lab = recorded
    play_a_round(target)
    lab_statuses = {s for _, path, s, _ in recorder.seen if path.startswith("/v1/lab/")}
    assert lab_statuses == ({200, 401, 422} if lab else {404})
    statuses = {status for _, _, status, _ in recorder.seen}
    assert {200, 201, 400, 401, 403, 404, 409, 422} <= statuses
    assert len(recorder.seen) > 50
    bad = [(m, p, s, problems) for m, p, s, problems in recorder.seen if problems]
    assert bad == []
    assert {
        ("POST", "/v1/rounds/C-3/deposits", 403, "previous_winner"),
        ("POST", "/v1/rounds/C-1/deposits/close", 422, "invalid_request"),
        ("POST", "/v1/rounds/C-1/deposits/close", 409, "wrong_state"),
    } <= recorder.errors
