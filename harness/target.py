"""Target adapter: the only way a suite talks to a system under test.

Every suite, the reference included, reaches a system through ``HttpTarget`` over ASTI-1, so the
reference gets no treatment a vendor system would not get. Convenience methods check the status
code the contract promises and raise ``TargetError`` with the evidence otherwise; ``request`` gives
raw access for probes that study the failures themselves.
"""

from __future__ import annotations

from typing import Any

import httpx

from harness.errors import TargetError, UsageError

__all__ = ["HttpTarget"]

_TIMEOUT = httpx.Timeout(60.0, connect=10.0)


class HttpTarget:
    """An ASTI-1 system at ``base_url``, with the operator token ``admin_token``."""

    def __init__(
        self,
        base_url: str,
        admin_token: str | None = None,
        *,
        client: httpx.Client | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.admin_token = admin_token
        self._client = client or httpx.Client(base_url=self.base_url, timeout=_TIMEOUT)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> HttpTarget:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # raw access -------------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        json: Any = None,
        headers: dict[str, str] | None = None,
        content: bytes | None = None,
    ) -> httpx.Response:
        """Send one request; a transport failure becomes ``TargetError``."""
        all_headers = dict(headers or {})
        if token is not None:
            all_headers["Authorization"] = f"Bearer {token}"
        try:
            return self._client.request(
                method, path, json=json, headers=all_headers, content=content
            )
        except httpx.HTTPError as exc:
            raise TargetError(f"{method} {path}: no answer from the target ({exc})") from exc

    def operator(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """A request with the operator token; a 401 means the token given to us is wrong."""
        if not self.admin_token:
            raise UsageError("an operator token is needed (--admin-token or HARNESS_ADMIN_TOKEN)")
        response = self.request(method, path, token=self.admin_token, **kwargs)
        if response.status_code == 401:
            raise UsageError(
                f"{self.base_url} refused the operator token (401): check --admin-token"
            )
        return response

    # contract operations ---------------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        return _expect(self.request("GET", "/healthz"), 200)

    def create_round(
        self, round_id: str, primary_slots: int, reserve_slots: int, deposit_amount: int
    ) -> dict[str, Any]:
        body = {
            "round_id": round_id,
            "primary_slots": primary_slots,
            "reserve_slots": reserve_slots,
            "deposit_amount": deposit_amount,
        }
        return _expect(self.operator("POST", "/v1/rounds", json=body), 201)

    def get_round(self, round_id: str) -> dict[str, Any]:
        return _expect(self.request("GET", f"/v1/rounds/{round_id}"), 200)

    def register(self, round_id: str, national_id: str, name: str, region: str) -> dict[str, Any]:
        body = {"national_id": national_id, "name": name, "region": region}
        return _expect(self.request("POST", f"/v1/rounds/{round_id}/registrations", json=body), 201)

    def close_registration(self, round_id: str) -> dict[str, Any]:
        return _expect(self.operator("POST", f"/v1/rounds/{round_id}/close"), 200)

    def applicant_list(self, round_id: str) -> bytes:
        response = self.request("GET", f"/v1/rounds/{round_id}/applicants")
        _expect_status(response, 200)
        return response.content

    def commit(self, round_id: str, beacon_source: str | None = None) -> dict[str, Any]:
        body = {} if beacon_source is None else {"beacon_source": beacon_source}
        return _expect(self.operator("POST", f"/v1/rounds/{round_id}/commit", json=body), 200)

    def draw(self, round_id: str, beacon_hex: str | None = None) -> dict[str, Any]:
        body = {"beacon": beacon_hex}
        return _expect(self.operator("POST", f"/v1/rounds/{round_id}/draw", json=body), 200)

    def results(self, round_id: str) -> dict[str, Any]:
        return _expect(self.request("GET", f"/v1/rounds/{round_id}/results"), 200)

    def me(self, round_id: str, token: str) -> dict[str, Any]:
        return _expect(self.request("GET", f"/v1/rounds/{round_id}/me", token=token), 200)

    def deposit(
        self, round_id: str, token: str, amount: int, idempotency_key: str
    ) -> httpx.Response:
        """Raw: the deposit decisions are the contract's subject, so callers read the status."""
        return self.request(
            "POST",
            f"/v1/rounds/{round_id}/deposits",
            token=token,
            json={"amount": amount},
            headers={"Idempotency-Key": idempotency_key},
        )

    def close_deposits(self, round_id: str, expected_state: str) -> dict[str, Any]:
        """Close the window of ``expected_state`` ("drawn" or "promotion"); never a later one."""
        body = {"expected_state": expected_state}
        path = f"/v1/rounds/{round_id}/deposits/close"
        return _expect(self.operator("POST", path, json=body), 200)

    def promotions(self, round_id: str) -> list[str]:
        body = _expect(self.request("GET", f"/v1/rounds/{round_id}/promotions"), 200)
        return list(body["promoted"])

    def ledger(self, round_id: str) -> list[dict[str, Any]]:
        body = _expect(self.operator("GET", f"/v1/rounds/{round_id}/deposits"), 200)
        return list(body["deposits"])

    def audit(self, round_id: str) -> list[dict[str, Any]]:
        body = _expect(self.operator("GET", f"/v1/rounds/{round_id}/audit"), 200)
        return list(body["entries"])

    # lab mode --------------------------------------------------------------------------------

    def lab_draws(self, round_id: str, seeds_hex: list[str]) -> list[dict[str, Any]]:
        response = self.operator(
            "POST", f"/v1/lab/rounds/{round_id}/draws", json={"seeds": seeds_hex}
        )
        return list(_expect(response, 200)["draws"])

    def lab_random(self, round_id: str, seed_hex: str, n_bytes: int) -> bytes:
        body = {"seed": seed_hex, "n_bytes": n_bytes}
        response = self.operator("POST", f"/v1/lab/rounds/{round_id}/random", json=body)
        return _expect_bytes(response, n_bytes)

    def lab_server_seeds(self, count: int) -> bytes:
        response = self.operator("POST", "/v1/lab/server-seeds", json={"count": count})
        return _expect_bytes(response, 32 * count)


def _expect_status(response: httpx.Response, status: int) -> None:
    if response.status_code != status:
        request = response.request
        raise TargetError(
            f"{request.method} {request.url.path}: expected {status}, got {response.status_code}"
            f" {response.text[:300]!r}"
        )


def _expect(response: httpx.Response, status: int) -> dict[str, Any]:
    _expect_status(response, status)
    try:
        body = response.json()
    except ValueError as exc:
        raise TargetError(f"{response.request.url.path}: response is not JSON") from exc
    if not isinstance(body, dict):
        raise TargetError(f"{response.request.url.path}: response is not a JSON object")
    return body


def _expect_bytes(response: httpx.Response, length: int) -> bytes:
    _expect_status(response, 200)
    if len(response.content) != length:
        raise TargetError(
            f"{response.request.url.path}: expected {length} bytes, got {len(response.content)}"
        )
    return response.content
