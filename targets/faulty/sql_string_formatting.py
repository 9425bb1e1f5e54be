"""Defect ``sql-string-formatting``: a round is looked up with its id formatted into the SQL.

Reading a round by id builds ``SELECT ... WHERE round_id = '<id>'`` by string formatting and hands
it straight to the driver's ``execute``, without the id-pattern check before it. A quote in a
round id then changes the statement: ``x' OR '1'='1`` names the first round there is, and a lone
quote breaks the statement (a server error). The rest of the reference is unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from targets.faulty.defect import Defect

__all__ = ["DEFECT"]


def apply() -> None:
    from targets.reference.service import Service

    if getattr(Service.read_round, "_faulty", False):
        return
    Service.read_round = _formatted(Service.read_round)  # type: ignore[method-assign]


def _formatted(read_round: Callable[..., Any]) -> Callable[..., Any]:
    def read_round_by_text(self: Any, conn: Any, round_id: str) -> Any:
        cursor = conn.connection.cursor()
        cursor.execute(f"SELECT round_id FROM rounds WHERE round_id = '{round_id}'")
        found = cursor.fetchone()
        return read_round(self, conn, found[0] if found else round_id)

    read_round_by_text._faulty = True  # type: ignore[attr-defined]
    return read_round_by_text


DEFECT = Defect(
    name="sql-string-formatting",
    must_fail=("S-03", "S-09"),
    description="rounds are read with the round id formatted into the SQL text and passed"
    " straight to execute (SQL injection through the path)",
    apply=apply,
)
