"""Defect ``results-redrawable``: a drawn round can be drawn again, replacing its results.

The contract allows one draw per round: ``draw`` on a round already ``drawn`` answers 409
``wrong_state``, and the published results never change. Here the operator's second draw is
taken as a "redraw": while the deposit window is open the system quietly steps the round back,
commits a fresh server seed and draws again, so the answer and every later read carry a new seed,
new lists and a new ``results_digest`` (I-05). This is what a "draw again" button does when the
results store is an ordinary table: the results table loses its append-only guard so that the
redraw can replace the row. Each redrawn result is self-consistent (its seed matches its own new
commitment), so replaying the draw alone does not show the fault; the changed publication does.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from targets.faulty.defect import Defect

__all__ = ["DEFECT"]


def apply() -> None:
    from targets.reference import rounds, schema

    if getattr(rounds.draw, "_faulty", False):
        return  # already applied in this process
    schema.trigger_ddl = _results_unguarded(schema.trigger_ddl)  # type: ignore[assignment]
    rounds.draw = _redrawable(rounds.draw)


def _results_unguarded(trigger_ddl: Callable[[str], list[str]]) -> Callable[[str], list[str]]:
    """The append-only triggers of every table but ``results``."""
    def unguarded(dialect: str) -> list[str]:
        return [ddl for ddl in trigger_ddl(dialect) if " ON results " not in ddl]

    return unguarded


def _redrawable(draw: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    def redrawable(svc: Any, token: str | None, round_id: str, raw: bytes) -> dict[str, Any]:
        from targets.reference import rounds

        svc.require_operator(token)
        beacon_source = _reopen(svc, round_id, raw)
        if beacon_source is not None:  # the round is back in ``closed``: commit and draw anew
            rounds.commit(svc, token, round_id,
                          json.dumps({"beacon_source": beacon_source}).encode())
        return draw(svc, token, round_id, raw)

    redrawable._faulty = True  # type: ignore[attr-defined]
    return redrawable


def _reopen(svc: Any, round_id: str, raw: bytes) -> str | None:
    """For a ``drawn`` round and a well-formed body: drop its results and step it back to
    ``closed``; the round's beacon source, or None when nothing was reopened."""
    from sqlalchemy import delete, update

    from targets.reference import schema
    from targets.reference.errors import ApiError
    from targets.reference.validation import optional_hex, parse_object

    try:  # a malformed body leaves the round alone: the original draw then refuses it
        optional_hex(parse_object(raw, empty_is_object=True), "beacon", 128)
    except ApiError:
        return None
    with svc.db.write() as conn:
        row = svc.locked_round(conn, round_id)
        if row.state != "drawn":
            return None
        conn.execute(delete(schema.results).where(schema.results.c.round_id == round_id))
        conn.execute(update(schema.rounds).where(schema.rounds.c.round_id == round_id)
                     .values(state="closed"))
        return str(row.beacon_source or "")


DEFECT = Defect(
    name="results-redrawable",
    must_fail=("I-05",),
    description="a drawn round can be drawn again while its deposit window is open: a fresh"
    " server seed and new lists replace the published results",
    apply=apply,
)
