"""``harness fairness``: requirements F-01 to F-07 against one system (the target options only)."""

from __future__ import annotations

from typing import Any

from harness.cli.target_options import add_suite_command

__all__ = ["register"]


def register(commands: Any) -> None:
    add_suite_command(
        commands, "fairness",
        "assess draw fairness (F-01..F-07): uniformity, order and attribute independence,"
        " replay of real rounds, SP 800-22 on the seed source and the draw stream",
    )
