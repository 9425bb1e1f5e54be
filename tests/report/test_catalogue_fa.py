"""The Persian catalogue is complete and in step with the code: every message id the code can emit
has a Persian template whose fields its call site supplies, every requirement text and every
template string is translated, and messages.pot is what Babel extracts from the code today."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

import harness
from harness.catalogue import catalogue
from harness.report.extract import message_sites
from harness.report.i18n import po_path, translations

ROOT = Path(harness.__file__).parent.parent
HARNESS = ROOT / "harness"
POT = HARNESS / "report" / "locale" / "messages.pot"

# Calls whose id is another message's id passed on unchanged; the scan finds those ids where
# they are made (the (id, params) pairs of fairness/analysis.py, Violation.of in invariants/).
PASS_THROUGH = {("harness/fairness/analysis.py", "message[0]"),
                ("harness/invariants/outcome.py", "v.message_id")}


def _fields(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


@pytest.fixture(scope="module")
def fa_catalog():  # type: ignore[no-untyped-def]
    with po_path("fa").open("rb") as handle:
        return read_po(handle, locale="fa")


def test_the_scan_resolves_every_message_call_but_the_known_pass_throughs() -> None:
    sites = message_sites(HARNESS)
    unresolved = {(site.path, site.unresolved) for site in sites if site.unresolved}
    assert unresolved == PASS_THROUGH
    assert len({i for site in sites for i in site.ids}) > 150


def test_every_message_id_has_a_persian_template_within_its_params() -> None:
    fa = translations("fa")
    problems = []
    for site in message_sites(HARNESS):
        for message_id in site.ids:
            template = fa.gettext(message_id)
            if template == message_id or not template.strip():
                problems.append(f"{site.path}:{site.line} {message_id}: no Persian template")
            elif not _fields(template) <= (site.params or set()):
                problems.append(f"{site.path}:{site.line} {message_id}: fields"
                                f" {sorted(_fields(template) - set(site.params or ()))}"
                                " that the call does not supply")
    assert problems == []


def test_every_requirement_text_is_translated() -> None:
    fa = translations("fa")
    for rid, item in catalogue().items():
        for field in ("title", "rationale", "thresholds"):
            text = getattr(item, field)
            assert fa.pgettext(f"{rid} {field}", text) != text, (rid, field)
        for standard in item.standards:
            assert fa.pgettext("standard", standard) != standard, standard


def test_every_entry_is_translated_keeps_its_fields_and_none_is_fuzzy(fa_catalog) -> None:  # type: ignore[no-untyped-def]
    for message in fa_catalog:
        if not message.id:
            continue
        assert message.string, (message.context, message.id)
        assert not message.fuzzy, message.id
        if "%(" in message.id:  # a template string: the same named fields
            assert set(message.id.split("%(")[1:]) and all(
                f"%({name.split(')')[0]})" in message.string
                for name in message.id.split("%(")[1:]), message.id
        elif "{" in message.id and "." not in message.id.split()[0]:
            assert _fields(message.id) == _fields(message.string), message.id


def test_persian_text_uses_zwnj_not_spaces_in_the_usual_compounds(fa_catalog) -> None:  # type: ignore[no-untyped-def]
    text = " ".join(m.string for m in fa_catalog if m.id)
    assert "\u200c" in text
    for wrong in (r" می ", r" نمی ", r" ها ", r" های ", r"گواهی شده", r"پیش پرداخت",
                  r"قرعه کشی(?!د)"):  # "قرعه کشیدن", the verb, is written apart
        assert not re.search(wrong, f" {text} "), wrong


def test_messages_pot_is_what_babel_extracts_from_the_code_today() -> None:
    with (ROOT / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    extracted = {(context, message if isinstance(message, str) else message[0])
                 for _file, _line, message, _comments, context in extract_from_dir(
                     str(ROOT), method_map, options_map)}
    with POT.open("rb") as handle:
        committed = {(m.context, m.id) for m in read_po(handle) if m.id}
    assert extracted == committed, "run the pybabel extract command of babel.cfg"


def test_the_persian_po_holds_exactly_the_pot_entries(fa_catalog) -> None:  # type: ignore[no-untyped-def]
    with POT.open("rb") as handle:
        template = {(m.context, m.id) for m in read_po(handle) if m.id}
    assert {(m.context, m.id) for m in fa_catalog if m.id} == template
