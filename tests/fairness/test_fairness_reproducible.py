"""The same seed and profile against the same system send the same requests."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from _faultproxy import fault_proxy
from _suitekit import SKIP_BATTERY, run_fairness_command, small_profile

from harness.launcher import launch

pytestmark = pytest.mark.slow
SEED = "9a" * 32
# The one request that depends on the system's own randomness: the lab draw of a real round's
# seed (F-06), which the system derived from its secret server seed.
_SYSTEM_CHOSEN = re.compile(r"/v1/lab/rounds/lab-[0-9a-f]{8}-replay\d+/draws")


def requests_of_one_run(tmp_path: Path, name: str) -> Counter[tuple[str, str, bytes]]:
    log: list[tuple[str, str, bytes]] = []
    with launch("reference", lab=True) as target, \
            fault_proxy(target.base_url, [SKIP_BATTERY], log) as url:
        run_fairness_command(["--target", url, "--admin-token", target.admin_token,
                              "--seed", SEED, "--profile", small_profile(tmp_path)],
                             tmp_path / name)
    return Counter(entry for entry in log if not _SYSTEM_CHOSEN.fullmatch(entry[1]))


def test_two_runs_with_one_seed_send_the_same_requests(tmp_path: Path) -> None:
    first = requests_of_one_run(tmp_path, "first")
    second = requests_of_one_run(tmp_path, "second")
    assert sum(first.values()) > 450  # registrations, lab draws, real rounds, stream
    assert first == second
