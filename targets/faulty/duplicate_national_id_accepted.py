"""Defect ``duplicate-national-id-accepted``: one person can register twice in a round.

The one-registration-per-person rule is lost: when a national id is already registered in the
round, the system registers the person again under a second entry (here: stored under a key
derived from the id, which the uniqueness check does not recognise) and answers 201. The person
then holds two chances in the draw. Everything else about registration still holds (I-06).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from targets.faulty.defect import Defect

__all__ = ["DEFECT"]


def apply() -> None:
    from targets.reference import registration

    if getattr(registration.register, "_faulty", False):
        return  # already applied in this process
    registration.register = _twice(registration.register)


def _twice(register: Callable[..., dict[str, str]]) -> Callable[..., dict[str, str]]:
    def register_again(svc: Any, round_id: str, raw: bytes) -> dict[str, str]:
        from targets.reference.errors import ApiError

        try:
            return register(svc, round_id, raw)
        except ApiError as refused:
            if refused.code != "duplicate_registration":
                raise
        hashed = svc.hash_national_id

        class _Again:  # the second entry's key: the id's hash, hashed once more
            def __call__(self, national_id: str) -> str:
                return hashed(hashed(national_id))

        shadow = _Shadow(svc, _Again())
        return register(shadow, round_id, raw)

    register_again._faulty = True  # type: ignore[attr-defined]
    return register_again


class _Shadow:
    """The service with another national-id hash; everything else is the service itself."""

    def __init__(self, svc: Any, hasher: Any) -> None:
        self._svc = svc
        self.hash_national_id = hasher

    def __getattr__(self, name: str) -> Any:
        return getattr(self._svc, name)


DEFECT = Defect(
    name="duplicate-national-id-accepted",
    must_fail=("I-06",),
    description="a national id already registered in the round is registered again",
    apply=apply,
)
