"""Exceptions that the command line turns into one-line messages and exit codes."""

__all__ = ["HarnessError", "TargetError", "UsageError"]


class HarnessError(Exception):
    """Base of the harness's own errors; the message is meant for a person."""


class UsageError(HarnessError):
    """Bad options, files or values supplied by the user (exit code 2)."""


class TargetError(HarnessError):
    """The system under test did not answer as the contract requires."""
