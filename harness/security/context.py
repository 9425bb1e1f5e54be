"""What every security check is given: the target, the recorder, the run's rounds, the budget.

The operator token is only ever sent to the rounds this run created (``lab-<run part>-...``),
to ``POST /v1/rounds`` creating one of them, and to the lab seed source: ``ProbeContext.send``
refuses anything else before it reaches the network (DESIGN.md section 8). Fuzzing and injection
with other ids go without a token or with an applicant token.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from harness.contract import Contract
from harness.errors import TargetProtocolError
from harness.security.exchange import Exchange, Recorder, Redactor
from harness.security.settings import SecuritySettings
from harness.seeds import RunSeed
from harness.suites import SuiteTarget
from harness.target import HttpTarget

__all__ = ["ForeignRound", "ProbeContext"]

_ROUND_PATH = re.compile(r"^/v1/(?:lab/)?rounds/([^/?]+)")
_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _parsed(content: bytes) -> Any:
    try:
        return json.loads(content)
    except (ValueError, RecursionError):
        return None


class ForeignRound(AssertionError):
    """A check tried to use the operator token on a round this run did not create (a bug)."""


@dataclass
class ProbeContext:
    target: SuiteTarget
    settings: SecuritySettings
    run_seed: RunSeed
    recorder: Recorder
    deadline: float  # time.monotonic() by which the suite must end
    contract: Contract
    progress: Any = None  # EventSink.progress, or None

    @classmethod
    def open(cls, target: SuiteTarget, settings: SecuritySettings, run_seed: RunSeed,
             deadline: float, progress: Any = None) -> ProbeContext:
        redact = Redactor()
        redact.add(target.admin_token, "operator token")
        client = HttpTarget(target.base_url, None, deadline=settings.request_deadline)
        return cls(target, settings, run_seed, Recorder(client, redact), deadline,
                   Contract.load(), progress)

    def close(self) -> None:
        self.recorder.client.close()

    # time --------------------------------------------------------------------------------------

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def step(self, what: str, done: int, total: int | None) -> None:
        if self.progress is not None:
            self.progress(what, done, total)

    # requests ----------------------------------------------------------------------------------

    @property
    def operator_token(self) -> str:
        return self.target.admin_token

    @property
    def own_prefix(self) -> str:
        return f"lab-{self.run_seed.run_part}-"

    def round_id(self, purpose: str) -> str:
        return self.run_seed.round_id(f"s{purpose}")

    def send(self, method: str, path: str, *, caller: str = "none", token: str | None = None,
             json_body: Any = None, content: bytes | None = None,
             headers: Mapping[str, str] | None = None, raise_errors: bool = True,
             client: HttpTarget | None = None) -> Exchange:
        if token is not None and token == self.operator_token:
            self._check_own(method, path, json_body if content is None else _parsed(content))
        return self.recorder.send(method, path, caller=caller, token=token, json_body=json_body,
                                  content=content, headers=headers, raise_errors=raise_errors,
                                  client=client)

    def operator(self, method: str, path: str, json_body: Any = None, **kwargs: Any) -> Exchange:
        return self.send(method, path, caller="operator", token=self.operator_token,
                         json_body=json_body, **kwargs)

    def _check_own(self, method: str, path: str, body: Any) -> None:
        if path == "/v1/lab/server-seeds" or path.startswith("/healthz"):
            return
        if path == "/v1/rounds" and method == "POST":
            rid = body.get("round_id") if isinstance(body, dict) else None
            # A body without a well-formed id cannot name anyone's round.
            if not isinstance(rid, str) or not _ID.fullmatch(rid) or \
                    rid.startswith(self.own_prefix):
                return
            raise ForeignRound(f"operator token on POST /v1/rounds for {rid!r}")
        match = _ROUND_PATH.match(path)
        if match is None or not match.group(1).startswith(self.own_prefix):
            raise ForeignRound(f"operator token on {method} {path}: not a round of this run")

    @staticmethod
    def expect(exchange: Exchange, *statuses: int) -> Any:
        """The exchange's JSON body after checking its status (a protocol error otherwise)."""
        if exchange.status not in statuses:
            raise TargetProtocolError(
                f"{exchange.method} {exchange.path}: expected"
                f" {' or '.join(map(str, statuses))}, got {exchange.status}",
                method=exchange.method, path=exchange.path, status=exchange.status,
                excerpt=exchange.redact(exchange.body)[:300], elapsed=exchange.elapsed_s)
        return exchange.json()
