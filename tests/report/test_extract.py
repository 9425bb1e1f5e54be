"""The scan behind the catalogue finds the message ids a module can emit, with their params, even
when an id is made in a helper from its parameter, chosen from a dict or assigned to a name; and
it reports the call it cannot follow instead of guessing."""

from __future__ import annotations

import io

from harness.report.extract import python, scan_tree

SOURCE = '''
from harness.results import Message

FIX = Message.of("demo.fix", "repair it")


def _bad(report, rule, text, exchanges, **params):
    report.add(Message.of(f"demo.{rule.replace('-', '_')}", text, **params))


def probe(report, kind, ok):
    _bad(report, "replay-twice", "{n} replays of {what}", [], n=2, what="x")
    _bad(report, "ledger", "the ledger holds {n}", [], n=3)
    Message.of("demo.on" if ok else "demo.off", "state {state}", state=ok)
    Message.of({"sql": "demo.sql", "path": "demo.path"}[kind], "leak {where}", where="q")
    chosen = "demo.assigned"
    Message.given(chosen, "given text", {"a": 1, "b": 2})
    Message.of(kind, "unknown {x}", x=1)
    return ("demo.pair", {"alpha": 0.01})
'''


def _sites() -> dict[str, frozenset[str] | None]:
    found: dict[str, frozenset[str] | None] = {}
    for site in scan_tree(SOURCE, "demo.py"):
        for message_id in site.ids:
            found[message_id] = site.params
    return found


def test_ids_made_in_a_helper_are_followed_to_each_call_with_its_params() -> None:
    sites = _sites()
    assert sites["demo.replay_twice"] == {"n", "what"}
    assert sites["demo.ledger"] == {"n"}


def test_literal_choices_dict_lookups_local_names_and_pairs_are_resolved() -> None:
    sites = _sites()
    assert sites["demo.on"] == sites["demo.off"] == {"state"}
    assert sites["demo.sql"] == sites["demo.path"] == {"where"}
    assert sites["demo.assigned"] == {"a", "b"}
    assert sites["demo.pair"] == {"alpha"}
    assert sites["demo.fix"] == frozenset()


def test_an_id_the_scan_cannot_follow_is_reported_not_guessed() -> None:
    unresolved = [s for s in scan_tree(SOURCE, "demo.py") if s.unresolved]
    assert [s.unresolved for s in unresolved] == ["kind"]
    assert unresolved[0].ids == ()


def test_the_babel_extractor_yields_ids_with_the_english_for_the_translator() -> None:
    found = list(python(io.BytesIO(SOURCE.encode()), ["_", "gettext"], [], {}))
    by_id = {message: comments for _, _, message, comments in found}
    assert by_id["demo.replay_twice"] == ["English: {n} replays of {what}", "params: n, what"]
