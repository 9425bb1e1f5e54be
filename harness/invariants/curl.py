"""A failing example as a shell script of curl commands that replays it against any system.

The replay must not depend on what the run left behind, so the script renames what the run
created: round ids become ``$RUN-<letter>`` (a fresh prefix per replay), the example's people get
national ids from ``$NID_BASE`` (computed with the contract's check digit in the shell), and
applicant tokens are captured from the registration answers that issue them. The operator token
and the base URL come from the environment; no token of the run appears in the script.
"""

from __future__ import annotations

import json
import re
from typing import Any

from harness.invariants.people import IdBlock
from harness.invariants.wire import Exchange, Trace

__all__ = ["render_curl"]

_HEADER = """#!/bin/sh
# Replays {title}
# against an ASTI-1 system: BASE=http://host:port OPERATOR_TOKEN=... sh this-file
# Each command is preceded by the answer the run observed. Rounds and national ids are fresh
# on every replay (set RUN or NID_BASE to choose them).
set -u
: "${{BASE:?set BASE to the system's URL}}"
: "${{OPERATOR_TOKEN:?set OPERATOR_TOKEN to the operator token}}"
RUN="${{RUN:-lab-replay-$(date +%s)}}"
NID_BASE="${{NID_BASE:-$(( $(od -An -N4 -tu4 /dev/urandom | tr -d ' ') % 1000000000 ))}}"
nid() {{  # the valid national id of person $1: nine digits and the ASTI-1 check digit
  p=$(printf '%09d' $(( (NID_BASE + $1) % 1000000000 ))); s=0; i=0
  while [ $i -lt 9 ]; do
    d=$(printf '%s' "$p" | cut -c$((i + 1))); s=$((s + d * (10 - i))); i=$((i + 1))
  done
  r=$((s % 11)); if [ $r -lt 2 ]; then c=$r; else c=$((11 - r)); fi
  printf '%s%s' "$p" "$c"
}}
token() {{ sed -n 's/.*"token"[[:space:]]*:[[:space:]]*"\\([^"]*\\)".*/\\1/p' | head -n 1; }}
"""
_MARK = "\x00"


def _quote(text: str) -> str:
    """Single-quote ``text`` for the shell, with marked placeholders left to expand."""
    parts = text.split(_MARK)
    out = []
    for n, part in enumerate(parts):
        if n % 2:
            out.append(f'"{part}"')
        elif part:
            out.append("'" + part.replace("'", "'\\''") + "'")
    return "".join(out) or "''"


class _Renderer:
    def __init__(self, trace: Trace, people: IdBlock, round_ids: list[str]) -> None:
        self.trace, self.people = trace, people
        self.rounds = {rid: rid.rsplit("-", 1)[-1] for rid in round_ids}
        self.tokens: dict[str, str] = {}

    def _rename(self, text: str) -> str:
        for rid, letter in self.rounds.items():
            text = re.sub(rf"\b{re.escape(rid)}\b", f"{_MARK}$RUN-{letter}{_MARK}", text)
        return text

    def _body(self, body: Any) -> str:
        text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
        nid = body.get("national_id") if isinstance(body, dict) else None
        person = self.people.person_of(nid) if isinstance(nid, str) else None
        if person is not None:
            text = text.replace(f'"{nid}"', f'"{_MARK}$(nid {person}){_MARK}"')
        return _quote(self._rename(text))

    def command(self, x: Exchange) -> str:
        call = x.call
        url = _quote(f"{_MARK}$BASE{_MARK}" + self._rename(call.path))
        words = ["curl -sS -X", call.method, url]
        if call.token is not None:
            var = "OPERATOR_TOKEN" if call.token == self.trace.operator_token else \
                self.tokens.get(call.token, "UNKNOWN_TOKEN")
            words.append(f'-H "Authorization: Bearer ${var}"')
        for name, value in call.headers.items():
            words.append("-H " + _quote(f"{name}: {value}"))
        if call.body is not None:
            words += ["-H 'Content-Type: application/json' --data-raw", self._body(call.body)]
        words.append("-w '\\n-> %{http_code}\\n'")
        line = " ".join(words)
        issued = x.reply.data.get("token") if isinstance(x.reply.data, dict) else None
        if x.reply.status == 201 and isinstance(issued, str) and issued in self.trace.tokens:
            var = f"T{len(self.tokens) + 1}"
            self.tokens[issued] = var
            return f"{var}=$({line} | tee /dev/stderr | token)"
        return line

    def observed(self, x: Exchange) -> str:
        body = x.reply.content.decode("utf-8", "replace").replace("\n", "\\n")
        return self.trace.redact(f"# {x.index}. {x.step}: observed {x.reply.status} {body[:200]}")


def render_curl(title: str, trace: Trace, people: IdBlock, round_ids: list[str]) -> str:
    """The script replaying ``trace``; requests sent together run in the background together."""
    r = _Renderer(trace, people, round_ids)
    lines = [_HEADER.format(title=title)]
    exchanges = trace.exchanges
    i = 0
    while i < len(exchanges):
        x = exchanges[i]
        group = [y for y in exchanges[i:] if x.group is not None and y.group == x.group] or [x]
        for y in group:
            lines.append(r.observed(y))
        commands = [r.command(y) for y in group]
        lines.append(" &\n".join(commands) + (" &\nwait" if len(group) > 1 else ""))
        i += len(group)
    return "\n".join(lines) + "\n"
