"""harness.launcher: built-in targets as real processes, their restart, stop and start-up errors."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from harness import launcher
from harness.cli import main
from harness.errors import TargetError, UsageError
from harness.launcher import BUILTIN, Builtin, launch, parse_spec, resolve_target

TESTS = Path(__file__).resolve().parent


def test_a_launched_reference_answers_in_lab_mode_and_stops_afterwards(tmp_path) -> None:
    with launch("reference", workdir=tmp_path) as launched:
        assert launched.name == "reference" and launched.lab
        assert launched.base_url.startswith("http://127.0.0.1:")
        assert (launched.source_dir / "draw.py").is_file()
        with launched.connect() as target:
            assert target.health()["contract"] == "ASTI-1"
            assert len(target.lab_server_seeds(2)) == 64
        process = launched.process
    assert process.poll() is not None  # stopped on leaving the block
    assert (tmp_path / "target.db").is_file() and (tmp_path / "target.log").is_file()


def test_without_lab_mode_the_lab_endpoints_do_not_exist() -> None:
    with launch("reference", lab=False) as launched, launched.connect() as target:
        assert not launched.lab
        assert target.operator("POST", "/v1/lab/server-seeds", json={"count": 1}).status_code \
            == 404


def test_restart_kills_and_starts_again_on_the_same_port_and_database() -> None:
    with launch("reference") as launched:
        with launched.connect() as target:
            target.create_round("lab-restart-1", 1, 1, 10)
        first = launched.process
        again = launched.restart()
        assert first.poll() == -9  # SIGKILL, as L-04 requires
        assert again.base_url == launched.base_url and again.process.pid != first.pid
        with again.connect() as target:
            assert target.get_round("lab-restart-1")["state"] == "registration"
        live = again.process
    assert live.poll() is not None  # the restarted process is the one stopped at the end


def test_the_temporary_workspace_is_removed() -> None:
    with launch("reference") as launched:
        args = list(launched.process.args)
        database = Path(args[args.index("--db") + 1].removeprefix("sqlite:///"))
        assert database.is_file()
    assert not database.parent.exists()


def test_a_target_that_dies_at_start_up_names_the_reason(tmp_path) -> None:
    with pytest.raises(TargetError, match="exited with code 2") as caught:
        with launch("reference", db="nosuchdb://x", workdir=tmp_path):
            pass  # pragma: no cover
    assert "last lines of its log" in str(caught.value)


def test_a_target_that_never_answers_is_stopped(tmp_path, monkeypatch) -> None:
    silent = Builtin("reference", "reference", "_silent_target", (), (), "never answers")
    monkeypatch.setitem(BUILTIN, "reference", silent)
    monkeypatch.setenv("PYTHONPATH", str(TESTS))
    started: list[subprocess.Popen[bytes]] = []
    real_popen = subprocess.Popen

    def recording_popen(*args, **kwargs):
        started.append(real_popen(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(launcher.subprocess, "Popen", recording_popen)
    with pytest.raises(TargetError, match="did not answer /healthz within 1 s"):
        with launch("reference", workdir=tmp_path, startup_timeout=1.0):
            pass  # pragma: no cover
    assert len(started) == 1 and started[0].poll() is not None


@pytest.mark.parametrize(
    ("spec", "hint"),
    [
        ("faulty:nope", "unknown target 'faulty:nope'"),
        ("referense", "did you mean reference?"),
        ("faulty:registration-order-bais", "did you mean faulty:registration-order-bias?"),
        ("foo", "faulty:lab-draws-differ"),
    ],
)
def test_an_unknown_target_names_the_valid_ones(spec, hint) -> None:
    with pytest.raises(UsageError) as caught:
        parse_spec(spec)
    assert hint in str(caught.value) and "reference" in str(caught.value)


def test_the_catalogue_holds_both_correct_systems_and_every_defect() -> None:
    from targets.faulty import DEFECTS

    assert {"reference", "alternative"} <= set(BUILTIN)
    assert {f"faulty:{name}" for name in DEFECTS} <= set(BUILTIN)
    for name, entry in BUILTIN.items():
        assert entry.name == name and entry.kind in ("reference", "alternative", "faulty")
        assert (entry.kind == "faulty") == bool(entry.must_fail)
        bare = name.removeprefix("faulty:")
        assert bare == bare.lower() and " " not in bare and "_" not in bare  # kebab-case


def test_harness_targets_lists_the_catalogue(capsys) -> None:
    assert main(["targets", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [entry["name"] for entry in listed][:2] == ["reference", "alternative"]
    bias = next(e for e in listed if e["name"] == "faulty:registration-order-bias")
    assert bias["kind"] == "faulty" and bias["must_fail"] == ["F-03"] and bias["description"]
    assert set(bias) == {"name", "kind", "must_fail", "description"}
    assert main(["targets"]) == 0
    text = capsys.readouterr().out
    assert "faulty:lab-draws-differ" in text and "must fail F-06" in text


def test_a_faulty_targets_source_is_the_reference_plus_its_modifier(tmp_path) -> None:
    with launch("faulty:lab-draws-differ", workdir=tmp_path) as launched:
        source = launched.source_dir
        assert source.is_relative_to(tmp_path)
        files = {p.relative_to(source).as_posix() for p in source.rglob("*.py")}
        reference = Path(__import__("targets.reference").reference.__file__).parent
        assert {f"targets/reference/{p.name}" for p in reference.glob("*.py")} <= files
        assert {f for f in files if not f.startswith("targets/reference/")} == {
            "targets/faulty/lab_draws_differ.py"
        }


def test_a_url_target_needs_an_operator_token(monkeypatch) -> None:
    monkeypatch.delenv("HARNESS_ADMIN_TOKEN", raising=False)
    with pytest.raises(UsageError, match="needs --admin-token"):
        with resolve_target("http://127.0.0.1:9"):
            pass  # pragma: no cover
    monkeypatch.setenv("HARNESS_ADMIN_TOKEN", "from-env")
    with resolve_target("http://127.0.0.1:9/", source=Path("src")) as resolved:
        assert (resolved.base_url, resolved.admin_token) == ("http://127.0.0.1:9", "from-env")
        assert resolved.launched is None and resolved.source_dir == Path("src")
    with resolve_target("https://lab.example", "given") as resolved:
        assert resolved.admin_token == "given"
    with pytest.raises(UsageError, match="is not an http"):
        with resolve_target("ftp://x", "t"):
            pass  # pragma: no cover


def test_a_built_in_name_is_launched_for_the_block() -> None:
    with resolve_target("reference", "ignored-for-built-ins") as resolved:
        assert resolved.launched is not None and resolved.name == "reference"
        assert resolved.admin_token != "ignored-for-built-ins"
        with resolved.connect() as target:
            assert target.health()["status"] == "ok"
        process = resolved.launched.process
    assert process.poll() is not None


def test_serve_refuses_an_unknown_defect_in_one_line(capsys) -> None:
    assert main(["serve", "--target", "faulty:registration-order-bais"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "did you mean faulty:registration-order-bias?" in err
