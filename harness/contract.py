"""ASTI-1 as data: judge a system's responses against the contract's OpenAPI document.

The document (targets/contract/openapi.yaml) is read as a data file; nothing of the reference
system's code is imported. A check returns a list of plain-language problems, empty when the
response conforms: its status is one the operation documents, its body matches the schema for
that status (error codes included), and the required headers are present.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

__all__ = ["Contract", "Operation"]

_DOC_URI = "urn:asti-1:openapi"


@dataclass(frozen=True)
class Operation:
    method: str
    template: str
    spec: dict[str, Any]


class Contract:
    """The parsed OpenAPI document with helpers to find operations and check responses."""

    def __init__(self, document: dict[str, Any]) -> None:
        # Absolute refs let any inline schema of the document be validated on its own.
        document = _absolute_refs(document)
        self.document = document
        self._registry = Registry().with_resource(
            _DOC_URI, Resource.from_contents(document, default_specification=DRAFT202012)
        )
        self._routes = [
            (_template_regex(template), method, template, operation)
            for template, item in document["paths"].items()
            for method, operation in item.items()
            if isinstance(operation, dict) and "responses" in operation
        ]

    @classmethod
    def load(cls) -> Contract:
        return _load_default()

    @property
    def version(self) -> str:
        return str(self.document["info"]["version"])

    def operation(self, method: str, path: str) -> Operation | None:
        for regex, verb, template, operation in self._routes:
            if verb == method.lower() and regex.fullmatch(path):
                return Operation(verb, template, operation)
        return None

    def check(
        self, method: str, path: str, status: int, headers: dict[str, str], body: bytes
    ) -> list[str]:
        """Problems with one response to ``method path``; empty when it conforms."""
        operation = self.operation(method, path)
        if operation is None:
            return [f"{method} {path} is not an operation of the contract"]
        response = self._response(operation, status)
        if response is None:
            return [f"{method} {operation.template}: status {status} is not documented"]
        problems = self._header_problems(response, headers)
        return problems + self._body_problems(response, headers, body)

    # internals --------------------------------------------------------------------------------

    def _resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            node = self._registry.resolver().lookup(node["$ref"]).contents
        return node

    def _response(self, operation: Operation, status: int) -> dict[str, Any] | None:
        responses = operation.spec["responses"]
        found = responses.get(str(status)) or responses.get(f"{status // 100}XX")
        return None if found is None else self._resolve(found)

    def _header_problems(self, response: dict[str, Any], headers: dict[str, str]) -> list[str]:
        lowered = {name.lower(): value for name, value in headers.items()}
        problems = []
        for name, header in response.get("headers", {}).items():
            header = self._resolve(header)
            value = lowered.get(name.lower())
            if value is None:
                if header.get("required"):
                    problems.append(f"header {name} is missing")
                continue
            problems += [f"header {name}: {e}" for e in self._errors(header["schema"], value)]
        return problems

    def _body_problems(
        self, response: dict[str, Any], headers: dict[str, str], body: bytes
    ) -> list[str]:
        content = response.get("content")
        if not content:
            return []
        media = (
            next((v for k, v in headers.items() if k.lower() == "content-type"), "")
            .split(";")[0]
            .strip()
        )
        if media not in content:
            return [f"content type {media!r} is not one of {sorted(content)}"]
        schema = content[media].get("schema")
        if media != "application/json" or schema is None:
            return []
        try:
            parsed = json.loads(body)
        except ValueError:
            return ["the body is not valid JSON"]
        return [f"body: {e}" for e in self._errors(schema, parsed)]

    def _errors(self, schema: dict[str, Any], instance: Any) -> list[str]:
        validator = Draft202012Validator(
            schema, registry=self._registry, format_checker=Draft202012Validator.FORMAT_CHECKER
        )
        return [
            f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message[:200]}"
            for error in validator.iter_errors(instance)
        ]


def _absolute_refs(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            key: _DOC_URI + value
            if key == "$ref" and isinstance(value, str) and value.startswith("#")
            else _absolute_refs(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_absolute_refs(item) for item in node]
    return node


def _template_regex(template: str) -> re.Pattern[str]:
    return re.compile(re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)))


@cache
def _load_default() -> Contract:
    text = resources.files("targets.contract").joinpath("openapi.yaml").read_text("utf-8")
    return Contract(yaml.safe_load(text))
