"""report.html: one self-contained file with the ISO/IEC 17025 7.8 items, the requirement matrix,
the findings, the beacons and the figures, built from evidence alone."""

from __future__ import annotations

import re

import pytest

from harness.report.html import build_html
from harness.verdict import Verdict
from tests.report._evidence import certification_evidence, with_plot_data


@pytest.fixture(scope="module")
def html() -> str:
    verdicts = {"F-03": Verdict.FAIL, "S-09": Verdict.NOT_APPLICABLE}
    return build_html(with_plot_data(certification_evidence(verdicts)))


def test_the_verdict_banner_and_the_17025_items_are_present(html: str) -> None:
    assert 'class="banner NOT_CERTIFIED" id="verdict">Verdict: NOT_CERTIFIED' in html
    for label in ("Report id", "Laboratory", "Item under test", "Source digest", "Method",
                  "Dates of testing", "Date of issue", "Authorised by", "Decision rule",
                  "Statement of conformity", "Deviations"):
        assert label in html, label
    assert "Lab &lt;One&gt;" in html and "A. Person" in html  # escaped, never raw markup
    assert "S-09 (optional) not assessed to a conclusion" in html
    rules = html[html.index('id="rules"'):]
    assert ("<td>F-01</td><td>0.01</td><td>0.9</td>"
            "<td>Holm at family-wise alpha = 0.01</td>") in rules
    assert "<td>chi2: power</td><td>0.95</td><td>1</td>" in html


def test_the_report_id_is_on_every_printed_page(html: str) -> None:
    report_id = re.search(r'<dd class="mono">([^<]+)</dd>', html)
    assert report_id is not None
    assert f'@top-right {{ content: "Report {report_id.group(1)}"' in html
    assert f'<header class="running">Report {report_id.group(1)}</header>' in html


def test_every_requirement_has_a_row_and_findings_show_their_evidence(html: str) -> None:
    table = html[html.index('id="requirements"'):html.index("</table>", html.index(
        'id="requirements"'))]
    assert len(re.findall(r"<tr><td>[FILS]-\d\d</td>", table)) == 26
    assert "F-03 broke &lt;here&gt; &amp; there" in html and "GET /x" in html


def test_figures_are_inline_svg_one_per_plot(html: str) -> None:
    figures = html[html.index('id="figures"'):]
    assert figures.count('<figure class="plot"><svg') == 5  # four fairness plots, one rush


def test_beacons_say_whether_their_provenance_was_checked(html: str) -> None:
    assert "ab" * 32 in html and "chosen by the lab" in html
    assert "no: the harness did not verify where this value came from" in html


def test_the_file_is_self_contained(html: str) -> None:
    assert not re.search(r"<(script|link|img|iframe)\b", html)
    assert not re.search(r"url\((?!#)", html)  # only the figures' own clip paths
    assert not re.search(r'(src|href)="https?:', html)


def test_the_same_evidence_gives_the_same_bytes() -> None:
    evidence = with_plot_data(certification_evidence())
    assert build_html(evidence) == build_html(evidence)


def test_a_rate_figure_is_drawn_when_groups_fall_outside_the_band_of_a_correct_draw() -> None:
    """The band is around the expected rate, not the observed one: a group far outside it (the
    very thing the figure is there to show) must still be drawn, both as band and as point."""
    import numpy as np

    from harness.fairness.stats.plotdata import rate_band
    from harness.report.figures import suite_plots

    band = rate_band(np.array([40.0, 300.0, 100.0]), np.array([50, 50, 50]), m=20, k=10, n=100,
                     level=0.99)
    assert band["rate"][1] > band["upper"][1] and band["rate"][0] < band["lower"][0]
    suite = {"suite": "fairness", "requirements": [
        {"id": "F-04", "evidence": {"plots": {"rate_by_region": band}}}]}
    plots = suite_plots(suite)
    assert len(plots) == 1 and plots[0].svg.startswith("<svg")
    assert "observed rate" in plots[0].svg and "99% band of a correct draw" in plots[0].svg
