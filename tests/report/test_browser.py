"""report.html rendered by a headless Chromium (Debian's chromium package): the verdict, the
requirement table and the figures are in the rendered page; the screenshot is kept under the
test's temporary folder and its path printed."""

from __future__ import annotations

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
