"""The contract model: the /me table and the decision orders of ASTI-1 section 4, cell by cell."""

from __future__ import annotations

import pytest

from harness.invariants.model import (
    Applicant,
    Expect,
    RoundModel,
    World,
    close_deposits_outcome,
    deposit_outcome,
    forfeits_and_promotions,
    register_outcome,
    standing,
    transition_outcome,
)

NID = {name: nid for name, nid in zip("ABCDEFG", ["0000000019", "0000000027", "0000000035",
                                                  "0000000043", "0000000051", "0000000061",
                                                  "0000000078"], strict=True)}


def _world(state: str = "drawn", paid: tuple[str, ...] = (), promoted: tuple[str, ...] = ()
           ) -> tuple[World, RoundModel]:
    """Round R: A, B primary; C, D, E reserve (ranks 1..3); F not selected."""
    world = World()
    r = RoundModel("R", 2, 3, 100, state=state)
    for name in "ABCDEF":
        r.applicants[name] = Applicant(name, f"t-{name}", NID[name], "R", name)
    r.results = {"primary": ["A", "B"], "reserve": ["C", "D", "E"]}
    r.promoted = promoted
    for name in paid:
        r.deposits[name] = {"deposit_id": f"d-{name}", "amount": 100}
        world.paid[NID[name]] = "R"
    world.rounds["R"] = r
    return world, r


def _me(world: World, r: RoundModel, name: str) -> tuple[str, int | None, bool]:
    s = standing(world, r, r.applicants[name])
    return s.status, s.reserve_rank, s.can_deposit


@pytest.mark.parametrize("state", ["registration", "closed", "committed"])
def test_before_the_draw_everyone_is_registered(state: str) -> None:
    world, r = _world(state)
    assert {_me(world, r, n) for n in "ABCDEF"} == {("registered", None, False)}


def test_drawn_row_of_the_table() -> None:
    world, r = _world("drawn", paid=("A",))
    assert _me(world, r, "A") == ("primary", None, False)
    assert _me(world, r, "B") == ("primary", None, True)
    assert _me(world, r, "C") == ("reserve", 1, False)
    assert _me(world, r, "E") == ("reserve", 3, False)
    assert _me(world, r, "F") == ("not_selected", None, False)


def test_promotion_row_of_the_table() -> None:
    world, r = _world("promotion", paid=("A", "C"), promoted=("C", "D"))
    assert _me(world, r, "A") == ("primary", None, False)
    assert _me(world, r, "B") == ("forfeited", None, False)
    assert _me(world, r, "C") == ("promoted", 1, False)
    assert _me(world, r, "D") == ("promoted", 2, True)
    assert _me(world, r, "E") == ("reserve", 3, False)


def test_final_row_of_the_table() -> None:
    world, r = _world("final", paid=("A", "C"), promoted=("C", "D"))
    assert _me(world, r, "B") == ("forfeited", None, False)
    assert _me(world, r, "C") == ("promoted", 1, False)
    assert _me(world, r, "D") == ("forfeited", None, False)
    assert _me(world, r, "E") == ("reserve", 3, False)


def test_a_person_who_paid_in_another_round_keeps_the_status_but_cannot_pay() -> None:
    world, r = _world("drawn")
    world.paid[NID["B"]] = "other-round"
    assert _me(world, r, "B") == ("primary", None, False)
    assert deposit_outcome(world, r, r.applicants["B"], "k", 100) == Expect(403, "previous_winner")
    assert deposit_outcome(world, r, r.applicants["B"], "k", 99) == Expect(403, "previous_winner")
    assert deposit_outcome(world, r, r.applicants["C"], "k", 100) == Expect(403, "not_entitled")


def test_deposit_decision_order() -> None:
    world, r = _world("drawn", paid=("A",))
    a, b, c = (r.applicants[n] for n in "ABC")
    r.keys[("A", "used")] = 100
    assert deposit_outcome(world, r, b, "", 100) == Expect(400, "idempotency_key_required")
    assert deposit_outcome(world, r, b, "k" * 201, 100) == Expect(400, "idempotency_key_required")
    assert deposit_outcome(world, r, b, "k", 0) == Expect(422, "invalid_request")
    assert deposit_outcome(world, r, b, "k", True) == Expect(422, "invalid_request")
    assert deposit_outcome(world, r, a, "used", 100) == Expect(200)
    assert deposit_outcome(world, r, a, "used", 7) == Expect(422, "idempotency_mismatch")
    assert deposit_outcome(world, r, a, "new", 100) == Expect(409, "already_deposited")
    assert deposit_outcome(world, r, c, "k", 7) == Expect(403, "not_entitled")
    assert deposit_outcome(world, r, b, "k", 7) == Expect(422, "wrong_amount")
    assert deposit_outcome(world, r, b, "k", 100) == Expect(201)
    r.state = "final"
    assert deposit_outcome(world, r, a, "used", 100) == Expect(200)  # replay before the window
    assert deposit_outcome(world, r, b, "k", 100) == Expect(409, "window_closed")


def test_registration_decision_order() -> None:
    world, r = _world("registration")
    world.paid[NID["G"]] = "other-round"
    assert register_outcome(world, "nope", "123") == Expect(404, "not_found")
    assert register_outcome(world, "R", "123") == Expect(422, "invalid_request")
    assert register_outcome(world, "R", "0000000018") == Expect(422, "invalid_national_id")
    assert register_outcome(world, "R", NID["G"]) == Expect(403, "previous_winner")
    assert register_outcome(world, "R", NID["A"]) == Expect(409, "duplicate_registration")
    r.state = "closed"
    assert register_outcome(world, "R", "0000000018") == Expect(422, "invalid_national_id")
    assert register_outcome(world, "R", NID["G"]) == Expect(409, "registration_closed")


def test_transitions_and_window_closes() -> None:
    _, r = _world("committed")
    assert transition_outcome(r, "draw") == Expect(200)
    assert transition_outcome(r, "close") == Expect(409, "wrong_state")
    r.state = "drawn"
    assert close_deposits_outcome(r, "drawn") == Expect(200)
    assert close_deposits_outcome(r, "promotion") == Expect(409, "wrong_state")
    assert close_deposits_outcome(r, "final") == Expect(422, "invalid_request")
    assert close_deposits_outcome(r, None) == Expect(422, "invalid_request")


def test_promotion_takes_as_many_reserves_as_forfeits_in_rank_order() -> None:
    _, r = _world("drawn", paid=("B",))
    assert forfeits_and_promotions(r) == (["A"], ["C"])
    _, r = _world("drawn")
    assert forfeits_and_promotions(r) == (["A", "B"], ["C", "D"])
    r.results = {"primary": ["A", "B"], "reserve": ["C"]}
    assert forfeits_and_promotions(r) == (["A", "B"], ["C"])  # reserves ran out
