"""The report's languages: gettext catalogues (Babel), messages of the evidence, numbers, dates.

The source of truth of a language is its ``locale/<lang>/LC_MESSAGES/harness.po``; it is compiled
in memory (Babel's ``read_po`` and ``write_mo``) the first time the language is used, so no
compiled ``.mo`` can drift from the ``.po`` beside it. English is the language the code is written
in: its catalogue is empty and every text passes through unchanged.

Evidence keeps text for people as ``{id, params, text}`` with the English ``text`` beside it.
``Speaker.say`` renders such a message: in English its ``text``; in another language the
catalogue's template for ``id`` (msgid = the message id) filled with the params, where numbers
take the language's digits, strings stay as written inside a left-to-right isolate (they are
identifiers, paths or the target's own words), a param that is itself a message is rendered the
same way, and a string value with a ``param value`` entry in the catalogue is translated.
A message the catalogue lacks falls back to its English text, marked ``lang="en"``.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from gettext import NullTranslations
from importlib import resources
from typing import Any

import jdatetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from markupsafe import Markup, escape

from harness.report.vocabulary import GREGORIAN_MONTHS

__all__ = ["DOMAIN", "LANGUAGES", "Rendered", "Speaker", "po_path", "safe", "speaker",
           "translations"]

LANGUAGES = ("en", "fa")
DOMAIN = "harness"
VALUE_CONTEXT = "param value"
_DIRECTION = {"en": "ltr", "fa": "rtl"}
_DIGITS = {"fa": str.maketrans("0123456789.,%", "۰۱۲۳۴۵۶۷۸۹٫٬٪")}
_LIST_SEPARATOR = {"en": ", ", "fa": "، "}
_CLAUSE_SEPARATOR = {"en": "; ", "fa": "؛ "}
_NUMBER = r"-?\d+(?:\.\d+)?(?:e[+-]?\d+)?"
_ID = r"[A-Za-z0-9_-]{1,64}"
_FIELD_SHAPES = {"label": r"N=\d+", "share": _NUMBER, "bits": _NUMBER, "k": _NUMBER,
                 "window": _NUMBER, "null": _NUMBER, "alpha": _NUMBER, "seq": r"\S+",
                 "count": _NUMBER, "deposits": _NUMBER, "round": _ID, "applicant": _ID,
                 "who": r"\S+", "kind": r"[a-z0-9 ]+"}
_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")
# left-to-right isolate, first-strong isolate, pop directional isolate (plain-text output)
_LRI, _FSI, _PDI = "\u2066", "\u2068", "\u2069"


class Rendered(str):
    """Plain text already written in the report's language: a message fills it in as is."""


def safe(html: str) -> Markup:
    """Mark as markup a text this package built from escaped pieces (or CSS-escaped ones)."""
    return Markup(html)  # noqa: S704 - callers pass only text made of escaped parts


def po_path(lang: str) -> Any:
    """The ``.po`` file of ``lang`` inside the package."""
    return resources.files("harness.report").joinpath("locale", lang, "LC_MESSAGES",
                                                       f"{DOMAIN}.po")


@cache
def translations(lang: str) -> NullTranslations:
    """The gettext translations of ``lang`` (a ``ValueError`` for a language not shipped)."""
    if lang not in LANGUAGES:
        raise ValueError(f"no report language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    if lang == "en":
        return NullTranslations()
    with po_path(lang).open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)  # fuzzy entries are left out, as msgfmt does
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


@dataclass(frozen=True)
class Speaker:
    """Everything a writer needs to speak one language: catalogue lookups, evidence messages,
    numbers and dates. ``html`` chooses markup (escaped, ``<bdi>`` isolates) or plain text
    (Unicode isolates)."""

    lang: str
    html: bool = True

    @property
    def direction(self) -> str:
        return _DIRECTION[self.lang]

    @property
    def _t(self) -> NullTranslations:
        return translations(self.lang)

    def gettext(self, text: str) -> str:
        return self._t.gettext(text)

    def pgettext(self, context: str, text: str) -> str:
        return self._t.pgettext(context, text)

    def word(self, context: str, text: Any) -> str:
        """A value of the evidence (a verdict, a suite's name) looked up under ``context``; the
        words are listed in ``harness.report.vocabulary`` for the extractor."""
        return self._done(str(escape(self._t.pgettext(context, str(text)))) if self.html
                          else self._t.pgettext(context, str(text)))

    def _done(self, text: str) -> str:
        """Output of this speaker, marked so that a message inserts it as it is."""
        return safe(text) if self.html else Rendered(text)

    def _out(self, text: str) -> str:
        return str(escape(text)) if self.html else text

    def ltr(self, text: Any) -> str:
        """``text`` kept left to right inside the running text (ids, hashes, URLs, seeds)."""
        if self.lang == "en":
            return self._out(str(text))
        if self.html:
            return f'<bdi dir="ltr">{escape(str(text))}</bdi>'
        return f"{_LRI}{text}{_PDI}"

    def quoted(self, text: Any) -> str:
        """Free text as someone wrote it (a laboratory's name, a beacon's source), isolated and
        left to find its own direction."""
        if self.lang == "en":
            return self._done(self._out(str(text)))
        if self.html:
            return self._done(f'<bdi dir="auto">{escape(str(text))}</bdi>')
        return self._done(f"{_FSI}{text}{_PDI}")

    def number(self, value: Any, spec: str = "") -> str:
        """A number in the language's digits (``spec`` as in ``format``); an exponent form
        stays left to right in Latin digits, as it is written in any language."""
        text = format(value, spec)
        if self.lang == "en":
            return text
        if any(mark in text for mark in ("e", "E", "inf", "nan")):
            return self.ltr(text)
        return text.translate(_DIGITS[self.lang]).replace("-", "\u2212")

    def digits(self, text: str) -> str:
        """Every ASCII digit of ``text`` in the language's digits (for running text)."""
        return text.translate(_DIGITS[self.lang]) if self.lang in _DIGITS else text

    @property
    def separator(self) -> str:
        """What separates items of a list (ids, names)."""
        return _LIST_SEPARATOR[self.lang]

    @property
    def clause_separator(self) -> str:
        """What separates clauses (standards, message parts)."""
        return _CLAUSE_SEPARATOR[self.lang]

    def value(self, value: Any, spec: str = "") -> str:
        """One param of a message, as the language writes it."""
        if isinstance(value, Markup | Rendered):
            return str(value)  # already rendered in this language
        if isinstance(value, bool):
            return self._out(self.gettext("yes") if value else self.gettext("no"))
        if isinstance(value, int | float):
            return self.number(value, spec)
        if isinstance(value, Mapping) and {"id", "text"} <= set(value):
            return self.say(value)
        if isinstance(value, list | tuple) and not value:
            return self._out(self.gettext("none"))
        if isinstance(value, str) and _TIMESTAMP.match(value):
            return self.date(value)
        if isinstance(value, list | tuple):
            nested = any(isinstance(item, Mapping) for item in value)
            separator = self._out((_CLAUSE_SEPARATOR if nested else _LIST_SEPARATOR)[self.lang])
            return separator.join(self.value(item, spec) for item in value)
        if value is None:
            return self._out(self.gettext("none"))
        text = format(value, spec) if spec else str(value)
        if not text:
            return ""
        translated = self.pgettext(VALUE_CONTEXT, text)
        if translated != text:
            return self._out(translated)
        return self._matched(VALUE_CONTEXT, text) or self.ltr(text)

    def _matched(self, context: str, text: str) -> str | None:
        """``text`` translated by the first catalogue pattern of ``context`` it matches (an
        entry with ``{name}`` fields; the words it captures are values in their own right)."""
        if self.lang == "en":
            return None
        for pattern, template in _patterns(self.lang, context):
            found = pattern.fullmatch(text)
            if found:
                return self._fill(template, {k: _number_or_text(v)
                                             for k, v in found.groupdict().items()})
        return None

    def say(self, message: Mapping[str, Any]) -> str:
        """A message of the evidence (``{id, params, text}``) in this language; markup when
        ``html`` (a ``Markup`` string, safe to put into a template)."""
        english = str(message.get("text", ""))
        if self.lang == "en":
            return english if not self.html else escape(english)
        template = self.gettext(str(message.get("id", "")))
        params = message.get("params") or {}
        rendered = None
        if template and template != message.get("id"):
            rendered = self._fill(template, params)
        if rendered is None:
            rendered = (f'<span lang="en" dir="ltr" class="untranslated">{escape(english)}</span>'
                        if self.html else f"{_LRI}{english}{_PDI}")
        return self._done(rendered)

    def _fill(self, template: str, params: Mapping[str, Any]) -> str | None:
        parts = []
        try:
            for literal, field, spec, _ in string.Formatter().parse(template):
                parts.append(self._out(literal))
                if field is not None:
                    parts.append(self.value(params[field], spec or ""))
        except (KeyError, ValueError, TypeError):
            return None  # the evidence lacks a param the template needs: English instead
        return "".join(parts)

    def sentence(self, text: str, **params: Any) -> str:
        """A catalogue text of the code (msgid = English) filled with ``params`` (a ``Markup``
        string when ``html``)."""
        template = self.gettext(text)
        filled = self._fill(template, params)
        rendered = filled if filled is not None else self._out(template)
        return self._done(rendered)

    def unit(self, unit: str) -> str:
        """A measurement's unit: translated when the catalogue has it, or when it matches a
        catalogue pattern (an entry with ``{name}`` fields, filled from the unit's own words);
        else kept as written, left to right."""
        translated = self.pgettext("unit", unit)
        if translated != unit or self.lang == "en":
            return self._out(translated)
        return self._matched("unit", unit) or self.ltr(unit)

    def measurement(self, name: str) -> str:
        """A measurement's name: translated when the catalogue has it (or the part after a
        test's name, ``chi2: power``), else kept as the identifier it is."""
        whole = self.pgettext("measurement", name)
        if whole != name or self.lang == "en":
            return self._out(whole)
        head, colon, tail = name.rpartition(": ")
        translated = self.pgettext("measurement", tail)
        if colon and translated != tail:
            return self.ltr(head) + self._out(": " + translated)
        return self.ltr(name)

    def date(self, stamp: Any) -> str:
        """An RFC 3339 timestamp as the language writes dates; Persian: the Solar Hijri date
        first, the Gregorian beside it, in Persian digits. What is not a timestamp stays as
        written."""
        if self.lang == "en":
            return self._done(self._out(str(stamp)))
        try:
            moment = dt.datetime.fromisoformat(str(stamp))
        except ValueError:
            return self._done(self.ltr(str(stamp) if stamp is not None else "-"))
        month = self.pgettext(*GREGORIAN_MONTHS[moment.month - 1])
        return self._done(self._out(_persian_date(moment, month, self.digits)))


def _persian_date(moment: dt.datetime, gregorian_month: str, digits: Callable[[str], str]) -> str:
    solar = jdatetime.date.fromgregorian(date=moment.date())
    solar_month = jdatetime.date.j_months_fa[solar.month - 1]
    clock = moment.strftime("%H:%M:%S")
    zone = " UTC" if moment.utcoffset() == dt.timedelta(0) else moment.strftime(" %z")
    return digits(f"{solar.day} {solar_month} {solar.year}، ساعت {clock}{zone}"
                  f" ({moment.day} {gregorian_month} {moment.year})")


@cache
def _patterns(lang: str, context: str) -> tuple[tuple[re.Pattern[str], str], ...]:
    """The catalogue entries of ``context`` whose msgid has ``{name}`` fields, as regular
    expressions that capture those fields, with their translations."""
    found = []
    for key, value in getattr(translations(lang), "_catalog", {}).items():
        if not isinstance(key, str) or not key.startswith(context + "\x04") or "{" not in key:
            continue
        pieces = []
        literal_length = 0
        for literal, field, _, _ in string.Formatter().parse(key.split("\x04", 1)[1]):
            pieces.append(re.escape(literal))
            literal_length += len(literal)
            if field:  # a "label" names a population ("N=20000"); numeric fields a number
                shape = _FIELD_SHAPES.get(field, ".+?")
                pieces.append(f"(?P<{field}>{shape})")
        found.append((literal_length, re.compile("".join(pieces)), str(value)))
    # the most specific first: a string two patterns match takes the one with more fixed text
    return tuple((pattern, template) for _, pattern, template in
                 sorted(found, key=lambda item: -item[0]))


def _number_or_text(text: str) -> Any:
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text


@cache
def speaker(lang: str, html: bool = True) -> Speaker:
    """The ``Speaker`` of ``lang`` (a ``ValueError`` for a language not shipped)."""
    translations(lang)
    return Speaker(lang, html)
