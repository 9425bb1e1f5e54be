"""The report's figures: each suite's plot data in the evidence drawn as inline SVG (matplotlib).

Fairness requirements keep their plot data under ``evidence.plots``, one entry per figure, and the
entry's keys say what it is: ``expected``/``observed`` lists (a QQ plot of p-values), a histogram
(``count`` with ``observed`` and ``expected``), a rate by group with its interval (``rate``,
``lower``, ``upper``, ``expected``) or a table (``observed`` and ``expected`` as rows). The load
suite keeps a per-second ``timeline`` for each rush. The output is deterministic: the same evidence
gives the same bytes. Labels come from the report's catalogue (``Speaker``); with
``svg.fonttype`` "none" they stay text in the SVG, which the browser shapes with the report's
font, so Persian needs no reshaping here.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import matplotlib

matplotlib.use("Agg")
from matplotlib import pyplot as plt  # noqa: E402 - the backend must be chosen first
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.text import Text  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from harness.report.i18n import Speaker, speaker  # noqa: E402

__all__ = ["Plot", "suite_plots"]

plt.rcParams.update({"svg.hashsalt": "harness-report", "svg.fonttype": "none",
                     "font.size": 8, "axes.titlesize": 9})
_RTL_LETTER = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")  # Hebrew, Arabic
# Persian labels are measured with a Latin font's metrics and drawn by the browser's own font;
# matplotlib's complaint about glyphs it lacks says nothing about the report.
logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)


@dataclass(frozen=True)
class Plot:
    """One figure: a caption and its SVG markup."""

    caption: str
    svg: str


def _svg(figure: Figure, sp: Speaker) -> str:
    if sp.lang != "en":  # tick labels in the language's digits
        for axes in figure.axes:
            for axis in (axes.xaxis, axes.yaxis):
                axis.set_major_formatter(FuncFormatter(lambda v, _: sp.number(v, "g")))
    if sp.direction == "rtl":
        # The SVG stays left to right (matplotlib places text by its anchors); each label in a
        # right-to-left script becomes a right-to-left isolate, so its words read in order.
        for artist in figure.findobj(Text):
            label = artist.get_text()
            if _RTL_LETTER.search(label):
                artist.set_text(f"\u2067{label}\u2069")
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def _figure() -> tuple[Figure, Any]:
    figure, axes = plt.subplots(figsize=(5.2, 2.8), layout="constrained")
    return figure, axes


def _qq(data: Mapping[str, Any], title: str, sp: Speaker) -> str:
    figure, axes = _figure()
    axes.plot(data["expected"], data["observed"], ".", markersize=3)
    axes.plot([0, 1], [0, 1], "-", linewidth=0.8, color="grey")
    axes.set(xlabel=sp.gettext("expected uniform quantile"),
             ylabel=sp.gettext("observed p-value"), title=title)
    return _svg(figure, sp)


def _histogram(data: Mapping[str, Any], title: str, sp: Speaker) -> str:
    figure, axes = _figure()
    axes.bar(data["count"], data["observed"], width=1.0, label=sp.gettext("observed applicants"))
    axes.plot(data["count"], data["expected"], "-", color="black", linewidth=1,
              label=sp.gettext("expected"))
    axes.set(xlabel=sp.gettext("times selected"), ylabel=sp.gettext("applicants"), title=title)
    axes.legend()
    return _svg(figure, sp)


def _rate(data: Mapping[str, Any], title: str, sp: Speaker) -> str:
    """Each group's observed selection rate against the band a correct draw keeps it in (the
    band is around the expected rate, one per group since it narrows with the group's size)."""
    figure, axes = _figure()
    groups = list(range(1, len(data["rate"]) + 1))
    level = sp.number(float(data.get("level", 0.95)), ".0%")
    axes.vlines(groups, data["lower"], data["upper"], color="#9ab", linewidth=4,
                label=sp.sentence("{level} band of a correct draw", level=level))
    axes.plot(groups, data["rate"], "o", markersize=3, color="#1f4e79",
              label=sp.gettext("observed rate"))
    axes.axhline(data["expected"], color="black", linewidth=0.8, label=sp.gettext("expected"))
    axes.set(xlabel=sp.gettext("group"), ylabel=sp.gettext("selection rate"), title=title)
    axes.legend()
    return _svg(figure, sp)


def _table(data: Mapping[str, Any], title: str, sp: Speaker) -> str:
    figure, axes = _figure()
    ratio = [[o / e if e else 0.0 for o, e in zip(row_o, row_e, strict=True)]
             for row_o, row_e in zip(data["observed"], data["expected"], strict=True)]
    image = axes.imshow(ratio, cmap="coolwarm", vmin=0.5, vmax=1.5, aspect="auto")
    figure.colorbar(image, ax=axes, label=sp.gettext("observed / expected"))
    axes.set(xlabel=sp.gettext("column group"), ylabel=sp.gettext("row group"), title=title)
    return _svg(figure, sp)


def _kind(data: Mapping[str, Any]) -> Any:
    if {"rate", "lower", "upper", "expected"} <= set(data):
        return _rate
    if {"count", "observed", "expected"} <= set(data):
        return _histogram
    if {"observed", "expected"} <= set(data):
        rows = data["observed"]
        return _table if rows and isinstance(rows[0], list) else _qq
    return None


def _timeline(name: str, rush: Mapping[str, Any], sp: Speaker) -> str | None:
    rows = rush.get("timeline") or []
    endpoints = sorted({row["endpoint"] for row in rows})
    if not endpoints:
        return None
    figure, (latency, volume) = plt.subplots(2, 1, figsize=(5.2, 3.6), sharex=True,
                                             layout="constrained")
    for endpoint in endpoints:
        mine = [row for row in rows if row["endpoint"] == endpoint]
        seconds = [row["second"] for row in mine]
        latency.plot(seconds, [row["p95_ms"] for row in mine], "-",
                     label=sp.sentence("{endpoint} p95", endpoint=endpoint))
        volume.plot(seconds, [row["requests"] for row in mine], "-",
                    label=sp.sentence("{endpoint} requests", endpoint=endpoint))
        volume.plot(seconds, [row["errors"] for row in mine], ":",
                    label=sp.sentence("{endpoint} errors", endpoint=endpoint))
    latency.set(ylabel=sp.gettext("latency (ms)"),
                title=sp.sentence("{name} rush, per second", name=name))
    volume.set(xlabel=sp.gettext("second of the rush"), ylabel=sp.gettext("per second"))
    latency.legend(fontsize=6)
    volume.legend(fontsize=6)
    return _svg(figure, sp)


def _fairness(suite: Mapping[str, Any], sp: Speaker) -> list[Plot]:
    plots = []
    for requirement in suite.get("requirements", []):
        for name, data in sorted((requirement.get("evidence", {}).get("plots") or {}).items()):
            kind = _kind(data) if isinstance(data, Mapping) else None
            if kind is None:
                continue
            title = f"{requirement['id']}: {_plot_name(name, sp)}"
            opened = set(plt.get_fignums())
            try:
                plots.append(Plot(title, kind(data, title, sp)))
            except (TypeError, ValueError, KeyError):
                _close_since(opened)  # malformed plot data: the figure is left out, the
                continue  # numbers remain
    return plots


def _load(suite: Mapping[str, Any], sp: Speaker) -> list[Plot]:
    plots = []
    for name, rush in sorted((suite.get("evidence", {}).get("rushes") or {}).items()):
        opened = set(plt.get_fignums())
        try:
            svg = _timeline(name, rush, sp) if isinstance(rush, Mapping) else None
        except (TypeError, ValueError, KeyError):
            _close_since(opened)
            svg = None
        if svg is not None:
            caption = sp.sentence("{name} rush: p95 latency, requests and errors per second",
                                  name=name)
            plots.append(Plot(caption, svg))
    return plots


def _close_since(opened: set[int]) -> None:
    """Close the figures a failed drawing left open (pyplot keeps every figure until closed)."""
    for number in set(plt.get_fignums()) - opened:
        plt.close(number)


def _plot_name(name: str, sp: Speaker) -> str:
    """A plot's key as a title: words in English, the key itself (an identifier) elsewhere."""
    return name.replace("_", " ") if sp.lang == "en" else sp.ltr(name)


def suite_plots(suite: Mapping[str, Any], sp: Speaker | None = None) -> list[Plot]:
    """The figures of one suite's result in the evidence (none for suites without plot data),
    labelled in ``sp``'s language (plain text: SVG text and captions)."""
    plain = speaker(sp.lang if sp else "en", html=False)
    drawers = {"fairness": _fairness, "load": _load}
    drawer = drawers.get(str(suite.get("suite")))
    return drawer(suite, plain) if drawer else []
