"""Helpers of the Persian report's tests: evidence that carries every message id the code can
emit, and the check that no English is left in a rendered report."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import harness
from harness.report.extract import message_sites
from harness.verdict import Verdict
from tests.report._evidence import certification_evidence, with_plot_data

HARNESS = Path(harness.__file__).parent

# Params whose value is itself a message (rendered in the report's language, not as a value).
NESTED = {"first_finding", "violation", "thresholds", "not_assessed", "threshold", "violations"}
_INNER = {"id": "load.no_threshold", "params": {}, "text": "no threshold in the profile"}

# Latin words a Persian report keeps as they are: names of standards, formats and programs, and
# the single letters of formulas (K, R, N, p, w). Everything else Latin must be an identifier
# (a token with a digit, "_", "-", ".", "/" or ":") or sit in a left-to-right isolate.
ALLOWED = {"ACP", "ASVS", "API", "CORS", "GLI", "JSON", "NIST", "OWASP", "SP", "SQL", "Top",
           "UTC", "K", "N", "R", "p", "w"}


def every_message() -> list[dict[str, Any]]:
    """One message per id the code can emit, with every param its call site supplies."""
    messages = {}
    for site in message_sites(HARNESS):
        for message_id in site.ids:
            params = {name: _INNER if name in NESTED else 7 for name in site.params or ()}
            messages.setdefault(message_id, {"id": message_id, "params": params,
                                             "text": f"English text of {message_id}"})
    return list(messages.values())


def evidence_with_every_message() -> dict[str, Any]:
    """Certification evidence (figures, a beacon, one FAIL) whose findings carry every message
    id of the code, spread over the requirements, and whose summaries use real ids."""
    evidence = with_plot_data(certification_evidence({"F-03": Verdict.FAIL}))
    messages = every_message()
    requirements = [item for suite in evidence["suites"] for item in suite["requirements"]]
    for n, item in enumerate(requirements):
        item["summary"] = {"id": "invariants.held", "params": {"completed": 13, "judged": 40 + n},
                           "text": f"held in 13 examples ({40 + n} answers judged)"}
        item["findings"] = [
            {"severity": "high", "message": message, "remediation": messages[-1 - k],
             "evidence": {"request": "GET /v1/rounds/lab-x"}, "cwe": 330, "location": None}
            for k, message in enumerate(messages) if k % len(requirements) == n]
    return evidence


def _without(pattern: str, text: str) -> str:
    previous = None
    while previous != text:
        previous, text = text, re.sub(pattern, " ", text, flags=re.S)
    return text


def english_left(page: str) -> list[str]:
    """Latin words of ``page`` outside identifiers, isolates, code and the allowed names."""
    body = page[page.index("<body"):]
    for pattern in (r"<style\b.*?</style>", r"<pre\b.*?</pre>",
                    r'<bdi dir="(ltr|auto)">[^<]*</bdi>', r"\u2068[^\u2069]*\u2069",
                    r'<(span|dd|td)[^>]*class="[^"]*mono[^"]*"[^>]*>[^<]*</\1>',
                    r"<code\b.*?</code>", r"\u2066[^\u2069]*\u2069"):
        body = _without(pattern, body)
    text = html.unescape(re.sub(r"<[^>]+>", " ", body))
    words = []
    for raw in text.split():
        token = raw.strip("()[],;:.!?'\"«»،؛")
        if re.search(r"[0-9_./:\-@=<>%]", token) or token.isupper():
            continue
        words += [w for w in re.findall(r"[A-Za-z]+", token) if w not in ALLOWED]
    return words
