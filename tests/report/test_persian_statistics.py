"""The Persian report speaks the statistics' own words: the summaries, findings, measurement
names and units that the fairness analysis really produces (correct draws, each named defect and
the edge samples) render in Persian, with no English left, not even inside the left-to-right
isolates that are meant for identifiers."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest

from harness.fairness.analysis import analyse_draws
from harness.fairness.config import FairnessConfig
from harness.fairness.draws import DrawSample
from harness.fairness.outcome import analysis_result
from harness.fairness.population import Population
from harness.fairness.simulate import (
    BIAS_KINDS,
    biased_draws,
    related_pairs,
    synthetic_population,
    uniform_draws,
)
from harness.report.i18n import speaker
from harness.verdict import Verdict
from tests.report._persian import english_left

_ISOLATED = re.compile(r'<bdi dir="ltr">([^<]*)</bdi>|\u2066([^\u2069]*)\u2069')


def _analyse(population: Population, k: int, r: int, m: int, kind: str | None = None,
             pairs: bool = True) -> list[dict[str, Any]]:
    rng = np.random.default_rng(2)
    primary, reserve = (biased_draws(kind, population, k, r, m, rng, 1.0) if kind
                        else uniform_draws(population.size, k, r, m, rng))
    sample = DrawSample(population, k, r, primary, reserve,
                        related_pairs(m) if pairs else np.zeros((0, 2)))
    config = FairnessConfig()
    return [analysis_result(rid, analysis, config.alpha, {}).to_dict()
            for rid, analysis in analyse_draws(sample, config, 3).items()]


@pytest.fixture(scope="module")
def results() -> list[dict[str, Any]]:
    population = synthetic_population(600, np.random.default_rng(1))
    found = _analyse(population, 30, 10, 400)
    for kind in sorted(BIAS_KINDS):
        found += _analyse(population, 30, 10, 400, kind)
    for k, r, m, pairs in ((10, 5, 0, True), (600, 5, 3, True), (10, 0, 3, True),
                           (0, 10, 30, True), (30, 10, 40, False), (30, 10, 3, True)):
        found += _analyse(population, k, r, m, pairs=pairs)
    return found


def _rendered(result: dict[str, Any]) -> str:
    fa = speaker("fa")
    parts = [fa.say(result["summary"])]
    for finding in result["findings"]:
        parts += [fa.say(finding["message"]), fa.say(finding["remediation"])]
    for measurement in result["measurements"]:
        parts += [fa.measurement(measurement["name"]), fa.unit(measurement["unit"])]
    return "<body>" + "<br>".join(parts)


def test_the_runs_cover_every_verdict_and_the_usual_summaries(results: list[dict]) -> None:
    assert {r["verdict"] for r in results} == {v.value for v in Verdict}
    ids = {r["summary"]["id"] for r in results}
    assert {"fairness.stats.pass", "fairness.stats.fail", "fairness.stats.underpowered",
            "fairness.stats.no_draws", "fairness.stats.by_construction"} <= ids


def test_every_statistical_result_renders_in_persian(results: list[dict]) -> None:
    for result in results:
        page = _rendered(result)
        assert 'class="untranslated"' not in page, result["summary"]
        assert english_left(page) == [], result["summary"]["text"]


def test_isolates_hold_identifiers_not_english_sentences(results: list[dict]) -> None:
    for result in results:
        for match in _ISOLATED.finditer(_rendered(result)):
            inside = match.group(1) or match.group(2) or ""
            assert not re.search(r"[A-Za-z]{2,} [A-Za-z]{2,} [A-Za-z]{2,}", inside), inside


def _steps() -> list[str]:
    from harness.invariants import ops, ops_money

    made = [ops.Register("lab-r1", "0000000000", "A", "north", "P1"),
            ops.ReadApplicants("lab-r1"), ops.ReadResults("lab-r1"), ops.ReadRound("lab-r1"),
            ops_money.Me("lab-r1", "a-1"), ops_money.Deposit("lab-r1", "a-1", "k-9", 1000),
            ops_money.CloseDeposits("lab-r1", "drawn", "op"),
            ops_money.ReadPromotions("lab-r1"), ops_money.ReadLedger("lab-r1", "op")]
    made += [ops.Transition("lab-r1", action, "op") for action in ("close", "commit", "draw")]
    steps = [op.step for op in made]
    from dataclasses import fields

    audit = ops.ReadAudit(*["lab-r1"] + ["op"] * (len(fields(ops.ReadAudit)) - 1))
    return [*steps, audit.step, "create round"]


def _problems() -> list[str]:
    from harness.invariants.audit_chain import chain_problem
    from harness.invariants.shapes import field_problem

    found = [field_problem({}, "seed", "hex64"), field_problem({"seed": 7}, "seed", "hex64"),
             field_problem({"n": "x"}, "n", "int_or_null"), "is not a JSON object",
             "has a token over 512", chain_problem([], "lab-r1"),
             chain_problem([7], "lab-r1"), chain_problem([{"seq": 1}], "lab-r1")]
    return [p for p in found if p]


def test_invariant_steps_and_problems_render_in_persian() -> None:
    fa = speaker("fa")
    for text in [*_steps(), *_problems()]:
        shown = fa.value(text)
        assert not _ISOLATED.fullmatch(shown), text  # translated, not kept as it was
        assert english_left("<body>" + shown) == [], text
