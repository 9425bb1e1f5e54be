"""Plans are decided by the seed: same seed, same scripts; behaviours in the profile's shares."""

from __future__ import annotations

from collections import Counter

from harness.load.plan import Applicant, deposit_scripts
from harness.profiles import load_profile
from harness.seeds import RunSeed


def applicants() -> list[Applicant]:
    roles = ["primary"] * 100 + ["reserve"] * 20 + ["loser"] * 80
    return [Applicant(f"a{i}", f"t{i}", role) for i, role in enumerate(roles)]


def test_the_same_seed_gives_the_same_scripts_and_another_seed_others() -> None:
    settings = load_profile("quick").section("load")
    seed = RunSeed(bytes(32))
    first = deposit_scripts(applicants(), settings, seed, "rush")
    assert first == deposit_scripts(applicants(), settings, RunSeed(bytes(32)), "rush")
    assert first != deposit_scripts(applicants(), settings, RunSeed(bytes(31) + b"1"), "rush")


def test_every_client_has_a_script_with_unique_keys_and_the_shares_hold() -> None:
    settings = load_profile("quick").section("load")
    scripts = deposit_scripts(applicants(), settings, RunSeed(bytes(32)), "rush")
    behaviours = Counter(s["behaviour"] for s in scripts if s["kind"] == "pay")
    assert behaviours == {"plain": 70, "timeout_retry": 10, "double_new_key": 10,
                          "simultaneous": 10}
    assert Counter(s["kind"] for s in scripts) == {"pay": 100, "hope": 100, "impostor": 20}
    keys = [k for s in scripts for k in s["keys"]]
    assert len(keys) == len(set(keys))
    impostors = [s for s in scripts if s["kind"] == "impostor"]
    assert {s["behaviour"] for s in impostors} == {"names_winner", "forged_token"}
    assert all(s["claimed"].startswith("a") for s in impostors)
