"""The contract's operations as the security checks need them: who may call each, and a request
that would succeed for that caller on one of the run's own rounds.

Operations come from the contract's OpenAPI document itself (its ``security`` entries), so a check
covers every operator or applicant endpoint the contract has, not a list kept by hand. The valid
body and round state for each operator operation are the contract's, written once here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from harness.contract import Contract

__all__ = ["OPERATOR_REQUESTS", "ContractOperation", "operations"]

_SEED = "00" * 32


@dataclass(frozen=True)
class ContractOperation:
    method: str  # upper case
    template: str  # /v1/rounds/{rid}/close
    operation_id: str
    callers: tuple[str, ...]  # operator | applicant | anyone
    lab: bool

    @property
    def needs_round(self) -> bool:
        return "{rid}" in self.template

    def path(self, rid: str) -> str:
        return self.template.replace("{rid}", rid)


def operations(contract: Contract) -> Iterator[ContractOperation]:
    """Every operation of the contract, in document order."""
    for template, item in contract.document["paths"].items():
        for method, spec in item.items():
            if not isinstance(spec, dict) or "responses" not in spec:
                continue
            schemes = [name for entry in spec.get("security", []) for name in entry]
            callers = tuple(sorted({"operatorBearer": "operator", "applicantBearer": "applicant"}
                                   .get(name, name) for name in schemes)) or ("anyone",)
            yield ContractOperation(method.upper(), template, spec["operationId"], callers,
                                    template.startswith("/v1/lab/"))


@dataclass(frozen=True)
class OperatorRequest:
    """The round state in which the operation succeeds for the operator, and its body."""

    state: str | None  # None: needs no round
    body: Any


# The body each operator operation accepts (the contract's request schemas); createRound's
# round_id is filled in by the caller with one of the run's own ids.
OPERATOR_REQUESTS: dict[str, OperatorRequest] = {
    "createRound": OperatorRequest(None, {"primary_slots": 1, "reserve_slots": 0,
                                          "deposit_amount": 1000}),
    "closeRegistration": OperatorRequest("registration", None),
    "commitSeed": OperatorRequest("closed", {}),
    "draw": OperatorRequest("committed", {}),
    "closeDeposits": OperatorRequest("drawn", {"expected_state": "drawn"}),
    "getLedger": OperatorRequest("drawn", None),
    "getAuditLog": OperatorRequest("drawn", None),
    "labDraws": OperatorRequest("closed", {"seeds": [_SEED]}),
    "labRandomStream": OperatorRequest("closed", {"seed": _SEED, "n_bytes": 16}),
    "labServerSeeds": OperatorRequest(None, {"count": 1}),
}


def _resolve(contract: Contract, node: Any) -> Any:
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        target: Any = contract.document
        for part in node["$ref"].split("#", 1)[1].strip("/").split("/"):
            target = target[part]
        node = target
    return node


def string_fields(contract: Contract, op: ContractOperation) -> list[str]:
    """The request body's string fields (``name``, or ``seeds[]`` for a list of strings)."""
    spec = contract.document["paths"][op.template][op.method.lower()]
    body = _resolve(contract, spec.get("requestBody", {}))
    schema = _resolve(contract, body.get("content", {}).get("application/json", {})
                      .get("schema", {}))
    fields = []
    for name, prop in (schema.get("properties") or {}).items():
        prop = _resolve(contract, prop)
        kinds = prop.get("type") if isinstance(prop.get("type"), list) else [prop.get("type")]
        if "string" in kinds:
            fields.append(name)
        elif "array" in kinds and "string" in str(_resolve(contract, prop.get("items", {}))):
            fields.append(f"{name}[]")
    return fields


def header_fields(contract: Contract, op: ContractOperation) -> list[str]:
    """The operation's string header parameters (``Idempotency-Key``)."""
    spec = contract.document["paths"][op.template][op.method.lower()]
    found = []
    for param in spec.get("parameters", []):
        param = _resolve(contract, param)
        if param.get("in") == "header":
            found.append(param["name"])
    return found
