"""The paths that make a round of the real size affordable: the eligible list read in bulk, the
outcome answered from the published results, and both caches agreeing with the database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from _refkit import ADMIN, running_server
from _systems import drawn_round
from hypothesis import given
from hypothesis import strategies as st

from harness.target import HttpTarget
from targets.reference.config import Settings
from targets.reference.draw import EligibleList
from targets.reference.selection import Selection
from targets.reference.service import Service

_ID = st.text(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-", min_size=1, max_size=64
)


def _lines(ids: list[str]) -> bytes:
    return b"".join(i.encode("ascii") + b"\n" for i in ids)


@given(st.lists(_ID, unique=True, max_size=60))
def test_bulk_lines_freeze_like_a_list_of_ids(ids: list[str]) -> None:
    """Any widths, any order: the same canonical list, published text and digest."""
    expected, got = EligibleList(ids), EligibleList.from_lines(_lines(ids))
    assert (got.ids, got.text, got.digest) == (expected.ids, expected.text, expected.digest)


@given(st.lists(st.text("abcXYZ09_-", min_size=5, max_size=5), unique=True, min_size=1))
def test_bulk_lines_of_one_width_take_the_same_result(ids: list[str]) -> None:
    expected, got = EligibleList(ids), EligibleList.from_lines(_lines(ids))
    assert (got.ids, got.digest) == (expected.ids, expected.digest)


@pytest.mark.parametrize("data", [b"A1\nB2\nA1\n", b"A1\nB2"])
def test_bulk_lines_refuse_duplicates_and_a_missing_final_newline(data: bytes) -> None:
    with pytest.raises(ValueError):
        EligibleList.from_lines(data)


def test_no_lines_is_the_empty_list() -> None:
    assert EligibleList.from_lines(b"").digest == EligibleList([]).digest


def test_selection_answers_role_and_rank_from_the_published_lists() -> None:
    body = json.dumps({"primary": ["p1", "p2"], "reserve": ["r1", "r2", "r3"], "seed": "00"})
    drawn = Selection.from_results(body)
    assert drawn.role("p2") == ("primary", 2) and drawn.role("r1") == ("reserve", 1)
    assert drawn.role("r3") == ("reserve", 3) and drawn.role("nobody") == (None, None)
    assert (drawn.primary, drawn.reserve) == (("p1", "p2"), ("r1", "r2", "r3"))


def test_a_fresh_process_reads_the_same_list_and_outcome(
    any_db_target: HttpTarget, db_url: str
) -> None:
    """With cold caches (a restart, another process) the list comes from the applicants table
    and the outcome from the results record; both equal what was published."""
    tokens, result = drawn_round(any_db_target, "R-cold", 12, 3, 4)
    published_list = any_db_target.applicant_list("R-cold")
    fresh = Service(Settings(admin_token=ADMIN, database_url=db_url))
    try:
        with fresh.db.read() as conn:
            row = fresh.read_round(conn, "R-cold")
            eligible = fresh.eligible(conn, row)
            drawn = fresh.selection(conn, row)
        assert eligible.text == published_list and len(eligible) == len(tokens)
        assert eligible.digest.hex() == result["applicants_digest"]
        assert drawn is not None
        roles: dict[str, Any] = {aid: drawn.role(aid) for aid in tokens}
        for rank, aid in enumerate(result["primary"], start=1):
            assert roles.pop(aid) == ("primary", rank)
        for rank, aid in enumerate(result["reserve"], start=1):
            assert roles.pop(aid) == ("reserve", rank)
        assert set(roles.values()) == {(None, None)}
    finally:
        fresh.close()


def test_a_restarted_server_closes_deposits_from_the_published_lists(
    any_db_target: HttpTarget, db_url: str, tmp_path: Path
) -> None:
    """deposits/close in a new process (cold caches): unpaid primaries forfeit, reserves rise in
    rank order, and /me agrees."""
    tokens, result = drawn_round(any_db_target, "R-close", 12, 3, 4, 100)
    payer = result["primary"][1]
    assert any_db_target.deposit("R-close", tokens[payer], 100, "k").status_code == 201
    with running_server(db_url, tmp_path) as base_url:
        answer = HttpTarget(base_url, ADMIN).close_deposits("R-close", "drawn")
    assert answer["state"] == "promotion" and answer["promoted"] == result["reserve"][:2]
    assert any_db_target.promotions("R-close") == result["reserve"][:2]
    forfeited = any_db_target.me("R-close", tokens[result["primary"][0]])
    assert (forfeited["status"], forfeited["can_deposit"]) == ("forfeited", False)
    risen = any_db_target.me("R-close", tokens[result["reserve"][1]])
    assert (risen["status"], risen["reserve_rank"], risen["can_deposit"]) == ("promoted", 2, True)


def test_before_the_draw_there_is_no_selection(any_db_target: HttpTarget, db_url: str) -> None:
    any_db_target.create_round("R-early", 1, 1, 100)
    fresh = Service(Settings(admin_token=ADMIN, database_url=db_url))
    try:
        with fresh.db.read() as conn:
            assert fresh.selection(conn, fresh.read_round(conn, "R-early")) is None
    finally:
        fresh.close()
