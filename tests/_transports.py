"""requests transport adapters for tests: an ASGI app in-process, or a handler function.

``HttpTarget`` speaks requests; mounting one of these on its session sends each request to a
starlette ``TestClient`` (the reference app in-process) or to a plain function, and builds a
``requests.Response`` from the answer, body unread, so the adapter reads it as from a socket.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers
from starlette.testclient import TestClient

from harness.target import HttpTarget

__all__ = ["StubAdapter", "TestClientAdapter", "app_of", "in_process", "stub_target"]

Answer = tuple[int, dict[str, str] | list[tuple[str, str]], bytes]


class StubAdapter(BaseAdapter):
    """Answers every request with ``handler(prepared_request) -> (status, headers, body)``."""

    def __init__(self, handler: Callable[[requests.PreparedRequest], Answer]) -> None:
        super().__init__()
        self.handler = handler

    def send(self, request: requests.PreparedRequest, stream: bool = False, timeout: Any = None,
             verify: Any = True, cert: Any = None, proxies: Any = None) -> requests.Response:
        status, headers, body = self.handler(request)
        return self.build(request, status, headers, body)

    def build(self, request: requests.PreparedRequest, status: int,
              headers: dict[str, str] | list[tuple[str, str]], body: bytes,
              reason: str = "") -> requests.Response:
        response = requests.Response()
        response.status_code = status
        response.reason = reason
        merged: CaseInsensitiveDict[str] = CaseInsensitiveDict()
        for name, value in headers.items() if isinstance(headers, dict) else headers:
            merged[name] = f"{merged[name]}, {value}" if name in merged else value
        response.headers = merged
        response.encoding = get_encoding_from_headers(merged)
        response.raw = io.BytesIO(body)
        response.url = request.url or ""
        response.request = request
        response.connection = self
        return response

    def close(self) -> None:
        """Nothing to release: whoever made the handler or client closes it."""


class TestClientAdapter(StubAdapter):
    """Forwards each request to a starlette ``TestClient`` (an ASGI app in this process)."""

    __test__ = False  # not a pytest test class

    def __init__(self, client: TestClient) -> None:
        super().__init__(self._forward)
        self.client = client

    def _forward(self, request: requests.PreparedRequest) -> Answer:
        body = request.body.encode("utf-8") if isinstance(request.body, str) else request.body
        answer = self.client.request(
            request.method or "GET",
            request.url or "",
            content=body,
            headers=list(request.headers.items()),
        )
        return answer.status_code, answer.headers.multi_items(), answer.content


def in_process(client: TestClient, admin_token: str | None,
               base_url: str = "http://testserver") -> HttpTarget:
    """An ``HttpTarget`` whose requests go to ``client``'s app in this process."""
    session = requests.Session()
    session.trust_env = False
    session.mount(base_url, TestClientAdapter(client))
    return HttpTarget(base_url, admin_token, session=session)


def stub_target(handler: Callable[[requests.PreparedRequest], Answer], admin_token: str | None,
                base_url: str = "http://target") -> HttpTarget:
    """An ``HttpTarget`` answered by ``handler``."""
    session = requests.Session()
    session.trust_env = False
    session.mount(base_url, StubAdapter(handler))
    return HttpTarget(base_url, admin_token, session=session)


def app_of(target: HttpTarget) -> Any:
    """The ASGI app behind an in-process target (to reach its service in white-box tests)."""
    adapter = target.session.get_adapter(target.base_url)
    assert isinstance(adapter, TestClientAdapter)
    return adapter.client.app
