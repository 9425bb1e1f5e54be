"""L-04's crash: kill the system abruptly in the middle of a deposit rush and start it again.

For a built-in target the harness holds the process and SIGKILLs it (``LaunchedTarget.restart``);
for a vendor's system ``--restart-cmd CMD`` runs through the shell and must do the same. Either
way the harness then polls ``/healthz`` until ``restart_timeout`` has passed since the kill.
"""

from __future__ import annotations

import subprocess
import threading
import time
from typing import Any

from harness.errors import TargetError
from harness.suites import SuiteTarget
from harness.target import HttpTarget

__all__ = ["Crash", "can_crash"]

_OUTPUT_CHARS = 2000
_POLL_EVERY = 0.2


def can_crash(target: SuiteTarget) -> bool:
    return target.launched is not None or bool(target.restart_cmd)


class Crash:
    """One kill-and-restart, run in a thread so the rush goes on while the system is down."""

    def __init__(self, target: SuiteTarget, restart_timeout: float) -> None:
        self.target, self.timeout = target, restart_timeout
        self.record: dict[str, Any] = {"triggered": False}
        self._thread: threading.Thread | None = None

    @property
    def triggered(self) -> bool:
        return self._thread is not None

    def trigger(self, acknowledged_before: int) -> None:
        if self._thread is None:
            self.record.update(triggered=True, acknowledged_before=acknowledged_before)
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()

    def wait(self) -> dict[str, Any]:
        """The record of the crash once it is over (bounded by the restart timeout)."""
        if self._thread is not None:
            self._thread.join(self.timeout + 30)
            if self._thread.is_alive():
                self.record.update(came_back=False,
                                   problem="the restart did not finish in its time bound")
        return dict(self.record)

    def _run(self) -> None:
        killed = time.monotonic()
        self.record["killed_at"] = time.time()
        try:
            self._restart()
        except TargetError as exc:
            self.record.update(restart_failed=True, problem=str(exc))
        except subprocess.TimeoutExpired:
            self.record.update(restart_failed=True,
                               problem=f"the restart command ran past {self.timeout:g} s")
        self.record["came_back"] = self._poll_health(killed)
        self.record["down_s"] = time.monotonic() - killed

    def _restart(self) -> None:
        if self.target.launched is not None:
            self.record["method"] = "sigkill"
            self.target.launched.restart()
            return
        self.record["method"] = "restart_cmd"
        # DESIGN.md section 6: --restart-cmd is the user's own shell command, run as given.
        command = str(self.target.restart_cmd)
        done = subprocess.run(command, shell=True, capture_output=True,  # noqa: S602 # nosec B602
                              timeout=self.timeout, check=False)
        output = (done.stdout + done.stderr).decode("utf-8", errors="replace")
        self.record.update(command_exit=done.returncode, command_output=output[-_OUTPUT_CHARS:])
        if done.returncode != 0:
            self.record.update(restart_failed=True,
                               problem=f"the restart command exited with {done.returncode}")

    def _poll_health(self, killed: float) -> bool:
        with HttpTarget(self.target.base_url, deadline=2.0) as probe:
            while time.monotonic() - killed < self.timeout:
                try:
                    probe.health()
                    return True
                except TargetError:
                    time.sleep(_POLL_EVERY)
        return False
