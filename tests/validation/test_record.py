"""The validation record a certification carries: read from validation.json, matched to the
file by its SHA-256, and a plain statement of why there is none (no file, unreadable, another
version)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from harness import __version__
from harness.validation import validate, validation_entry
from tests.validation.test_matrix import perfect, stand_in


def _validated(folder: Path) -> Path:
    validate("quick", folder, runner=stand_in(perfect()), say=lambda _: None)
    return folder / "validation.json"


def test_a_record_of_this_version_is_carried_with_the_file_digest(tmp_path: Path) -> None:
    path = _validated(tmp_path)
    entry = validation_entry(tmp_path)
    assert entry["file"] == str(path)
    assert entry["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert entry["record"]["harness"] == __version__ and entry["record"]["passed"] is True
    note = entry["note"]
    assert note["id"] == "validation.record"
    assert f"{entry['record']['defects']} of {entry['record']['defects']} defects" in note["text"]
    assert note["params"]["defects_detected"] == entry["record"]["defects_detected"]


def test_no_file_says_so_and_names_the_file(tmp_path: Path) -> None:
    entry = validation_entry(tmp_path / "nowhere")
    assert entry["record"] is None and entry["sha256"] is None
    assert entry["note"]["id"] == "validation.none"
    assert "no validation record" in entry["note"]["text"]
    assert str(tmp_path / "nowhere") in entry["note"]["text"]


def test_an_unreadable_file_is_no_record(tmp_path: Path) -> None:
    (tmp_path / "validation.json").write_text('{"harness": 1}')
    entry = validation_entry(tmp_path)
    assert entry["record"] is None and entry["sha256"] is not None
    assert entry["note"]["id"] == "validation.unreadable"


def test_another_versions_record_is_named_and_not_carried(tmp_path: Path) -> None:
    path = _validated(tmp_path)
    document = json.loads(path.read_text())
    document["harness"] = "0.0.0-other"
    path.write_text(json.dumps(document))
    entry = validation_entry(path)
    assert entry["record"] is None
    assert entry["note"]["id"] == "validation.other_version"
    assert "0.0.0-other" in entry["note"]["text"] and __version__ in entry["note"]["text"]
