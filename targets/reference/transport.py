"""The HTTP/1.1 protocol under the app: uvicorn's h11 protocol with a contract-shaped 400.

A request too malformed to reach the application (a broken request line, a header without a
colon, a non-numeric Content-Length) is answered by the server itself. uvicorn's own answer is a
plain-text 400 without the security headers; ASTI-1 wants every response to carry
``X-Content-Type-Options: nosniff`` and every error to be ``{"error", "message"}``.
"""

from __future__ import annotations

import json

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = ["ContractH11Protocol"]

_BODY = json.dumps({"error": "invalid_request", "message": "the HTTP request is malformed"}).encode(
    "ascii"
)


class ContractH11Protocol(H11Protocol):
    def send_400_response(self, msg: str) -> None:
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(_BODY)).encode("ascii")),
            (b"x-content-type-options", b"nosniff"),
            (b"connection", b"close"),
        ]
        for event in (
            h11.Response(status_code=400, headers=headers, reason=b"Bad Request"),
            h11.Data(data=_BODY),
            h11.EndOfMessage(),
        ):
            self.transport.write(self.conn.send(event))
        self.transport.close()
