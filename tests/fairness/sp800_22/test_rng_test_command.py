"""harness rng-test: exit codes, one-line errors, JSON output and pulling bytes from --target.

(Kept beside the battery's tests: this work package owns tests/fairness/sp800_22/ only.)
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import numpy as np
import pytest
import requests
from _transports import stub_target

from harness.cli import main
from harness.cli import rng_test as command
from harness.target import HttpTarget


def _write(tmp_path, data: bytes):
    path = tmp_path / "bits.bin"
    path.write_bytes(data)
    return path


def _good(count: int) -> bytes:
    return np.random.default_rng(3).bytes(count)


def _one_line_error(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "Traceback" not in err
    return err


def test_too_few_sequences_is_inconclusive_and_json_is_written(tmp_path, capsys) -> None:
    path = _write(tmp_path, _good(3 * 5000))
    out = tmp_path / "out.json"
    code = main(["rng-test", str(path), "--sequence-bits", "40000", "--json", str(out)])
    assert code == 3
    assert "verdict: INCONCLUSIVE" in capsys.readouterr().out
    document = json.loads(out.read_text())
    assert document["sequences"] == 3 and len(document["tests"]["Serial"]) == 6


def test_a_biased_file_fails_with_exit_1(tmp_path, capsys) -> None:
    bits = (np.random.default_rng(5).random(10 * 20_000) < 0.6).astype(np.uint8)
    path = _write(tmp_path, np.packbits(bits).tobytes())
    assert main(["rng-test", str(path), "--sequence-bits", "20000"]) == 1
    assert "FAIL" in capsys.readouterr().out


def test_every_test_passing_exits_0(tmp_path, capsys, monkeypatch) -> None:
    """Exit 0 needs every test to PASS: 60 sequences and, to keep this fast, only the tests that
    run at 20000 bits (the minimum lengths are lowered for this test only)."""
    from harness.fairness.sp800_22 import battery

    monkeypatch.setattr(battery, "MINIMUM_BITS", {
        name: ((100, "test") if name in {"Frequency", "Runs", "CumulativeSums"} else (10**9, "x"))
        for name in battery.TEST_NAMES
    })
    monkeypatch.setattr(battery, "TEST_NAMES", ("Frequency", "Runs", "CumulativeSums"))
    path = _write(tmp_path, _good(60 * 2500))
    assert main(["rng-test", str(path), "--sequence-bits", "20000"]) == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["rng-test", "{missing}"], "cannot read"),
        (["rng-test", "{empty}"], "empty"),
        (["rng-test", "{short}", "--sequences", "2"], "fewer than 2 sequence"),
        (["rng-test", "{short}", "--sequence-bits", "0"], "not positive"),
        (["rng-test", "{short}", "--sequences", "-3"], "not positive"),
        (["rng-test", "{short}", "--sequences", "x"], "not a whole number"),
        (["rng-test"], "exactly one of FILE or --target"),
        (["rng-test", "{short}", "--target", "http://x"], "exactly one of FILE or --target"),
        (["rng-test", "{short}", "--seed", "00"], "only go with --target"),
        (["rng-test", "{short}", "--sequence-bits", "800", "--json", "{tmp}/no/dir/out.json"],
         "cannot write"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys, monkeypatch, args, message) -> None:
    monkeypatch.delenv("HARNESS_ADMIN_TOKEN", raising=False)
    (tmp_path / "empty.bin").write_bytes(b"")
    (tmp_path / "short.bin").write_bytes(bytes(100))
    names = {"missing": tmp_path / "nope.bin", "empty": tmp_path / "empty.bin",
             "short": tmp_path / "short.bin", "tmp": tmp_path}
    argv = [a.format(**{k: str(v) for k, v in names.items()}) for a in args]
    assert main(argv) == 2
    assert message in _one_line_error(capsys)


class _LabSystem:
    """A fake ASTI-1 lab endpoint set that records the calls it serves."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict]] = []
        self.rng = np.random.default_rng(9)

    def __call__(self, request: requests.PreparedRequest) -> tuple[int, dict[str, str], bytes]:
        path = urlsplit(request.path_url).path
        if request.headers.get("Authorization") != "Bearer secret":
            return 401, {}, b'{"error": "unauthorised"}'
        if "/rounds/missing/" in path:
            return 404, {}, b'{"error": "not_found", "message": "no such round"}'
        body = json.loads(request.body or b"")
        self.calls.append((path, body))
        if path == "/v1/lab/server-seeds":
            return 200, {}, self.rng.bytes(32 * body["count"])
        if path.endswith("/random"):
            return 200, {}, self.rng.bytes(body["n_bytes"])
        return 404, {}, b""


@pytest.fixture
def lab(monkeypatch) -> _LabSystem:
    system = _LabSystem()

    def target(url: str, token: str | None) -> HttpTarget:
        return stub_target(system, token, url)

    monkeypatch.setattr(command, "HttpTarget", target)
    return system


def test_server_seeds_are_pulled_in_calls_of_at_most_65536(lab, capsys, monkeypatch) -> None:
    monkeypatch.setenv("HARNESS_ADMIN_TOKEN", "secret")
    code = main(["rng-test", "--target", "http://lab", "--source", "server-seeds",
                 "--sequences", "170", "--sequence-bits", "100000"])
    assert code in (1, 3)  # at 10^5 bits several tests cannot run: never a pass
    counts = [body["count"] for path, body in lab.calls]
    assert counts == [65536, 871] and sum(counts) * 32 >= 170 * 12_500
    assert "verdict:" in capsys.readouterr().out


def test_stream_pulls_one_draw_stream(lab, capsys) -> None:
    code = main(["rng-test", "--target", "http://lab", "--admin-token", "secret", "--source",
                 "stream", "--round", "R-1", "--seed", "ab" * 32, "--sequences", "2",
                 "--sequence-bits", "40000"])
    assert code in (1, 3)
    assert lab.calls == [("/v1/lab/rounds/R-1/random", {"seed": "ab" * 32, "n_bytes": 10_000})]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--source", "stream", "--sequences", "1"], "needs --admin-token"),
        (["--admin-token", "t", "--sequences", "1"], "needs --source"),
        (["--admin-token", "t", "--source", "stream"], "needs --sequences"),
        (["--admin-token", "t", "--source", "stream", "--sequences", "1"], "needs --round"),
        (["--admin-token", "t", "--source", "stream", "--sequences", "1", "--round", "R",
          "--seed", "xyz"], "hex digits"),
        (["--admin-token", "t", "--source", "stream", "--sequences", "200", "--round", "R",
          "--seed", "00"], "at most 16777216 bytes"),
    ],
)
def test_target_option_mistakes_are_one_line(lab, capsys, monkeypatch, extra, message) -> None:
    monkeypatch.delenv("HARNESS_ADMIN_TOKEN", raising=False)
    assert main(["rng-test", "--target", "http://lab", *extra]) == 2
    assert message in _one_line_error(capsys)
    assert lab.calls == []


def test_a_refused_operator_token_is_a_configuration_error(lab, capsys) -> None:
    code = main(["rng-test", "--target", "http://lab", "--admin-token", "wrong", "--source",
                 "server-seeds", "--sequences", "1", "--sequence-bits", "1000"])
    assert code == 2
    assert "refused the operator token (401)" in _one_line_error(capsys)


def test_a_target_that_fails_is_inconclusive_in_one_line(lab, capsys) -> None:
    code = main(["rng-test", "--target", "http://lab", "--admin-token", "secret", "--source",
                 "stream", "--round", "missing", "--seed", "00", "--sequences", "1",
                 "--sequence-bits", "1000"])
    assert code == 3
    assert "expected 200, got 404" in _one_line_error(capsys)
