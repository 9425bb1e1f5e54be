"""``harness security``: requirements S-01 to S-09 against one system (the target options only)."""

from __future__ import annotations

from typing import Any

from harness.cli.target_options import add_suite_command

__all__ = ["register"]


def register(commands: Any) -> None:
    add_suite_command(
        commands, "security",
        "assess security (S-01..S-09): operator authentication, applicant isolation, injection,"
        " token and seed unpredictability, deposit replay, error leakage and headers, contract"
        " fuzzing with schemathesis, static analysis of the source with bandit",
    )
