"""Registering a population concurrently: acknowledgement order, refusals, doubt, shed load."""

from __future__ import annotations

import json
import threading

import numpy as np
import requests
from _transports import stub_target

from harness.fairness.enrolment import enrol
from harness.synthetic import people

CROWD = people(np.random.default_rng(3), 60, (2, 1))
REFUSED, BROKEN, SHED = CROWD[5].national_id, CROWD[9].national_id, CROWD[20].national_id


def handler() -> object:
    lock = threading.Lock()
    shed_left = {"n": 2}

    def answer(request: requests.PreparedRequest) -> tuple[int, dict[str, str], bytes]:
        body = json.loads(request.body or b"{}")
        nid = body["national_id"]
        json_type = {"Content-Type": "application/json"}
        if nid == REFUSED:
            return 422, json_type, b'{"error": "invalid_national_id", "message": "no"}'
        if nid == BROKEN:
            return 500, json_type, b'{"error": "internal_error", "message": "oops"}'
        with lock:
            if nid == SHED and shed_left["n"] > 0:
                shed_left["n"] -= 1
                return 503, {**json_type, "Retry-After": "0"}, b'{"error": "unavailable",' \
                                                                 b' "message": "busy"}'
        return 201, json_type, json.dumps({"applicant_id": f"id-{nid}", "token": "t"}).encode()

    return answer


def test_acknowledgements_refusals_and_doubt_are_told_apart() -> None:
    client = stub_target(handler(), "op")  # type: ignore[arg-type]
    result = enrol(client.clone, "R", CROWD, workers=4)
    assert [r["index"] for r in result.refused] == [5]
    assert [r["index"] for r in result.in_doubt] == [9]
    assert result.refused[0]["error"]["status"] == 422
    acknowledged = result.acknowledged
    assert len(acknowledged) == 58 and 20 in acknowledged  # shed twice, then registered
    assert sorted(int(result.ack_order[i]) for i in acknowledged) == list(range(58))
    assert result.applicant_ids[0] == f"id-{CROWD[0].national_id}"
    assert result.applicant_ids[5] is None and int(result.ack_order[5]) == -1
    times = result.ack_seconds[acknowledged]
    assert times[0] == 0.0 and (np.diff(times) >= 0).all()
    assert result.summary()["in_doubt_count"] == 1
