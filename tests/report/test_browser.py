"""report.html rendered by a headless Chromium (Debian's chromium package): the verdict, the
requirement table and the figures are in the rendered page; the screenshot is kept under the
test's temporary folder and its path printed."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from harness.report import write_reports
from harness.verdict import Verdict
from tests.report._evidence import certification_evidence, with_plot_data

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason="chromium is not installed (apt-get install -y chromium)"),
]


def _chromium(page: Path, profile: Path, *action: str) -> subprocess.CompletedProcess[str]:
    argv = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", f"--user-data-dir={profile}", "--window-size=1280,2400",
            *action, page.as_uri()]
    return subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)


def test_the_rendered_report_shows_verdict_requirements_and_figures(tmp_path: Path) -> None:
    write_reports(with_plot_data(certification_evidence({"F-03": Verdict.FAIL})), tmp_path)
    page = tmp_path / "report.html"
    screenshot = tmp_path / "report.png"
    run = _chromium(page, tmp_path / "profile", f"--screenshot={screenshot}", "--dump-dom")
    assert run.returncode == 0, run.stderr[-2000:]
    dom = run.stdout
    assert re.search(r'id="verdict">Verdict: NOT_CERTIFIED<', dom)
    table = dom[dom.index('id="requirements"'):]
    table = table[:table.index("</table>")]
    assert len(re.findall(r"<td>[FILS]-\d\d</td>", table)) == 26
    assert 'class="verdict FAIL">FAIL<' in table
    figures = dom[dom.index('id="figures"'):]
    assert figures.count("<svg") == 5 and "<path" in figures
    assert screenshot.stat().st_size > 10_000 and screenshot.read_bytes()[:4] == b"\x89PNG"
    print(f"report screenshot kept at {screenshot}")


def test_the_persian_report_renders_right_to_left_with_its_font(tmp_path: Path) -> None:
    """The Persian report in Chromium: an rtl page whose banner, requirement table and figures
    are there, with the embedded Vazirmatn loaded (no Persian font need be installed)."""
    evidence = with_plot_data(certification_evidence({"F-03": Verdict.FAIL}))
    write_reports(evidence, tmp_path, "fa")
    page = tmp_path / "report.html"
    screenshot = tmp_path / "report-fa.png"
    run = _chromium(page, tmp_path / "profile", f"--screenshot={screenshot}", "--dump-dom")
    assert run.returncode == 0, run.stderr[-2000:]
    dom = run.stdout
    assert re.search(r'<html lang="fa" dir="rtl">', dom)
    assert 'id="verdict">نتیجهٔ ارزیابی: گواهی‌نشده<' in dom
    table = dom[dom.index('id="requirements"'):]
    table = table[:table.index("</table>")]
    assert len(re.findall(r'<td><bdi dir="ltr">[FILS]-\d\d</bdi></td>', table)) == 26
    assert 'class="verdict FAIL">ردشده<' in table
    figures = dom[dom.index('id="figures"'):]
    assert figures.count("<svg") == 5 and "چندک یکنواخت مورد انتظار" in figures
    assert screenshot.stat().st_size > 10_000 and screenshot.read_bytes()[:4] == b"\x89PNG"
    print(f"Persian report screenshot kept at {screenshot}")


def test_chromium_lays_the_persian_page_out_right_to_left(tmp_path: Path) -> None:
    """Measured in the browser: the verdict banner's text starts at the right, the first column
    of the requirement table (the ids) is the rightmost, and Vazirmatn is the font in use."""
    write_reports(with_plot_data(certification_evidence()), tmp_path, "fa")
    probe = tmp_path / "probe.html"
    probe.write_text((tmp_path / "report.html").read_text(encoding="utf-8").replace(
        "</body>", _PROBE + "</body>"), encoding="utf-8")
    run = _chromium(probe, tmp_path / "profile", "--virtual-time-budget=3000", "--dump-dom")
    assert run.returncode == 0, run.stderr[-2000:]
    found = re.search(r'<pre id="probe">([^<]*)</pre>', run.stdout)
    assert found is not None, run.stdout[-2000:]
    facts = json.loads(found.group(1))
    assert facts["direction"] == "rtl"
    assert facts["first_cell_right"] > facts["last_cell_right"]  # columns run right to left
    assert facts["banner_text_right"] > facts["banner_text_left_limit"]
    assert facts["font_loaded"] is True


_PROBE = """<script>
document.fonts.ready.then(() => {
  const cells = document.querySelectorAll("#requirements tbody tr:first-child td");
  const banner = document.getElementById("verdict");
  const range = document.createRange();
  range.selectNodeContents(banner);
  const text = range.getBoundingClientRect(), box = banner.getBoundingClientRect();
  const out = document.createElement("pre");
  out.id = "probe";
  out.textContent = JSON.stringify({
    direction: getComputedStyle(document.body).direction,
    first_cell_right: cells[0].getBoundingClientRect().right,
    last_cell_right: cells[cells.length - 1].getBoundingClientRect().right,
    banner_text_right: text.right,
    banner_text_left_limit: box.left + box.width / 2,
    font_loaded: [...document.fonts].some(
      (face) => face.family.replaceAll('"', "") === "Vazirmatn" && face.status === "loaded"),
  });
  document.body.appendChild(out);
});
</script>"""


@pytest.mark.skipif(shutil.which("pdftotext") is None,
                    reason="pdftotext is not installed (apt-get install -y poppler-utils)")
def test_the_printed_report_carries_its_running_header_once_on_every_page(
    tmp_path: Path
) -> None:
    """Printed, the page's margin box carries the running header; the screen's fixed header
    must not be printed as well, over the first lines of every page (the top three lines of
    text of each page hold it once)."""
    write_reports(certification_evidence({}), tmp_path)
    running = re.search(r'<header class="running">([^<]+)</header>',
                        (tmp_path / "report.html").read_text(encoding="utf-8"))
    assert running is not None
    pdf = tmp_path / "report.pdf"
    run = _chromium(tmp_path / "report.html", tmp_path / "profile", "--no-pdf-header-footer",
                    f"--print-to-pdf={pdf}")
    assert run.returncode == 0 and pdf.exists(), run.stderr[-2000:]
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, timeout=60, check=True).stdout
    tops = ["\n".join([line for line in page.splitlines() if line.strip()][:3])
            for page in text.split("\f") if page.strip()]
    assert len(tops) >= 2
    assert [top.count(running.group(1)) for top in tops] == [1] * len(tops)
