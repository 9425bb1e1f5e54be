"""harness.faulty_source: what a faulty target hands to S-09 is the reference, the defect's module
and the helpers of targets/faulty/ that module imports, nothing of the faulty mechanism."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from harness.faulty_source import faulty_source, modules_used
from harness.launcher import launch
from targets.faulty import DEFECTS

TARGETS = Path(inspect.getsourcefile(DEFECTS["deposit-global-lock"].apply) or "").parents[1]


@pytest.mark.parametrize("name", ["deposit-check-then-insert", "deposit-ack-before-durable"])
def test_the_deposit_defects_source_holds_the_helper_their_modifier_imports(
    tmp_path: Path, name: str
) -> None:
    modifier = Path(inspect.getsourcefile(DEFECTS[name].apply) or "")
    source = faulty_source(TARGETS, modifier, tmp_path)
    faulty = source / "targets" / "faulty"
    assert {p.name for p in faulty.iterdir()} == {modifier.name, "_deposit_steps.py"}
    helper = (modifier.parent / "_deposit_steps.py").read_text(encoding="utf-8")
    assert (faulty / "_deposit_steps.py").read_text(encoding="utf-8") == helper
    assert (source / "targets" / "reference" / "deposits.py").is_file()


def test_a_defect_without_helpers_brings_its_own_module_alone(tmp_path: Path) -> None:
    modifier = Path(inspect.getsourcefile(DEFECTS["deposit-global-lock"].apply) or "")
    faulty = faulty_source(TARGETS, modifier, tmp_path) / "targets" / "faulty"
    assert [p.name for p in faulty.iterdir()] == ["deposit_global_lock.py"]


def test_helpers_are_followed_through_their_imports_but_not_into_the_mechanism(
    tmp_path: Path,
) -> None:
    package = tmp_path / "faulty"
    package.mkdir()
    files = {
        "__init__.py": "",
        "defect.py": "class Defect: ...\n",
        "_inner.py": "X = 1\n",
        "_outer.py": "from targets.faulty._inner import X\n",
        "_relative.py": "Z = 3\n",
        "_unused.py": "Y = 2\n",
        "some_defect.py": "import targets.faulty._outer\n"
                          "from targets.faulty import defect\n"
                          "from targets.faulty.defect import Defect\n"
                          "from . import _relative\n"
                          "from targets.reference import deposits\n",
    }
    for name, text in files.items():
        (package / name).write_text(text, encoding="utf-8")
    used = [p.name for p in modules_used(package / "some_defect.py")]
    assert used == ["_inner.py", "_outer.py", "_relative.py", "some_defect.py"]


def test_a_launched_deposit_defect_hands_the_helper_to_the_scan(tmp_path: Path) -> None:
    with launch("faulty:deposit-check-then-insert", workdir=tmp_path) as launched:
        faulty = launched.source_dir / "targets" / "faulty"
        assert {p.name for p in faulty.glob("*.py")} == {"deposit_race.py", "_deposit_steps.py"}
