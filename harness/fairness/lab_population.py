"""F-01..F-05 over one population: register it, check the published list, ask for practice
draws, and turn them into a ``DrawSample`` for the statistics (the suite analyses every
population's sample together, as one family).

Anything the target does wrong ends here as a ``PopulationRun`` with a problem and its evidence:
an acknowledged applicant missing from the list, or a draw naming an unknown or repeated id, is
a FAIL of F-01 (someone's chance was not the same as everyone's); a target that stops answering
leaves the requirements INCONCLUSIVE.
"""

from __future__ import annotations

import dataclasses
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from harness.errors import TargetError
from harness.fairness.draws import DrawSample
from harness.fairness.enrolment import Enrolment, enrol, error_evidence
from harness.fairness.lab_sampling import FetchTiming, fetch_lab_indices, lab_seeds
from harness.fairness.population import Population
from harness.fairness.published_list import compare_published
from harness.fairness.settings import FairnessSettings, LabPopulation
from harness.seeds import RunSeed
from harness.synthetic import people
from harness.target import HttpTarget
from harness.verdict import Verdict

__all__ = ["PopulationRun", "run_population"]

Progress = Callable[[str, int, int], None]


@dataclass
class PopulationRun:
    """The practice draws of one population, or the problem that stopped them."""

    label: str
    sample: DrawSample | None = None
    problem: str | None = None
    problem_verdict: Verdict = Verdict.INCONCLUSIVE  # of F-01; F-02..F-05 stay INCONCLUSIVE
    evidence: dict[str, Any] = field(default_factory=dict)
    timing: dict[str, float] = field(default_factory=dict)


def _population(enrolment: Enrolment) -> Population:
    acknowledged = enrolment.acknowledged
    return Population.from_registrations(
        [enrolment.applicant_ids[i] or "" for i in acknowledged],
        enrolment.ack_seconds[acknowledged],
        [enrolment.people[i].region for i in acknowledged],
        [enrolment.people[i].national_id for i in acknowledged],
    )


def _registered(enrolment: Enrolment) -> dict[str, Any]:
    """The acknowledged population in acknowledgement order: not reproducible from the seed,
    since the system chooses the ids and the order of concurrent registrations."""
    acknowledged = enrolment.acknowledged
    return {
        "applicant_ids": [enrolment.applicant_ids[i] for i in acknowledged],
        "person_index": acknowledged,
        "seconds_after_first": [round(float(enrolment.ack_seconds[i]), 6) for i in acknowledged],
    }


def _enrol(client: HttpTarget, round_id: str, spec: LabPopulation, settings: FairnessSettings,
           run_seed: RunSeed, index: int, progress: Progress) -> Enrolment:
    crowd = people(run_seed.rng("fairness", "population", index), spec.applicants,
                   settings.region_weights)
    client.create_round(round_id, spec.primary_slots, spec.reserve_slots, settings.deposit_amount)
    step = f"registering population {index + 1} (N={spec.applicants})"
    enrolment = enrol(client.clone, round_id, crowd, settings.registration_workers,
                      lambda done, total: progress(step, done, total))
    client.close_registration(round_id)
    return enrolment


def run_population(
    client: HttpTarget, public: HttpTarget, run_seed: RunSeed, index: int, spec: LabPopulation,
    settings: FairnessSettings, progress: Progress,
) -> PopulationRun:
    """Everything F-01..F-05 need from population number ``index``; never raises TargetError."""
    run = PopulationRun(f"N={spec.applicants}")
    round_id = run_seed.round_id(f"pop{index}")
    run.evidence.update(round_id=round_id, spec=dataclasses.asdict(spec), people_recipe=(
        f"harness.synthetic.people(RunSeed.rng('fairness', 'population', {index}),"
        f" {spec.applicants}, region_weights)"))
    began = time.perf_counter()
    try:
        enrolment = _enrol(client, round_id, spec, settings, run_seed, index, progress)
        run.evidence["enrolment"] = enrolment.summary()
        run.evidence["registered"] = _registered(enrolment)
        run.timing["registration_s"] = time.perf_counter() - began
        comparison = compare_published(enrolment, public.applicant_list(round_id))
        run.evidence["published_list"] = comparison.evidence
        if comparison.problem is not None:
            run.problem = comparison.problem
            run.problem_verdict = Verdict.FAIL if comparison.definite else Verdict.INCONCLUSIVE
            return run
        _draw(run, client, round_id, run_seed, index, spec, settings, _population(enrolment),
              progress)
    except TargetError as exc:
        run.problem = f"the target failed to answer: {exc}"
        run.evidence["error"] = error_evidence(exc)
    return run


def _draw(
    run: PopulationRun, client: HttpTarget, round_id: str, run_seed: RunSeed, index: int,
    spec: LabPopulation, settings: FairnessSettings, population: Population, progress: Progress,
) -> None:
    plan = lab_seeds(run_seed, index, spec.draws, spec.related_pairs)
    run.evidence["lab_seeds"] = plan.recipe()
    n = population.size
    sizes = (min(spec.primary_slots, n), min(spec.primary_slots + spec.reserve_slots, n)
             - min(spec.primary_slots, n))
    positions = {aid: i for i, aid in enumerate(population.ids)}
    timing = FetchTiming()
    step = f"lab draws, population {index + 1}"
    began = time.perf_counter()
    try:
        rows = fetch_lab_indices(client, round_id, plan.seeds, settings.lab_batch, positions,
                                 sizes, timing, lambda done, total: progress(step, done, total))
        run.timing.update(lab_wait_s=timing.waiting_s, lab_calls=timing.calls,
                          lab_total_s=time.perf_counter() - began,
                          converting_s=timing.converting_s)
        began = time.perf_counter()
        sample = DrawSample(population, spec.primary_slots, spec.reserve_slots,
                            rows[:, :sizes[0]], rows[:, sizes[0]:], plan.related_pairs)
    except ValueError as exc:  # DrawShapeError, or a draw naming one applicant twice
        run.problem = f"a practice draw is not a valid draw over the eligible list: {exc}"
        run.problem_verdict = Verdict.FAIL
        return
    run.evidence["draws_sha256"] = hashlib.sha256(rows.tobytes()).hexdigest()
    run.sample = sample
    run.timing["sample_s"] = time.perf_counter() - began
