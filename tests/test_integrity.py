"""manifest.json, keygen, manifest.sig and verify-report (DESIGN.md section 8)."""

from __future__ import annotations

import base64
import json
import stat
import sys
from pathlib import Path

import pytest

from harness.cli import main
from harness.evidence import write_evidence
from tests.report._evidence import certification_evidence

ARTIFACTS = ["evidence.json", "junit.xml", "report.html", "report.json", "results.sarif",
             "summary.md"]


@pytest.fixture
def keys(tmp_path: Path) -> tuple[Path, Path]:
    key = tmp_path / "keys" / "lab.pem"
    key.parent.mkdir()
    assert main(["keygen", "--out", str(key)]) == 0
    return key, Path(f"{key}.pub")


@pytest.fixture
def signed(tmp_path: Path, keys: tuple[Path, Path]) -> Path:
    source = tmp_path / "source"
    write_evidence(certification_evidence(), source)
    out = tmp_path / "out"
    assert main(["report", str(source / "evidence.json"), "--out", str(out),
                 "--sign-key", str(keys[0])]) == 0
    return out


def test_keygen_writes_a_private_pem_readable_only_by_its_owner(keys: tuple[Path, Path]) -> None:
    private, public = keys
    assert private.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert public.read_text().startswith("-----BEGIN PUBLIC KEY-----")
    assert main(["keygen", "--out", str(private)]) == 2  # never overwrites a key


def test_manifest_lists_every_other_artifact_with_sorted_keys(signed: Path) -> None:
    raw = (signed / "manifest.json").read_text()
    manifest = json.loads(raw)
    assert manifest["algorithm"] == "sha256"
    assert set(ARTIFACTS) <= set(manifest["files"])
    assert "manifest.json" not in manifest["files"] and "manifest.sig" not in manifest["files"]
    assert raw == json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    assert len(base64.b64decode((signed / "manifest.sig").read_text())) == 64


def test_an_intact_signed_folder_verifies(
    signed: Path, keys: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify-report", str(signed), "--public-key", str(keys[1])]) == 0
    assert "intact" in capsys.readouterr().out
    assert main(["verify-report", str(signed)]) == 0
    assert "signature not checked" in capsys.readouterr().out


def test_one_changed_byte_in_any_artifact_is_named(
    signed: Path, keys: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    names = sorted(json.loads((signed / "manifest.json").read_text())["files"])
    for name in names:
        path = signed / name
        original = path.read_bytes()
        path.write_bytes(original[:10] + bytes([original[10] ^ 1]) + original[11:])
        capsys.readouterr()
        assert main(["verify-report", str(signed), "--public-key", str(keys[1])]) == 1
        assert f"altered: {name}" in capsys.readouterr().out
        path.write_bytes(original)
    assert main(["verify-report", str(signed), "--public-key", str(keys[1])]) == 0


def test_missing_and_extra_files_are_named(
    signed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (signed / "summary.md").unlink()
    (signed / "notes.txt").write_text("added later")
    assert main(["verify-report", str(signed)]) == 1
    out = capsys.readouterr().out
    assert "missing: summary.md" in out and "extra: notes.txt" in out


def test_a_changed_manifest_or_a_wrong_key_breaks_the_signature(
    signed: Path, tmp_path: Path, keys: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other.pem"
    assert main(["keygen", "--out", str(other)]) == 0
    assert main(["verify-report", str(signed), "--public-key", f"{other}.pub"]) == 1
    assert "bad signature" in capsys.readouterr().out
    manifest = signed / "manifest.json"
    manifest.write_text(manifest.read_text().replace('"sha256"', '"sha256" '))
    assert main(["verify-report", str(signed), "--public-key", str(keys[1])]) == 1
    assert "bad signature" in capsys.readouterr().out


def test_an_unsigned_folder_is_refused_when_a_key_is_given(
    tmp_path: Path, keys: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    write_evidence(certification_evidence(), tmp_path / "src")
    assert main(["report", str(tmp_path / "src" / "evidence.json"), "--out",
                 str(tmp_path / "plain")]) == 0
    assert main(["verify-report", str(tmp_path / "plain"), "--public-key", str(keys[1])]) == 1
    assert "manifest.sig" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [
    ["verify-report", "absent-folder"],
    ["verify-report", ".", "--public-key", "absent.pub"],
    ["report", "absent-evidence.json"],
])
def test_usage_errors_are_one_line_with_exit_code_2(
    argv: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_a_private_key_file_that_is_not_a_key_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_evidence(certification_evidence(), tmp_path / "src")
    bad = tmp_path / "bad.pem"
    bad.write_text("not a key")
    assert main(["report", str(tmp_path / "src" / "evidence.json"), "--sign-key", str(bad)]) == 2
    assert "not an unencrypted PEM private key" in capsys.readouterr().err


def test_report_rerenders_the_same_artifacts_from_evidence_alone(
    signed: Path, tmp_path: Path
) -> None:
    again = tmp_path / "again"
    assert main(["report", str(signed / "evidence.json"), "--out", str(again)]) == 0
    for name in ARTIFACTS:
        assert (again / name).read_bytes() == (signed / name).read_bytes(), name


@pytest.mark.parametrize(("raised", "said"), [
    ("ModuleNotFoundError(\"No module named 'pydyf'\")", "pip install 'allocation-harness[pdf]'"),
    ("OSError(\"cannot load library 'libpango-1.0-0': error 0x7e\")",
     "cannot load its system libraries (it needs Pango): cannot load library 'libpango-1.0-0'"),
])
def test_report_pdf_without_a_working_weasyprint_is_one_line_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    raised: str, said: str,
) -> None:
    """A WeasyPrint whose import fails as it does without its dependencies, or without the
    Pango libraries it loads when imported."""
    package = tmp_path / "site" / "weasyprint"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(f"raise {raised}\n", encoding="utf-8")
    monkeypatch.delitem(sys.modules, "weasyprint", raising=False)
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    write_evidence(certification_evidence(), tmp_path / "src")
    out = tmp_path / "pdf"
    code = main(["report", str(tmp_path / "src" / "evidence.json"), "--out", str(out), "--pdf"])
    err = capsys.readouterr().err
    assert code == 2 and not out.exists()
    assert said in err and err.count("\n") == 1 and "Traceback" not in err


def test_report_pdf_writes_the_pdf_and_lists_it(tmp_path: Path) -> None:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        pytest.skip("WeasyPrint (the 'pdf' extra, with Pango) is not usable here")
    write_evidence(certification_evidence(), tmp_path / "src")
    out = tmp_path / "pdf"
    assert main(["report", str(tmp_path / "src" / "evidence.json"), "--out", str(out),
                 "--pdf"]) == 0
    assert (out / "report.pdf").read_bytes()[:5] == b"%PDF-"
    assert "report.pdf" in json.loads((out / "manifest.json").read_text())["files"]
