"""results.sarif: every finding of a run as SARIF 2.1.0, in GitHub code scanning's subset.

One rule per finding kind (``S-03/server-error-sql``, ``S-09/B608``...) with a short and full
description, help text (the remediation) and a ``security-severity`` score; one result per
finding, each with a location. Static findings point at their file and line in the submitted
source (relative to the ``SRCROOT`` base). Dynamic findings point at their operation's line in the
contract document shipped with the harness (``targets/contract/openapi.yaml``); a finding with no
operation points at the document's ``paths:`` line. Findings that a ``# nosec`` comment suppressed
carry an in-source suppression. Built from evidence alone, like every report.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from harness.report.writers import report_writer

__all__ = ["CONTRACT_URI", "SARIF_FILE", "build_sarif", "contract_line"]

SARIF_FILE = "results.sarif"
CONTRACT_URI = "targets/contract/openapi.yaml"
_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
# GitHub's bands: over 9.0 critical, 7.0 to 8.9 high, 4.0 to 6.9 medium, 0.1 to 3.9 low.
_SCORE = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "info": "0.0"}
_LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note",
          "info": "none"}
_RANK = ["info", "low", "medium", "high", "critical"]


@cache
def _contract_lines() -> tuple[str, ...]:
    text = resources.files("targets.contract").joinpath("openapi.yaml").read_text("utf-8")
    return tuple(text.splitlines())


def contract_line(operation: str) -> int:
    """The 1-based line of ``METHOD /template`` in the shipped contract (its ``paths:`` line
    when the operation is empty or unknown)."""
    lines = _contract_lines()
    paths = next((i for i, line in enumerate(lines) if line.rstrip() == "paths:"), 0)
    method, _, template = operation.partition(" ")
    if not template:
        return paths + 1
    start = next((i for i, line in enumerate(lines) if line.rstrip() == f"  {template}:"), None)
    if start is None:
        return paths + 1
    for i in range(start + 1, len(lines)):
        if re.match(r"^  \S", lines[i]):
            break
        if lines[i].rstrip() == f"    {method.lower()}:":
            return i + 1
    return start + 1


def _location(location: str | None) -> dict[str, Any]:
    if location and location.startswith("source:"):
        path, _, line = location[len("source:"):].rpartition(":")
        artifact = {"uri": path, "uriBaseId": "SRCROOT"}
        start = int(line) if line.isdigit() and int(line) > 0 else 1
    else:
        operation = location[len("contract:"):] if location and location.startswith(
            "contract:") else ""
        artifact, start = {"uri": CONTRACT_URI}, contract_line(operation)
    return {"physicalLocation": {"artifactLocation": artifact, "region": {"startLine": start}}}


def _rule_id(requirement: str, item: Mapping[str, Any]) -> str:
    rule = item.get("evidence", {}).get("rule")
    return str(rule) if rule else f"{requirement}/{item['message']['id']}"


def _findings(evidence: Mapping[str, Any]) -> list[tuple[Mapping[str, Any], Mapping[str, Any]]]:
    return [(requirement, item) for suite in evidence.get("suites", [])
            for requirement in suite.get("requirements", [])
            for item in requirement.get("findings", [])]


def _rule(rule_id: str, requirement: Mapping[str, Any], items: list[Mapping[str, Any]]
          ) -> dict[str, Any]:
    worst = max((item["severity"] for item in items), key=_RANK.index)
    first = items[0]
    cwes = sorted({item["cwe"] for item in items if item.get("cwe")})
    suite = "security" if requirement["id"].startswith("S-") else "correctness"
    remediation = first["remediation"]["text"]
    return {
        "id": rule_id,
        "name": re.sub(r"[^A-Za-z0-9]+", "", rule_id.title()) or "Finding",
        "shortDescription": {"text": f"{requirement['id']}: {requirement['title']}"},
        "fullDescription": {"text": f"{requirement['id']} ({requirement['title']}): "
                                    f"{first['message']['text']}"},
        "help": {"text": remediation,
                 "markdown": f"**{requirement['id']}** {requirement['title']}\n\n{remediation}"},
        "defaultConfiguration": {"level": _LEVEL[worst]},
        "properties": {
            "tags": [suite] + [f"external/cwe/cwe-{cwe}" for cwe in cwes],
            "security-severity": _SCORE[worst],
            "precision": "high",
            "requirement": requirement["id"],
        },
    }


def _result(rule_id: str, index: int, requirement: Mapping[str, Any],
            item: Mapping[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": rule_id, "ruleIndex": index, "level": _LEVEL[item["severity"]],
        "message": {"text": item["message"]["text"]},
        "locations": [_location(item.get("location"))],
        "properties": {"requirement": requirement["id"], "verdict": requirement["verdict"],
                       "severity": item["severity"], "messageId": item["message"]["id"]},
    }
    if (item.get("evidence", {}).get("bandit") or {}).get("suppressed"):
        result["suppressions"] = [{"kind": "inSource", "justification": "# nosec"}]
    return result


def build_sarif(evidence: Mapping[str, Any]) -> dict[str, Any]:
    """The SARIF log of a run's evidence."""
    found = _findings(evidence)
    grouped: dict[str, list[Mapping[str, Any]]] = {}
    owner: dict[str, Mapping[str, Any]] = {}
    for requirement, item in found:
        rule_id = _rule_id(requirement["id"], item)
        grouped.setdefault(rule_id, []).append(item)
        owner.setdefault(rule_id, requirement)
    order = sorted(grouped)
    rules = [_rule(rule_id, owner[rule_id], grouped[rule_id]) for rule_id in order]
    results = [_result(_rule_id(r["id"], item), order.index(_rule_id(r["id"], item)), r, item)
               for r, item in found]
    harness = evidence.get("harness", {})
    run = evidence.get("run", {})
    return {
        "$schema": _SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "allocation-harness", "version": str(harness.get("harness", "0")),
                "rules": rules,
            }},
            "automationDetails": {"id": f"{evidence.get('scope', 'run')}/{run.get('run_id')}/"},
            "results": results,
            "properties": {"seed": run.get("seed"), "target": evidence.get("target", {})
                           .get("name")},
        }],
    }


@report_writer(SARIF_FILE)
def write_sarif(evidence: Mapping[str, Any], out_dir: Path) -> Path:
    path = out_dir / SARIF_FILE
    path.write_text(json.dumps(build_sarif(evidence), indent=1, sort_keys=True) + "\n",
                    encoding="utf-8")
    return path
