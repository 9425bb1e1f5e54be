"""The Persian report: right to left with its own font, Solar Hijri dates in Persian digits, every
message in Persian, and the same language-neutral files as the English report of the same
evidence (DESIGN.md sections 6 and 8)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import zlib
from pathlib import Path

import pytest

from harness.cli import main
from harness.report.fonts import embedded_font
from harness.report.html import build_html
from harness.report.i18n import speaker
from harness.report.summary_md import build_summary
from harness.run import write_outputs
from harness.verdict import Verdict
from tests.report._evidence import certification_evidence, with_plot_data
from tests.report._persian import english_left, evidence_with_every_message

NEUTRAL = ("evidence.json", "report.json", "junit.xml", "results.sarif")
WEBFONTS = Path(__file__).parents[2] / "harness" / "report" / "webfonts"


@pytest.fixture(scope="module")
def page() -> str:
    return build_html(evidence_with_every_message(), "fa")


def test_2022_05_17_is_27_ordibehesht_1401_with_the_gregorian_date_beside_it() -> None:
    shown = speaker("fa", html=False).date("2022-05-17T08:30:00+00:00")
    assert shown.startswith("۲۷ اردیبهشت ۱۴۰۱")
    assert "ساعت ۰۸:۳۰:۰۰ UTC" in shown and "(۱۷ مه ۲۰۲۲)" in shown
    assert not re.search(r"[0-9]", shown)  # Persian digits only
    assert speaker("en", html=False).date("2022-05-17T08:30:00Z") == "2022-05-17T08:30:00Z"


def test_numbers_take_persian_digits_and_identifiers_stay_left_to_right() -> None:
    fa = speaker("fa")
    assert fa.number(0.01) == "۰٫۰۱" and fa.number(1234) == "۱۲۳۴"
    assert fa.number(1.5e-07) == '<bdi dir="ltr">1.5e-07</bdi>'  # an exponent stays Latin
    assert fa.ltr("F-01") == '<bdi dir="ltr">F-01</bdi>'
    message = {"id": "security.s05.repeated_seed", "params": {"a": "lab-x-r1", "b": "lab-x-r2"},
               "text": "rounds lab-x-r1 and lab-x-r2 revealed the same server seed"}
    rendered = fa.say(message)
    assert '<bdi dir="ltr">lab-x-r1</bdi>' in rendered and "بذر کارساز یکسانی" in rendered


def test_a_message_the_catalogue_lacks_falls_back_to_its_english_marked_as_such() -> None:
    rendered = speaker("fa").say({"id": "no.such.message", "params": {}, "text": "a <b> & c"})
    assert rendered == ('<span lang="en" dir="ltr" class="untranslated">a &lt;b&gt; &amp; c'
                        "</span>")


def test_the_page_is_right_to_left_persian_with_the_embedded_font(page: str) -> None:
    assert re.search(r'<html lang="fa" dir="rtl">', page)
    assert 'class="banner NOT_CERTIFIED" id="verdict">نتیجهٔ ارزیابی: گواهی‌نشده<' in page
    font = embedded_font()
    assert f"base64,{font.regular}" in page and f"base64,{font.bold}" in page
    assert not re.search(r"url\((?!#|data:font/woff2;base64,)", page)  # nothing fetched
    assert "margin-inline-start" in page and "text-align: start" in page
    assert "@media print" in page and 'counter(page, persian)' in page


def test_no_english_is_left_but_identifiers_and_quoted_text(page: str) -> None:
    assert 'class="untranslated"' not in page
    assert english_left(page) == []


def test_the_english_leak_check_catches_english(page: str) -> None:
    broken = page.replace("نتیجهٔ ارزیابی", "Verdict of the laboratory", 1)
    assert english_left(broken) == ["Verdict", "of", "the", "laboratory"]


def test_ids_hashes_and_seeds_are_isolated_left_to_right(page: str) -> None:
    matrix = page[page.index('id="requirements"'):]
    matrix = matrix[:matrix.index("</table>")]
    assert len(re.findall(r'<tr><td><bdi dir="ltr">[FILS]-\d\d</bdi></td>', matrix)) == 26
    assert '<dd class="mono">' in page  # report id and run seed
    assert 'figure.plot svg text { font-family: "Vazirmatn"' in page


def test_the_persian_summary_is_persian_with_isolated_identifiers() -> None:
    text = build_summary(evidence_with_every_message(), "fa")
    assert text.startswith("# گواهی‌نشده: ")
    assert "| \u2066F-01\u2069 | همهٔ متقاضیان واجد شرایط" in text
    assert english_left("<body>" + text.replace("**", "")) == []


def test_en_and_fa_of_the_same_evidence_share_every_language_neutral_byte(
        tmp_path: Path) -> None:
    evidence = with_plot_data(certification_evidence({"F-03": Verdict.FAIL}))
    written = {}
    for lang in ("en", "fa"):
        write_outputs(evidence, tmp_path / lang, None, lang)
        written[lang] = {p.name: p.read_bytes() for p in (tmp_path / lang).iterdir()}
    for name in NEUTRAL:
        assert written["en"][name] == written["fa"][name], name
    for name in ("report.html", "summary.md", "manifest.json"):
        assert written["en"][name] != written["fa"][name], name
    manifest = json.loads(written["fa"]["manifest.json"])
    assert manifest["files"]["report.html"] == hashlib.sha256(
        written["fa"]["report.html"]).hexdigest()


def test_harness_report_re_renders_persian_from_existing_evidence(tmp_path: Path) -> None:
    write_outputs(with_plot_data(certification_evidence()), tmp_path / "run")
    before = (tmp_path / "run" / "evidence.json").read_bytes()
    code = main(["report", str(tmp_path / "run" / "evidence.json"), "--out",
                 str(tmp_path / "fa"), "--lang", "fa"])
    assert code == 0
    assert (tmp_path / "fa" / "evidence.json").read_bytes() == before
    assert '<html lang="fa" dir="rtl">' in (tmp_path / "fa" / "report.html").read_text()
    assert main(["report", str(tmp_path / "run" / "evidence.json"), "--lang", "de"]) == 2


def test_the_embedded_font_is_the_committed_subset_with_its_licence() -> None:
    font = embedded_font()
    for name, text in (("Regular", font.regular), ("Bold", font.bold)):
        data = base64.b64decode(text)
        assert data[:4] == b"wOF2"
        committed = WEBFONTS / f"Vazirmatn-{name}-subset.woff2"
        assert data == committed.read_bytes()
        assert hashlib.sha256(data).hexdigest() in (WEBFONTS / "README.md").read_text()
    assert "SIL OPEN FONT LICENSE Version 1.1" in (WEBFONTS / "OFL.txt").read_text()
    assert 60_000 < font.size < 70_000  # base64 of the two subsets, not the full fonts


@pytest.mark.slow
def test_the_pdf_of_the_persian_report_is_printed_with_its_font(tmp_path: Path) -> None:
    """harness report --lang fa --pdf: WeasyPrint prints the Persian report.html (the optional
    ``pdf`` extra), embedding the Vazirmatn subset in the PDF."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        pytest.skip("WeasyPrint (the 'pdf' extra, with Pango) is not usable here")
    write_outputs(with_plot_data(certification_evidence()), tmp_path / "run")
    assert main(["report", str(tmp_path / "run" / "evidence.json"), "--out",
                 str(tmp_path / "fa"), "--lang", "fa", "--pdf"]) == 0
    pdf = (tmp_path / "fa" / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    streams = [zlib.decompressobj().decompress(chunk) for chunk in
               re.findall(rb"stream\r?\n(.*?)endstream", pdf, flags=re.S)]
    assert any(b"Vazirmatn" in text for text in [pdf, *streams])  # the font's name in the PDF
    manifest = json.loads((tmp_path / "fa" / "manifest.json").read_text())
    assert "report.pdf" in manifest["files"]
