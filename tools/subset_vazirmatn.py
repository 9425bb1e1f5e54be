"""Rebuild harness/report/webfonts/ from the npm package ``vazirmatn`` (the Persian report's font).

Usage: ``python tools/subset_vazirmatn.py [vazirmatn-33.0.3.tgz]``; without an argument it runs
``npm pack vazirmatn@33.0.3`` in a temporary folder. Needs fontTools and brotli (the ``fonts``
extra: ``pip install 'allocation-harness[fonts]'``), which the harness itself does not need at run
time: it embeds the committed subsets. The subsets keep Persian and Arabic letters, Persian and
Arabic-Indic digits, Basic Latin, the punctuation a report uses and every OpenType layout feature
(the browser shapes the joined forms from them).
"""

from __future__ import annotations

import hashlib
import subprocess  # noqa: S404 - runs npm with fixed arguments
import sys
import tarfile
import tempfile
from pathlib import Path

from fontTools import subset

VERSION = "33.0.3"
TARBALL_SHA256 = "9506e9e6a27e62b353c04a136c27de0cc3aa9e434658b45a6363f7c98c357090"
UNICODES = ("U+0020-007E,U+00A0,U+00AB,U+00BB,U+00D7,U+060C,U+061B,U+061F,U+0621-063A,"
            "U+0640-0652,U+0654,U+0660-066C,U+0670,U+067E,U+0686,U+0698,U+06A9,U+06AF,U+06C0,"
            "U+06CC,U+06F0-06F9,U+200C-200F,U+2010-2014,U+2018-201D,U+2026,U+2066-2069,U+2212")
WEIGHTS = ("Regular", "Bold")
OUT = Path(__file__).resolve().parent.parent / "harness" / "report" / "webfonts"


def _tarball(work: Path) -> Path:
    if len(sys.argv) > 1:
        return Path(sys.argv[1])
    subprocess.run(["npm", "pack", f"vazirmatn@{VERSION}"], cwd=work, check=True)  # noqa: S603 S607
    return work / f"vazirmatn-{VERSION}.tgz"


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        tarball = _tarball(work)
        digest = hashlib.sha256(tarball.read_bytes()).hexdigest()
        if digest != TARBALL_SHA256:
            print(f"{tarball}: sha256 {digest}, expected {TARBALL_SHA256}", file=sys.stderr)
            return 1
        with tarfile.open(tarball) as archive:
            archive.extractall(work, filter="data")
        for weight in WEIGHTS:
            source = work / "package" / "fonts" / "webfonts" / f"Vazirmatn-{weight}.woff2"
            target = OUT / f"Vazirmatn-{weight}-subset.woff2"
            subset.main([str(source), f"--unicodes={UNICODES}", "--layout-features=*",
                         "--flavor=woff2", f"--output-file={target}"])
            print(f"{target.name}: {target.stat().st_size} bytes, sha256"
                  f" {hashlib.sha256(target.read_bytes()).hexdigest()}")
        (OUT / "OFL.txt").write_bytes((work / "package" / "OFL.txt").read_bytes())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
