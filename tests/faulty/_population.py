"""A closed round of applicants registered one after another, for the defect tests."""

from __future__ import annotations

from typing import Any

from harness.target import HttpTarget


def national_id(n: int) -> str:
    """The valid national id whose first nine digits are ``n`` (ASTI-1 check-digit rule)."""
    prefix = f"{n:09d}"
    remainder = sum(int(d) * (10 - i) for i, d in enumerate(prefix)) % 11
    return prefix + str(remainder if remainder < 2 else 11 - remainder)


def closed_round(target: HttpTarget, round_id: str, count: int, primary: int,
                 reserve: int) -> list[str]:
    """Create, register ``count`` people in turn and close; the ids in registration order."""
    target.create_round(round_id, primary, reserve, 100)
    order = [
        target.register(round_id, national_id(100_000 + i), f"Person {i}", f"region-{i % 3}")[
            "applicant_id"]
        for i in range(count)
    ]
    target.close_registration(round_id)
    return order


def assert_valid(draw: dict[str, Any], eligible: list[str], primary: int, reserve: int) -> None:
    """Right sizes, no one twice, only eligible ids: what a careless check would call correct."""
    picked = draw["primary"] + draw["reserve"]
    assert len(draw["primary"]) == primary and len(draw["reserve"]) == reserve
    assert len(set(picked)) == len(picked) and set(picked) <= set(eligible)
