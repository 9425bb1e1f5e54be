"""The fairness suite's own cost against the time it waits on the target.

One population of N = 10,000 applicants with K = 1,000 primary and R = 200 reserve slots is
registered with the reference on loopback, then M practice draws are fetched from its lab endpoint
and analysed, exactly as ``harness fairness`` does (``run_population``). Reported, from that one
run: lab draws analysed per second, and the share of wall time spent analysing versus waiting on
the target (registering, fetching draws), over the fetch and analysis alone and over the whole
population run. Goal: analysis under 10 % of the wall time. For scale, the same analysis on
in-process uniform draws of the same size (no target) is timed too.
"""

from __future__ import annotations

import os
import time

import numpy as np

from harness.fairness.analysis import analyse_draws
from harness.fairness.draws import DrawSample
from harness.fairness.lab_population import run_population
from harness.fairness.settings import LabPopulation
from harness.fairness.simulate import synthetic_population, uniform_draws
from harness.launcher import launch
from harness.profiles import load_profile
from harness.seeds import RunSeed
from harness.target import HttpTarget

N, K, R = 10_000, 1_000, 200
M = int(os.environ.get("BENCH_FAIRNESS_M", 2_000))


def _in_process(settings: object) -> float:
    """Seconds to analyse M in-process uniform draws at the same N, K, R."""
    rng = np.random.default_rng(7)
    population = synthetic_population(N, rng)
    primary, reserve = uniform_draws(N, K, R, M, rng)
    sample = DrawSample(population, K, R, primary, reserve, np.zeros((0, 2), dtype=np.int64))
    began = time.perf_counter()
    analyse_draws(sample, settings.statistics, 1)  # type: ignore[attr-defined]
    return time.perf_counter() - began


def main() -> None:
    settings = load_profile("quick").section("fairness")
    spec = LabPopulation(applicants=N, primary_slots=K, reserve_slots=R, draws=M,
                         related_pairs=M // 10)
    seed = RunSeed.fresh()
    print(f"\nfairness: N = {N}, K = {K}, R = {R}, M = {M} lab draws (reference on loopback)")
    with launch("reference", lab=True) as target:
        client = HttpTarget(target.base_url, target.admin_token, deadline=600)
        public = HttpTarget(target.base_url, None, deadline=600)
        run = run_population(client, public, seed, 0, spec, settings, lambda *_: None)
        client.close()
        public.close()
    if run.problem is not None or run.sample is None:
        print(f"  the run did not complete: {run.problem}")
        return
    began = time.perf_counter()
    analyse_draws(run.sample, settings.statistics, 1)
    timing = run.timing
    analysis = timing["sample_s"] + time.perf_counter() - began
    fetching = timing["lab_total_s"]
    whole = timing["registration_s"] + fetching + analysis
    local = _in_process(settings)
    print(f"  registering N applicants (waiting)  {timing['registration_s']:8.1f} s")
    print(f"  fetching M lab draws ({timing['lab_calls']:.0f} calls)       {fetching:8.2f} s"
          f"   of which inside the calls {timing['lab_wait_s']:.2f} s")
    print(f"  ids -> positions, overlapped        {timing['converting_s']:8.2f} s")
    print(f"  analysing (sample + statistics)     {analysis:8.2f} s   {M / analysis:8.0f} draws/s")
    print(f"  same analysis, in-process draws     {local:8.2f} s   {M / local:8.0f} draws/s")
    print(f"  analysis share of fetch + analysis  {analysis / (fetching + analysis):8.1%}")
    print(f"  analysis share of the whole run     {analysis / whole:8.1%}   (goal: under 10 %)")
