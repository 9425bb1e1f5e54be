"""harness draw: output format, verification exit codes and one-line errors."""

from __future__ import annotations

import json
import socket

import pytest

from harness.cli import main

SEED = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"


@pytest.fixture
def applicants(tmp_path):
    path = tmp_path / "ids.txt"
    path.write_text("".join(f"A{i:03d}\n\n" for i in range(10)))  # blank lines are ignored
    return path


def draw_args(applicants, seed: str = SEED) -> list[str]:
    options = f"--primary 3 --reserve 2 --seed {seed} --round R-1".split()
    return ["draw", "--applicants", str(applicants), *options]


def draw_json(capsys, applicants):
    assert main([*draw_args(applicants), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_json_output_has_the_documented_fields(capsys, applicants) -> None:
    result = draw_json(capsys, applicants)
    assert result == {
        "algorithm": "ACS-DRAW-1",
        "round_id": "R-1",
        "applicants": 10,
        "applicants_digest": "b74d34be5bb244f0a71def754e1be1843c5f2c202b0796db928093bb5a9209b1",
        "seed": SEED,
        "primary_slots": 3,
        "reserve_slots": 2,
        "primary": ["A007", "A003", "A002"],
        "reserve": ["A008", "A001"],
        "results_digest": "ad54a22c015000cc99b50d49097ff45c6fea8a93da40323891c95f25c93e1363",
    }


def test_text_output_lists_ranks(capsys, applicants) -> None:
    assert main(draw_args(applicants, seed=SEED.upper())) == 0
    out = capsys.readouterr().out
    assert "reserve (2), in rank order:" in out
    assert out.rstrip().endswith("2  A001")


def test_verify_exits_0_for_a_replaying_result(capsys, applicants, tmp_path) -> None:
    result_file = tmp_path / "result.json"
    result_file.write_text(json.dumps(draw_json(capsys, applicants)))
    assert main(["draw", "--verify", str(result_file), "--applicants", str(applicants)]) == 0
    assert "replays exactly" in capsys.readouterr().out


def test_verify_exits_1_and_names_the_first_difference(capsys, applicants, tmp_path) -> None:
    result = draw_json(capsys, applicants)
    result["primary"][2] = "A009"
    result_file = tmp_path / "result.json"
    result_file.write_text(json.dumps(result))
    assert main(["draw", "--verify", str(result_file), "--applicants", str(applicants)]) == 1
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last == (
        "the published draw does not replay:"
        " primary[2] (rank 3): published 'A009', replay gives 'A002'"
    )


def bad_input_cases(tmp_path, applicants):
    dup = tmp_path / "dup.txt"
    dup.write_text("A1\nB2\nA1\n")
    bad_id = tmp_path / "bad.txt"
    bad_id.write_text("A1\nnot valid\n")
    long_id = tmp_path / "long.txt"
    long_id.write_text("A" * 65 + "\n")
    unicode_id = tmp_path / "unicode.txt"
    unicode_id.write_text("caf\u00e9\n", encoding="utf-8")
    good = [
        "--applicants",
        str(applicants),
        "--primary",
        "1",
        "--reserve",
        "1",
        "--seed",
        SEED,
        "--round",
        "R",
    ]
    return {
        "duplicate id": (["--applicants", str(dup)] + good[2:], "duplicate applicant id 'A1'"),
        "id with a space": (["--applicants", str(bad_id)] + good[2:], "line 2: 'not valid'"),
        "id too long": (["--applicants", str(long_id)] + good[2:], "line 1:"),
        "non-ASCII id": (["--applicants", str(unicode_id)] + good[2:], "not a valid applicant id"),
        "short seed": (good[:7] + ["abcd"] + good[8:], "--seed must be 64 hex digits"),
        "non-hex seed": (good[:7] + ["g" * 64] + good[8:], "--seed must be 64 hex digits"),
        "negative K": (good[:3] + ["-1"] + good[4:], "-1 is negative; it must be 0 or more"),
        "negative R": (good[:5] + ["-2"] + good[6:], "-2 is negative"),
        "K not a number": (good[:3] + ["ten"] + good[4:], "'ten' is not a whole number"),
        "bad round": (good[:9] + ["no spaces"], "is not a valid round id"),
        "missing file": (
            ["--applicants", str(tmp_path / "absent.txt")] + good[2:],
            "cannot read applicant file",
        ),
        "missing seed": (good[:6] + good[8:], "missing --seed"),
        "misspelt option": (good + ["--jsn"], "did you mean --json?"),
    }


@pytest.mark.parametrize(
    "case",
    [
        "duplicate id",
        "id with a space",
        "id too long",
        "non-ASCII id",
        "short seed",
        "non-hex seed",
        "negative K",
        "negative R",
        "K not a number",
        "bad round",
        "missing file",
        "missing seed",
        "misspelt option",
    ],
)
def test_bad_input_gives_one_line_and_exit_2(capsys, tmp_path, applicants, case) -> None:
    argv, expected = bad_input_cases(tmp_path, applicants)[case]
    assert main(["draw", *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert expected in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "is not valid JSON"),
        ("[1, 2]", "must hold a JSON object"),
        ('{"seed": "zz", "round_id": "R", "primary": [], "reserve": []}', "field 'seed'"),
    ],
)
def test_verify_rejects_unreadable_results_with_exit_2(
    capsys, tmp_path, applicants, content, message
) -> None:
    result_file = tmp_path / "result.json"
    result_file.write_text(content)
    assert main(["draw", "--verify", str(result_file), "--applicants", str(applicants)]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_verify_refuses_draw_options(capsys, tmp_path, applicants) -> None:
    assert (
        main(
            [
                "draw",
                "--verify",
                str(tmp_path / "r.json"),
                "--applicants",
                str(applicants),
                "--primary",
                "3",
            ]
        )
        == 2
    )
    assert "--verify takes only --applicants" in capsys.readouterr().err


def verify_file(tmp_path, applicants, result: dict) -> int:
    result_file = tmp_path / "result.json"
    result_file.write_text(json.dumps(result))
    return main(["draw", "--verify", str(result_file), "--applicants", str(applicants)])


def last_line(capsys) -> str:
    return capsys.readouterr().out.strip().splitlines()[-1]


def test_verify_refuses_a_reserve_moved_into_primary(capsys, applicants, tmp_path) -> None:
    result = draw_json(capsys, applicants)
    result["primary"].append(result["reserve"].pop(0))
    assert verify_file(tmp_path, applicants, result) == 1
    assert last_line(capsys) == (
        "the published draw does not replay: primary size: published 4 ids,"
        " primary_slots=3, reserve_slots=2, 10 applicants give 3"
    )


def test_verify_refuses_a_consistent_slot_shift_by_its_digest(capsys, applicants, tmp_path) -> None:
    result = draw_json(capsys, applicants)
    result["primary"].append(result["reserve"].pop(0))
    result["primary_slots"], result["reserve_slots"] = 4, 1
    assert verify_file(tmp_path, applicants, result) == 1
    assert last_line(capsys).startswith(
        "the published draw does not replay: results_digest: published 'ad54a22c"
    )


def test_verify_refuses_truncated_lists(capsys, applicants, tmp_path) -> None:
    result = draw_json(capsys, applicants)
    result["reserve"] = result["reserve"][:1]
    assert verify_file(tmp_path, applicants, result) == 1
    assert "reserve size: published 1 ids" in last_line(capsys)


@pytest.mark.parametrize("field", ["primary_slots", "reserve_slots"])
def test_verify_without_slot_fields_is_a_usage_error(capsys, applicants, tmp_path, field) -> None:
    result = draw_json(capsys, applicants)
    del result[field]
    assert verify_file(tmp_path, applicants, result) == 2
    err = capsys.readouterr().err
    assert f"field '{field}' is missing" in err and err.count("\n") == 1


def unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--verify"], "--verify needs RESULT.json"),
        (["--verify", "--target", "http://127.0.0.1:9"], "--verify needs RESULT.json"),
        (["--verify", "--target", "http://h\u00f6st/", "--round", "R"], "is not an http://"),
        (["--verify", "--target", "ftp://host/", "--round", "R"], "is not an http://"),
        (["--verify", "--target", "http://host:99999/", "--round", "R"], "is not an http://"),
        (["--verify", "--target", "http://host/", "--round", "R\u00e9"], "not a valid round id"),
        (["--target", "http://host/", "--round", "R"], "--target goes with --verify"),
        (["--verify", "r.json", "--target", "http://host/"], "without RESULT.json"),
        (["--verify", "r.json"], "needs --applicants FILE"),
        (
            ["--verify", "--target", "http://host/", "--round", "R", "--applicants", "a.txt"],
            "drop --applicants",
        ),
    ],
)
def test_live_verify_usage_errors_are_one_line_and_exit_2(capsys, argv, message) -> None:
    assert main(["draw", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1, err


def test_live_verify_of_a_silent_target_exits_3(capsys) -> None:
    url = f"http://127.0.0.1:{unused_port()}"
    assert main(["draw", "--verify", "--target", url, "--round", "R-1"]) == 3
    err = capsys.readouterr().err
    assert "no answer from the target" in err and err.count("\n") == 1
