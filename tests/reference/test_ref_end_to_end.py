"""(a) A full round over HTTP against a real server process, on SQLite and PostgreSQL.

1,000 registrations, close, commit, draw with a beacon; the published draw is replayed with the
harness's independent ACS-DRAW-1 and checked against its commitment; every applicant's /me agrees
with the results; deposits, promotion in rank order, promoted deposits, final state; the audit
chain verifies.
"""

from __future__ import annotations

import hashlib
import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from _refkit import ADMIN
from _systems import register_many, thread_clones, verify_chain

from harness.fairness.replay import derive_seed, replay_draw, results_digest, seed_commitment
from harness.target import HttpTarget

pytestmark = pytest.mark.slow

N, K, R, AMOUNT = 1000, 100, 30, 2500
RID = "round_2026-e2e"
BEACON = "00ff" * 16
ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def statuses(t: HttpTarget, tokens: dict[str, str]) -> dict[str, tuple[str, Any, bool]]:
    def one(item: tuple[str, str]) -> tuple[str, tuple[str, Any, bool]]:
        body = mine().me(RID, item[1])
        assert body["applicant_id"] == item[0]
        return item[0], (body["status"], body["reserve_rank"], body["can_deposit"])

    with thread_clones(t) as mine, ThreadPoolExecutor(8) as pool:
        return dict(pool.map(one, tokens.items()))


def pay_all(t: HttpTarget, tokens: dict[str, str], ids: list[str]) -> None:
    def one(applicant: str) -> int:
        return mine().deposit(RID, tokens[applicant], AMOUNT, f"pay-{applicant}").status_code

    with thread_clones(t) as mine, ThreadPoolExecutor(8) as pool:
        assert set(pool.map(one, ids)) <= {201}


def verify_draw(result: dict[str, Any], committed: dict[str, Any], tokens: dict[str, str]) -> None:
    server_seed = bytes.fromhex(result["server_seed"])
    assert seed_commitment(server_seed).hex() == committed["seed_commitment"]
    assert result["seed_commitment"] == committed["seed_commitment"]
    seed = derive_seed(server_seed, bytes.fromhex(BEACON))
    assert result["seed"] == seed.hex() and result["beacon"] == BEACON
    replay = replay_draw(RID, list(tokens), K, R, seed)
    assert result["primary"] == replay.primary and result["reserve"] == replay.reserve
    assert result["applicants_digest"] == replay.applicants_digest
    assert result["applicants"] == N and result["algorithm"] == "ACS-DRAW-1"
    assert result["results_digest"] == results_digest(result)
    assert result["published_at"].endswith("Z")


def test_full_round_over_http(server: str) -> None:
    with HttpTarget(server, ADMIN) as t:
        assert t.create_round(RID, K, R, AMOUNT)["state"] == "registration"
        tokens = register_many(t, RID, N)
        assert len(tokens) == N and all(ID.fullmatch(a) for a in tokens)
        assert len(set(tokens.values())) == N and min(map(len, tokens.values())) >= 43
        closed = t.close_registration(RID)
        listed = t.applicant_list(RID)
        assert listed == "".join(f"{a}\n" for a in sorted(tokens)).encode()
        assert hashlib.sha256(listed).hexdigest() == closed["applicants_digest"]
        committed = t.commit(RID, "public beacon, pulse 12345")
        assert committed["beacon_source"] == "public beacon, pulse 12345"
        result = t.draw(RID, BEACON)
        assert t.results(RID) == result
        verify_draw(result, committed, tokens)
        primary, reserve = result["primary"], result["reserve"]

        seen = statuses(t, tokens)
        for applicant, status in seen.items():
            if applicant in primary:
                assert status == ("primary", None, True)
            elif applicant in reserve:
                assert status == ("reserve", reserve.index(applicant) + 1, False)
            else:
                assert status == ("not_selected", None, False)

        unpaid = primary[::10]  # ten primaries never pay
        pay_all(t, tokens, [a for a in primary if a not in unpaid])
        assert t.close_deposits(RID, "drawn") == {"state": "promotion", "promoted": reserve[:10]}
        assert t.promotions(RID) == reserve[:10]
        pay_all(t, tokens, reserve[:6])
        assert t.close_deposits(RID, "promotion") == {"state": "final", "promoted": []}

        final = statuses(t, tokens)
        assert {final[a] for a in unpaid} == {("forfeited", None, False)}
        assert {final[a][0] for a in primary if a not in unpaid} == {"primary"}
        assert [final[a] for a in reserve[:6]] == [("promoted", k, False) for k in range(1, 7)]
        assert {final[a] for a in reserve[6:10]} == {("forfeited", None, False)}
        assert [final[a] for a in reserve[10:]] == [("reserve", k, False) for k in range(11, R + 1)]
        ledger = t.ledger(RID)
        assert sorted(e["applicant_id"] for e in ledger) == sorted(
            [a for a in primary if a not in unpaid] + reserve[:6])
        assert {e["amount"] for e in ledger} == {AMOUNT}
        assert t.results(RID) == result  # published results never change
        entries = t.audit(RID)
        verify_chain(entries, RID)
        assert [e["event"] for e in entries].count("deposit") == len(ledger)
        assert t.get_round(RID)["state"] == "final"
