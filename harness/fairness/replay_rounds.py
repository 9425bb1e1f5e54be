"""F-06: real rounds run end to end, then replayed from public data only.

For each round the profile describes, the harness creates it, registers synthetic people, closes
it, commits (with a beacon source, or none), draws (with a beacon it chooses, or none), and then
— as a citizen, without any token — reads the results and the applicant list and replays the
draw with its own ACS-DRAW-1. It also checks what only the lab knows: the commitment published at
commit time is the one in the results, the beacon used is the one given, the slot counts are the
ones the round was created with, and (in lab mode) the lab endpoint draws the same lists for the
same seed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from harness.errors import TargetError, UsageError
from harness.fairness.applicants import parse_applicant_lines
from harness.fairness.enrolment import enrol, error_evidence
from harness.fairness.replay import CanonicalList
from harness.fairness.verify import MalformedResult, verify_published
from harness.results import Finding, Measurement, Message, RequirementResult, Severity
from harness.seeds import RunSeed
from harness.synthetic import people
from harness.target import HttpTarget
from harness.verdict import Verdict

__all__ = ["RoundReplay", "assess_replays", "replay_round"]


@dataclass(frozen=True)
class RoundReplay:
    """One real round's checks; verdict PASS, FAIL, or INCONCLUSIVE when it could not finish."""

    round_id: str
    verdict: Verdict
    checks: tuple[dict[str, Any], ...]
    evidence: dict[str, Any]

    @property
    def failures(self) -> list[dict[str, Any]]:
        return [check for check in self.checks if not check["ok"]]


def _check(name: str, ok: bool, detail: str) -> dict[str, Any]:
    return {"name": name, "ok": bool(ok), "detail": detail}


def _same(name: str, published: Any, expected: Any) -> dict[str, Any]:
    if published == expected:
        return _check(name, True, f"{name} is {expected!r}")
    return _check(name, False, f"{name}: published {published!r:.200}, expected {expected!r:.200}")


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _public_checks(spec: Any, commit: dict[str, Any], drawn: dict[str, Any],
                   results: dict[str, Any], beacon: str, source: str) -> list[dict[str, Any]]:
    """What the published results must say, given what the lab asked for at each step."""
    return [
        _same("seed_commitment as committed", _lower(results.get("seed_commitment")),
              _lower(commit.get("seed_commitment"))),
        _same("beacon_source as committed", results.get("beacon_source"), source),
        _same("beacon as given at the draw", _lower(results.get("beacon") or ""), beacon),
        _same("primary_slots as created", results.get("primary_slots"), spec.primary_slots),
        _same("reserve_slots as created", results.get("reserve_slots"), spec.reserve_slots),
        _same("published lists equal the draw's answer",
              (results.get("primary"), results.get("reserve")),
              (drawn.get("primary"), drawn.get("reserve"))),
    ]


def _replay_checks(results: dict[str, Any], listing: bytes) -> list[dict[str, Any]]:
    try:
        ids = parse_applicant_lines(listing, "the published applicant list")
        canonical = CanonicalList(ids)
    except (UsageError, ValueError) as exc:
        return [_check("published applicant list", False, str(exc))]
    try:
        verification = verify_published(results, canonical)
    except MalformedResult as exc:
        return [_check("published results", False, str(exc))]
    return [_check(c.name, c.ok, c.detail) for c in verification.checks]


def _lab_check(client: HttpTarget, round_id: str, results: dict[str, Any]) -> dict[str, Any]:
    """The lab endpoint must draw the real round's lists for the real round's seed."""
    seed = str(results.get("seed", "")).lower()
    try:
        answer = client.lab_draws(round_id, [seed])
    except TargetError as exc:
        return {**_check("lab draw with the round's seed", True, "the lab endpoint did not answer"),
                "inconclusive": True, "error": error_evidence(exc)}
    first = answer[0] if len(answer) == 1 and isinstance(answer[0], dict) else {}
    return _same("lab draw with the round's seed equals the real draw",
                 (first.get("primary"), first.get("reserve")),
                 (results.get("primary"), results.get("reserve")))


def replay_round(
    client: HttpTarget, make_client: Callable[[], HttpTarget], public: HttpTarget,
    run_seed: RunSeed, index: int, spec: Any, settings: Any, lab: bool,
) -> RoundReplay:
    """Run real round ``index`` as ``spec`` describes and check it; TargetError -> INCONCLUSIVE."""
    round_id = run_seed.round_id(f"replay{index}")
    source = f"laboratory-chosen value, run {run_seed.run_part}, round {index}"
    source = source if spec.beacon else ""
    beacon = run_seed.derive("fairness", "beacon", index).hex() if spec.beacon else ""
    evidence: dict[str, Any] = {"round_id": round_id, "beacon_source": source, "beacon": beacon,
                                "applicants": spec.applicants, "primary_slots": spec.primary_slots,
                                "reserve_slots": spec.reserve_slots}
    try:
        client.create_round(round_id, spec.primary_slots, spec.reserve_slots,
                            settings.deposit_amount)
        crowd = people(run_seed.rng("fairness", "replay", index), spec.applicants,
                       settings.region_weights)
        enrolment = enrol(make_client, round_id, crowd, settings.registration_workers)
        evidence["enrolment"] = enrolment.summary()
        client.close_registration(round_id)
        commit = client.commit(round_id, source or None)
        drawn = client.draw(round_id, beacon or None)
        results = public.results(round_id)
        listing = public.applicant_list(round_id)
        checks = _public_checks(spec, commit, drawn, results, beacon, source)
        checks += _replay_checks(results, listing)
        if lab:
            checks.append(_lab_check(client, round_id, results))
    except TargetError as exc:
        evidence["error"] = error_evidence(exc)
        return RoundReplay(round_id, Verdict.INCONCLUSIVE, (), evidence)
    evidence["results"] = {key: results.get(key) for key in (
        "seed_commitment", "server_seed", "beacon", "seed", "applicants", "applicants_digest",
        "results_digest")}
    if not all(check["ok"] for check in checks):
        verdict = Verdict.FAIL
    elif any(check.get("inconclusive") for check in checks):
        verdict = Verdict.INCONCLUSIVE
    else:
        verdict = Verdict.PASS
    return RoundReplay(round_id, verdict, tuple(checks), evidence)


def assess_replays(
    client: HttpTarget, public: HttpTarget, run_seed: RunSeed, settings: Any, lab: bool,
    progress: Callable[[str, int, int], None],
) -> RequirementResult:
    """F-06 over every real round of the profile: FAIL if any fails, PASS if all pass."""
    rounds = []
    for index, spec in enumerate(settings.real_rounds):
        progress("real rounds (F-06)", index, len(settings.real_rounds))
        rounds.append(replay_round(client, client.clone, public, run_seed, index, spec, settings,
                                   lab))
    progress("real rounds (F-06)", len(rounds), len(rounds))
    verdicts = [r.verdict for r in rounds]
    verdict = (Verdict.FAIL if Verdict.FAIL in verdicts else Verdict.PASS
               if all(v is Verdict.PASS for v in verdicts) else Verdict.INCONCLUSIVE)
    failures = [(r, check) for r in rounds for check in r.failures]
    stuck = [r for r in rounds if r.verdict is Verdict.INCONCLUSIVE]
    summary = _summary(verdict, rounds, failures, stuck, lab)
    remedy = Message.of("fairness.f06.remedy",
                        "Publish exactly what ACS-DRAW-1 drew from the committed server seed and"
                        " the given beacon, over the published applicant list, and let the lab"
                        " endpoint draw with the same code.")
    findings = tuple(
        Finding(Severity.CRITICAL,
                Message.of("fairness.f06.check_failed", "round {round}: {detail}",
                           round=r.round_id, detail=check["detail"]),
                remedy, {"round_id": r.round_id, "check": check})
        for r, check in failures
    )
    evidence = {"lab_cross_check": lab, "rounds": [
        {"round_id": r.round_id, "verdict": r.verdict.value, "checks": list(r.checks),
         **r.evidence} for r in rounds]}
    measurements = (
        Measurement("real rounds replayed", sum(v is not Verdict.INCONCLUSIVE for v in verdicts),
                    "rounds"),
        Measurement("failed checks", len(failures), "checks"),
    )
    return RequirementResult.of("F-06", verdict, summary, measurements=measurements,
                                findings=findings, evidence=evidence)


def _summary(verdict: Verdict, rounds: list[RoundReplay], failures: list[Any],
             stuck: list[RoundReplay], lab: bool) -> Message:
    if verdict is Verdict.FAIL:
        r, check = failures[0]
        return Message.of("fairness.f06.fail", "{count} check(s) failed; first: round {round}:"
                          " {detail}", count=len(failures), round=r.round_id,
                          detail=check["detail"])
    if verdict is Verdict.PASS:
        text = ("{count} real round(s) replay exactly from public data and match their"
                " commitment" + ("; the lab endpoint draws the same lists" if lab else
                                 " (lab mode off: lab draws not compared)"))
        return Message.of("fairness.f06.pass" if lab else "fairness.f06.pass_no_lab", text,
                          count=len(rounds))
    reason = stuck[0].evidence.get("error", {}).get("message", "no answer") if stuck else ""
    return Message.of("fairness.f06.inconclusive",
                      "{count} real round(s) could not be completed ({reason})",
                      count=len(stuck), reason=reason)
