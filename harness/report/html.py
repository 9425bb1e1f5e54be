"""report.html: the certification report for a regulator, one self-contained file.

It holds what ISO/IEC 17025 clause 7.8.2 and 7.8.3 ask of a test report: a title, the laboratory,
a unique report id on every page, the item under test (version, source digest), the method
(harness version and profile), the dates, the decision rule with its alpha and power, the results
with units, the statement of conformity, the deviations and who authorised the report. Then the
requirement matrix, the findings with their evidence, each real round's beacon, and each suite's
figures as inline SVG. Nothing is fetched: styles and figures are inside the file. Built from
evidence alone, through report.json's view of it and the plot data of ``harness.report.figures``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from harness.report.figures import suite_plots
from harness.report.fonts import embedded_font
from harness.report.i18n import Speaker, safe, speaker, translations
from harness.report.json_report import build_report
from harness.report.writers import report_writer

__all__ = ["HTML_FILE", "build_html"]

HTML_FILE = "report.html"
_EVIDENCE_CHARS = 4000


@cache
def _environment(lang: str) -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("harness.report", "templates"),
        autoescape=True, trim_blocks=True, lstrip_blocks=True,
        undefined=jinja2.ChainableUndefined,  # evidence of older runs may lack a key
        extensions=["jinja2.ext.i18n"],
    )
    environment.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    return environment


def _pretty(value: Any) -> str:
    text = json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False, default=str)
    if len(text) > _EVIDENCE_CHARS:
        return text[:_EVIDENCE_CHARS] + f"\n... ({len(text) - _EVIDENCE_CHARS} more characters"\
                                        " in evidence.json)"
    return text


def _css_string(text: str) -> str:
    """``text`` as the inside of a CSS string in a <style> element (no markup can end it)."""
    return "".join(c if c.isalnum() or c in " -_.:()" else f"\\{ord(c):x} " for c in text)


def _rules(evidence: Mapping[str, Any], sp: Speaker) -> list[dict[str, Any]]:
    """Each distinct statistical decision rule in the evidence, with its alpha, power target and
    the requirements judged by it."""
    rules: dict[str, dict[str, Any]] = {}
    for suite in evidence["suites"]:
        for item in suite["requirements"]:
            rule = item.get("evidence", {}).get("decision_rule")
            if not isinstance(rule, Mapping) or "alpha" not in rule:
                continue
            text = str(rule.get("text", ""))
            shown = text if sp.lang == "en" else sp.sentence(
                "Holm's procedure at family-wise alpha = {alpha} over the requirement's tests;"
                " a pass needs power of at least {power} against each stated bias",
                alpha=rule.get("alpha"), power=rule.get("power_target"))
            entry = rules.setdefault(text, {"ids": [], "alpha": rule.get("alpha"),
                                            "power": rule.get("power_target"), "text": shown})
            entry["ids"].append(item["id"])
    return list(rules.values())


def _statistics(evidence: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The power each statistical test reached, where the evidence states it."""
    return [{"id": item["id"], **measurement}
            for suite in evidence["suites"] for item in suite["requirements"]
            for measurement in item.get("measurements", [])
            if str(measurement.get("name", "")).endswith(": power")
            and isinstance(measurement.get("value"), int | float)]


def _beacons(evidence: Mapping[str, Any], sp: Speaker) -> list[dict[str, Any]]:
    rounds = []
    for suite in evidence["suites"]:
        for item in suite["requirements"]:
            if item["id"] != "F-06":
                continue
            for entry in item.get("evidence", {}).get("rounds", []) or []:
                source = entry.get("beacon_source")
                rounds.append({
                    "round_id": entry.get("round_id"), "beacon": entry.get("beacon"),
                    "source": sp.quoted(source) if source else
                    sp.gettext("none (no beacon in this round)"),
                    "provenance_checked": bool(entry.get("beacon_provenance_checked", False)),
                    "verdict": entry.get("verdict"),
                })
    return rounds


def _deviations(evidence: Mapping[str, Any], report: Mapping[str, Any], sp: Speaker) -> list[str]:
    found = []
    profile = evidence["profile"]
    if profile.get("overrides"):
        found.append(sp.sentence("profile values set on the command line: {overrides}",
                             overrides=json.dumps(profile["overrides"], sort_keys=True)))
    if not str(profile.get("source", "")).startswith("builtin:"):
        found.append(sp.sentence("a laboratory's own profile file was used ({source})",
                             source=str(profile.get("source"))))
    if evidence["target"].get("problem"):
        found.append(sp.sentence("the target could not be tested: {reason}",
                             reason=str(evidence["target"]["problem"]["reason"])))
    for item in report["requirements"]:
        if item["verdict"] in ("INCONCLUSIVE", "NOT_APPLICABLE"):
            kind = sp.gettext("mandatory") if item["mandatory"] else sp.gettext("optional")
            found.append(sp.sentence("{id} ({kind}) not assessed to a conclusion: {summary}",
                                 id=item["id"], kind=escape(kind), summary=item["summary"]))
    return found


def _texts(evidence: Mapping[str, Any], report: Mapping[str, Any], sp: Speaker
           ) -> dict[str, Any]:
    """The report's sentences that mix catalogue text with facts of the evidence."""
    laboratory = evidence.get("laboratory") or {}
    target = report["target"]
    identity = target.get("identity") or {}
    harness = report["harness"]
    profile = report["profile"]
    item = sp.sentence("{name} at {url}", name=str(target.get("name")),
                   url=str(target.get("base_url")))
    if identity:
        item = escape(item) + " " + sp.sentence(
            "(system {system}, version {version}, contract {contract})",
            system=str(identity.get("system")), version=str(identity.get("version")),
            contract=str(identity.get("contract")))
    report_id = f"{report['run_id']}-{report['seed'][:8]}"
    before, _, rest = sp.gettext("page {page} of {pages}").partition("{page}")
    middle, _, after = rest.partition("{pages}")
    style = ", persian" if sp.lang == "fa" else ""
    return {
        "report_id": report_id,
        "running_text": sp.sentence("Report {id}", id=report_id),
        "running_css": safe(_css_string(speaker(sp.lang, html=False).sentence(
            "Report {id}", id=report_id))),
        "page_text": safe(f'"{_css_string(before)}" counter(page{style}) "{_css_string(middle)}"'
                          f' counter(pages{style}) "{_css_string(after)}"'),
        "laboratory": sp.quoted(laboratory["name"]) if laboratory.get("name")
        else sp.gettext("not stated (give --lab-name)"),
        "authorised_by": sp.quoted(laboratory["authorised_by"])
        if laboratory.get("authorised_by") else sp.gettext("not stated (give --authorised-by)"),
        "scope": safe(sp.value(report["scope"])) if sp.lang != "en" else report["scope"],
        "item_under_test": item,
        "method": sp.sentence(
            "allocation-harness {version} (Python {python}), profile {profile} ({source},"
            " sha256 {digest})", version=str(harness.get("harness")),
            python=str(harness.get("python")),
            profile=safe(f"<b>{sp.ltr(profile['name'])}</b>"), source=str(profile["source"]),
            digest=safe(f'<span class="mono">{escape(profile["source_sha256"])}</span>')),
        "rule": sp.gettext(
            "NOT_CERTIFIED if any requirement is FAIL; CERTIFIED if every mandatory requirement"
            " is PASS; otherwise INCONCLUSIVE (DESIGN.md section 5, profile ACP-1)."),
    }


def _helpers(sp: Speaker) -> dict[str, Any]:
    """What the template calls to speak the report's language."""

    def markup(text: str) -> Markup:
        return safe(text)  # the Speaker's output: escaped pieces

    def ids(values: Any) -> Markup:
        return markup(sp.value([str(v) for v in values or []])) if values else Markup("")

    return {
        "sp": sp, "say": sp.say, "pretty": _pretty,
        "ltr": lambda text: markup(sp.ltr(text)),
        "mono": lambda text: markup(f'<span class="mono">{escape(text)}</span>'),
        "ids": ids,
        "value": lambda v: markup(sp.value(v)),
        "number": lambda v: markup(sp.number(v)),
        "measured": lambda v: markup(sp.ltr(f"{v:.6g}" if isinstance(v, float) else v))
        if v is not None else sp.gettext("not measured"),
        "unit": lambda u: markup(sp.unit(str(u))),
        "measurement": lambda name: markup(sp.measurement(str(name))),
        "date": lambda stamp: markup(sp.date(stamp)),
        "verdict": lambda code: sp.word("verdict", code),
        "severity": lambda code: sp.word("severity", code),
        "suite": lambda name: sp.word("suite", name),
        "requirement": lambda rid, field, text: sp.word(f"{rid} {field}", text),
        "standards": lambda items: escape(sp.clause_separator).join(
            sp.word("standard", s) for s in items or []),
    }


def _context(evidence: Mapping[str, Any], sp: Speaker) -> dict[str, Any]:
    report = build_report(evidence)
    return {
        "report": report,
        "catalogue": evidence["catalogue"],
        "validation": report.get("validation"),
        "font": embedded_font() if sp.lang == "fa" else None,
        "rules": _rules(evidence, sp),
        "statistics": _statistics(evidence),
        "beacons": _beacons(evidence, sp),
        "deviations": _deviations(evidence, report, sp),
        "figures": [(suite["suite"], suite_plots(suite, sp)) for suite in evidence["suites"]],
        "suites": [(s["suite"], s.get("started_at"), s.get("finished_at"))
                   for s in evidence["suites"]],
        **_texts(evidence, report, sp),
        **_helpers(sp),
    }


def build_html(evidence: Mapping[str, Any], lang: str = "en") -> str:
    """The report.html text of a run's evidence, its text for people in ``lang``."""
    return _environment(lang).get_template("report.html.j2").render(
        **_context(evidence, speaker(lang)))


@report_writer(HTML_FILE, localised=True)
def write_html(evidence: Mapping[str, Any], out_dir: Path, lang: str = "en") -> Path:
    path = out_dir / HTML_FILE
    path.write_text(build_html(evidence, lang), encoding="utf-8")
    return path
