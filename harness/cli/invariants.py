"""``harness invariants``: requirements I-01 to I-06 against one system (target options only)."""

from __future__ import annotations

from typing import Any

from harness.cli.target_options import add_suite_command

__all__ = ["register"]


def register(commands: Any) -> None:
    add_suite_command(
        commands, "invariants",
        "property-test the primary/reserve/deposit invariants (I-01..I-06): whole rounds and a"
        " stateful model with concurrent steps, shrunk failing examples replayable with curl",
    )
