"""The simulated clients of the rushes, run by locust in the generator process only.

Importing this module imports locust, which monkey-patches the process through gevent: only
``harness.load._worker`` may import it. A ``Node`` holds one process's share of a rush's scripts
and everything its users record; each locust user takes the next script and plays it.
"""

from __future__ import annotations

import time
from collections import deque
from typing import Any

import gevent
from gevent.pool import Group
from locust import FastHttpUser, constant, task
from locust.contrib.fasthttp import FastHttpSession

__all__ = ["NODE", "Node", "RushUser"]

_DEFINITIVE_REFUSAL = range(400, 500)
_NOT_DEFINITIVE = (408, 429)


class Node:
    """One generator process's share of the current rush, and what its clients recorded."""

    def __init__(self) -> None:
        self.plan: dict[str, Any] = {}
        self.reset({"scripts": [], "duration": 0})

    def reset(self, plan: dict[str, Any], index: int = 0, count: int = 1) -> None:
        self.plan = plan
        scripts = plan["scripts"][index::count]
        self.total = len(scripts)
        self.queue: deque[tuple[int, dict[str, Any]]] = deque(enumerate(scripts))
        self.samples: list[list[Any]] = []
        self.attempts: list[dict[str, Any]] = []
        self.registrations: list[dict[str, Any]] = []
        self.acknowledged: set[str] = set()
        self.busy = self.done = 0
        self.side = Group()  # greenlets a script spawns (simultaneous payments)
        self.started, self.cpu_started = time.time(), time.process_time()
        self.deadline = self.started + float(plan["duration"])
        rate = float(plan.get("arrival_rate") or 0)
        self.pace = rate / count if rate else 0.0

    @property
    def idle(self) -> bool:
        return not self.queue and self.busy == 0

    def take(self) -> dict[str, Any] | None:
        if not self.queue:
            return None
        number, script = self.queue.popleft()
        self.busy += 1
        if self.pace:
            gevent.sleep(max(0.0, self.started + number / self.pace - time.time()))
        return script

    def finish(self) -> None:
        self.busy -= 1
        self.done += 1

    def progress(self) -> dict[str, Any]:
        return {"done": self.done, "total": self.total, "acknowledged": len(self.acknowledged)}

    def result(self) -> dict[str, Any]:
        """Everything recorded; attempts still in flight stay without a status (unknown)."""
        self.side.kill(block=True, timeout=5)
        return {
            "samples": self.samples, "attempts": self.attempts,
            "registrations": self.registrations, "started": self.started,
            "finished": time.time(), "cpu_s": time.process_time() - self.cpu_started,
            "scripts_total": self.total, "scripts_done": self.done,
        }


NODE = Node()


def _body(response: Any) -> dict[str, Any]:
    try:
        body = response.json()
    except Exception:  # noqa: BLE001 - any unreadable body is simply no body
        return {}
    return body if isinstance(body, dict) else {}


def _header(response: Any, name: str) -> str | None:
    headers = getattr(response, "headers", None)
    return None if headers is None else headers.get(name)


def _error_kind(response: Any) -> str:
    error = getattr(response, "error", None)
    return type(error).__name__ if error is not None else "no_response"


class RushUser(FastHttpUser):
    """One simulated client: takes the next script of the node and plays it to the end."""

    wait_time = constant(0)
    host = "http://127.0.0.1"

    def on_start(self) -> None:
        self.short: FastHttpSession | None = None

    @task
    def play(self) -> None:
        script = NODE.take()
        if script is None:
            gevent.sleep(0.05)
            return
        try:
            getattr(self, f"_script_{script['kind']}")(script)
        finally:
            NODE.finish()

    # one request ------------------------------------------------------------------------------

    def _call(self, method: str, path: str, endpoint: str, *, token: str | None = None,
              json: Any = None, headers: dict[str, str] | None = None, short: bool = False
              ) -> tuple[int, Any, str]:
        sent = dict(headers or {})
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        session = self._short_session() if short else self.client
        at, began = time.time(), time.perf_counter()
        response = session.request(method, path, name=endpoint, json=json, headers=sent)
        elapsed = (time.perf_counter() - began) * 1000
        status = int(response.status_code or 0)
        note = ""
        if status == 0:
            note = "aborted" if short else _error_kind(response)
        elif status == 503 and _header(response, "retry-after") is not None:
            note = "retry_after"
        NODE.samples.append([at, endpoint, status, elapsed, note])
        return status, response, note

    def _short_session(self) -> FastHttpSession:
        if self.short is None:
            plan = NODE.plan
            self.short = FastHttpSession(
                self.host, self.environment.events.request, self,
                network_timeout=float(plan["short_timeout"]),
                connection_timeout=float(plan["request_timeout"]),
            )
        return self.short

    def _pause(self, attempt: int, response: Any) -> None:
        backoff = float(NODE.plan["retry_backoff"]) * 2 ** attempt
        try:
            backoff = max(backoff, float(_header(response, "retry-after") or 0))
        except (TypeError, ValueError, AttributeError):
            pass
        gevent.sleep(min(backoff, float(NODE.plan["retry_backoff_cap"])))

    # scripts ----------------------------------------------------------------------------------

    def _script_health(self, script: dict[str, Any]) -> None:
        until = NODE.started + float(script["seconds"])
        while time.time() < until:
            self._call("GET", "/healthz", "healthz")

    def _script_register(self, script: dict[str, Any]) -> None:
        path = f"/v1/rounds/{NODE.plan['round_id']}/registrations"
        record: dict[str, Any] = {"i": script["i"], "status": None}
        NODE.registrations.append(record)
        for attempt in range(int(NODE.plan["max_attempts"])):
            status, response, _ = self._call("POST", path, "registration", json=script["person"])
            body = _body(response)
            record.update(status=status, code=body.get("error"),
                          applicant_id=body.get("applicant_id"), token=body.get("token"))
            if 0 < status < 500 and status not in _NOT_DEFINITIVE or time.time() > NODE.deadline:
                return
            self._pause(attempt, response)

    def _script_read(self, script: dict[str, Any]) -> None:
        rid = NODE.plan["round_id"]
        self._call("GET", f"/v1/rounds/{rid}/me", "me", token=script["token"])
        self._call("GET", f"/v1/rounds/{rid}/results", "results")

    def _poll(self, script: dict[str, Any]) -> None:
        for _ in range(int(script.get("polls", 1))):
            self._call("GET", f"/v1/rounds/{NODE.plan['round_id']}/me", "me",
                       token=script["token"])

    def _pay_once(self, script: dict[str, Any], key: str, *, short: bool = False
                  ) -> tuple[dict[str, Any], Any]:
        body: dict[str, Any] = {"amount": int(NODE.plan["amount"])}
        if script.get("claimed"):
            body["applicant_id"] = script["claimed"]
        attempt: dict[str, Any] = {
            "key": key, "sent_as": script.get("applicant_id"), "claimed": script.get("claimed"),
            "role": script["role"], "behaviour": script["behaviour"], "amount": body["amount"],
            "t": time.time(), "status": None, "code": None, "deposit_id": None,
        }
        NODE.attempts.append(attempt)
        status, response, note = self._call(
            "POST", f"/v1/rounds/{NODE.plan['round_id']}/deposits", "deposit",
            token=script["token"], json=body, headers={"Idempotency-Key": key}, short=short)
        answer = _body(response)
        attempt.update(status=status, code=answer.get("error"), note=note)
        if status in (200, 201) and answer.get("deposit_id"):
            attempt["deposit_id"] = str(answer["deposit_id"])
            NODE.acknowledged.add(key)
        return attempt, response

    def _pay(self, script: dict[str, Any], key: str) -> None:
        """Pay with ``key`` until the answer is definitive (or attempts or time run out)."""
        for attempt in range(int(NODE.plan["max_attempts"])):
            record, response = self._pay_once(script, key)
            status = record["status"]
            definitive = status in (200, 201) or (
                status in _DEFINITIVE_REFUSAL and status not in _NOT_DEFINITIVE
                and record["code"] != "request_in_progress")
            if definitive or time.time() > NODE.deadline:
                return
            self._pause(attempt, response)

    def _script_pay(self, script: dict[str, Any]) -> None:
        self._poll(script)
        first, second = script["keys"]
        behaviour = script["behaviour"]
        if behaviour == "timeout_retry":
            self._pay_once(script, first, short=True)
            self._pay(script, first)
        elif behaviour == "double_new_key":
            self._pay(script, first)
            self._pay(script, second)
        elif behaviour == "simultaneous":
            twin = NODE.side.spawn(self._pay, script, second)
            self._pay(script, first)
            twin.join()
        else:
            self._pay(script, first)

    def _script_hope(self, script: dict[str, Any]) -> None:
        self._poll(script)
        self._pay(script, script["keys"][0])

    def _script_impostor(self, script: dict[str, Any]) -> None:
        self._pay(script, script["keys"][0])

