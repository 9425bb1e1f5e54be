"""F-01..F-05 from M practice draws: every test, Holm across all of them, power, verdicts.

Decision rule (``decision_rule`` records it in the evidence): all tests of F-01..F-05 in one run
form one family; Holm's step-down procedure at ``alpha`` keeps the chance that a correct system
fails any of the five requirements at or below ``alpha``. A requirement FAILs when one of its
tests is rejected; otherwise it PASSes only if, for each bias the profile states for it, its
tests reach the power target at level alpha / T (the first Holm step, so a lower bound of the
power under Holm); else it is INCONCLUSIVE, with the draws the target needs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

import numpy as np

from harness.fairness.config import FairnessConfig
from harness.fairness.draws import DrawSample
from harness.fairness.stats.attributes import attributes
from harness.fairness.stats.context import Built, Context
from harness.fairness.stats.dependence import dependence
from harness.fairness.stats.holm import holm_adjust
from harness.fairness.stats.plotdata import quantiles_qq
from harness.fairness.stats.registration import registration_order
from harness.fairness.stats.result import RequirementAnalysis, StatTest, jsonable
from harness.fairness.stats.selection import primary_selection, reserve_selection
from harness.results import Message
from harness.verdict import Verdict

__all__ = ["REQUIREMENTS", "RequirementAnalysis", "StatTest", "TEST_CATALOGUE", "analyse_draws",
           "analyse_samples", "decision_rule"]

REQUIREMENTS = ("F-01", "F-02", "F-03", "F-04", "F-05")
_BUILDERS: dict[str, Callable[[Context], Built]] = {
    "F-01": primary_selection, "F-02": reserve_selection, "F-03": registration_order,
    "F-04": attributes, "F-05": dependence,
}
TEST_CATALOGUE = {
    "F-01": ("primary_count_chi2", "primary_extreme_count", "primary_rate_by_position"),
    "F-02": ("reserve_count_chi2", "reserve_extreme_count", "reserve_rate_by_position",
             "reserve_rank_by_canonical_position", "reserve_rank_by_registration_order"),
    "F-03": ("rate_by_registration_order", "rate_by_registration_time",
             "spearman_order_vs_count"),
    "F-04": ("rate_by_region", "rate_by_national_id_last_digit",
             "rate_by_national_id_first_digit", "rate_by_national_id_digit_sum_parity"),
    "F-05": ("coselection_canonical_neighbours", "coselection_registration_neighbours",
             "dispersion_canonical_blocks", "dispersion_registration_blocks",
             "related_seed_overlap_total", "related_seed_overlap_max"),
}


def decision_rule(config: FairnessConfig) -> dict[str, Any]:
    """The rule that turns p-values and powers into verdicts, with its numbers."""
    from harness.fairness.battery_verdict import battery_rule  # the F-07 half of the rule

    return {
        "requirements": list(REQUIREMENTS),
        "method": "holm",
        "alpha": config.alpha,
        "family": "every test of F-01..F-05 run on the sample (at most "
                  f"{sum(len(v) for v in TEST_CATALOGUE.values())})",
        "tests": {k: list(v) for k, v in TEST_CATALOGUE.items()},
        "power_target": config.power,
        "power_level": "alpha / T, T the number of tests run (Holm's first step)",
        "stated_biases": config.stated_biases(),
        "text": (f"A requirement fails when Holm's procedure at family-wise alpha = "
                 f"{config.alpha:g} over all tests of F-01..F-05 rejects one of its tests. "
                 f"Otherwise it passes only if its tests detect each stated bias with power "
                 f"at least {config.power:g} at level alpha / T; else it is inconclusive."),
        "F-07": battery_rule(config),
    }


def analyse_draws(sample: DrawSample, config: FairnessConfig,
                  seed: int) -> dict[str, RequirementAnalysis]:
    """Verdicts of F-01..F-05 for ``sample``. ``seed`` (from the run seed) seeds the generator
    the analysis hands to its statistics; every current test has an exact or asymptotic null,
    so the verdicts do not depend on it."""
    return analyse_samples({"": sample}, config, seed)


def analyse_samples(samples: Mapping[str, DrawSample], config: FairnessConfig,
                    seed: int) -> dict[str, RequirementAnalysis]:
    """F-01..F-05 over several samples (e.g. the full profile's two populations) as ONE Holm
    family, so that alpha bounds the false alarms of the whole run. Test names, stated biases
    and plot keys of a sample with a non-empty label start with "label:"; each sample must reach
    the power target on its own."""
    rng = np.random.default_rng(np.random.SeedSequence(abs(int(seed))))
    merged = {rid: Built(rid) for rid in REQUIREMENTS}
    fixed: dict[str, list[tuple[str, RequirementAnalysis]]] = {rid: [] for rid in REQUIREMENTS}
    analysed: set[str] = set()
    for label, sample in samples.items():
        ctx = Context(sample, config, rng)
        special = _special_cases(ctx)
        for rid in REQUIREMENTS:
            if rid in special:
                fixed[rid].append((label, special[rid]))
            else:
                analysed.add(rid)
                _merge(merged[rid], _BUILDERS[rid](ctx), label)
    builts = [merged[rid] for rid in REQUIREMENTS if rid in analysed or not fixed[rid]]
    for built in builts:  # a sample that could not be analysed leaves the requirement short
        built.unmet.extend(f"{label}: {a.reason}".lstrip(": ") for label, a in
                           fixed[built.requirement] if a.verdict is Verdict.INCONCLUSIVE)
    pending = [p for b in builts for p in b.pending]
    family = len(pending)
    level = config.alpha / max(family, 1)
    adjusted = holm_adjust(np.array([p.test.p_value for p in pending]))
    done: dict[str, list[StatTest]] = {b.requirement: [] for b in builts}
    for item, adj in zip(pending, adjusted, strict=True):
        info = item.power_at(level)
        done[item.test.requirement].append(replace(
            item.test, adjusted_p_value=float(adj), rejected=bool(adj <= config.alpha),
            power=info.power, mde=info.mde, draws_needed=info.draws_needed))
    results = {rid: min((a for _, a in entries), key=lambda a: _FIXED_RANK[a.verdict])
               for rid, entries in fixed.items() if entries}
    for built in builts:
        tests = tuple(done[built.requirement])
        verdict, reason, message = _verdict(built, tests, config)
        plots = dict(built.plots)
        plots["test_p_value_qq"] = quantiles_qq(np.array([t.p_value for t in tests]))
        results[built.requirement] = RequirementAnalysis(
            built.requirement, verdict, tests, reason, jsonable(plots),
            jsonable(_decision(config, family, level, built, tests)), message[0],
            jsonable(message[1]))
    return {rid: results[rid] for rid in REQUIREMENTS}


def _merge(into: Built, built: Built, label: str) -> None:
    """Add one sample's tests, plots and notes to a requirement, labelled when ``label``."""
    tag = f"{label}:" if label else ""
    for item in built.pending:
        test = item.test
        into.pending.append(replace(item, test=replace(
            test, name=tag + test.name,
            alternative=f"{tag} {test.alternative}".strip() if test.alternative else "")))
    into.plots.update({tag + key: value for key, value in built.plots.items()})
    into.notes.extend(f"{tag} {note}".strip() for note in built.notes)
    into.unmet.extend(f"{tag} {note}".strip() for note in built.unmet)


def _decision(config: FairnessConfig, family: int, level: float, built: Built,
              tests: tuple[StatTest, ...]) -> dict[str, Any]:
    return {
        "method": "holm", "alpha": config.alpha, "family_size": family,
        "power_level": level, "power_target": config.power,
        "stated_biases": config.stated_biases()[built.requirement],
        "rejected": [t.name for t in tests if t.rejected],
        "not_run": list(built.notes), "untestable_biases": list(built.unmet),
    }


def _verdict(built: Built, tests: tuple[StatTest, ...],
             config: FairnessConfig) -> tuple[Verdict, str, tuple[str, dict[str, Any]]]:
    rejected = [t for t in tests if t.rejected]
    if rejected:
        listed = ", ".join(f"{t.name} (Holm-adjusted p = {t.adjusted_p_value:.3g})"
                           for t in rejected)
        return (Verdict.FAIL, f"rejected at family-wise alpha = {config.alpha:g}: {listed}",
                ("fairness.stats.fail", {"alpha": config.alpha, "tests": [t.name for t in
                                                                         rejected]}))
    best: dict[str, StatTest] = {}
    for t in tests:
        if t.alternative and (t.alternative not in best
                              or (t.power or 0) > (best[t.alternative].power or 0)):
            best[t.alternative] = t
    gaps = [_shortfall(alt, t, config) for alt, t in best.items()
            if (t.power or 0) < config.power]
    gaps += [Message.of("fairness.stats.unmet", "{bias}", bias=note) for note in built.unmet]
    short = [gap.text for gap in gaps]
    if short:
        return (Verdict.INCONCLUSIVE, "too little power for the stated bias: " + "; ".join(short),
                ("fairness.stats.underpowered", {"shortfalls": short, "power": config.power,
                                                 "gaps": [gap.to_dict() for gap in gaps]}))
    if not tests:
        reason = "; ".join(built.notes) or "no test applies to this sample"
        return (Verdict.NOT_APPLICABLE, reason, ("fairness.stats.not_applicable",
                                                 {"notes": list(built.notes)}))
    powers = ", ".join(f"{alt} (power {t.power:.3g})" for alt, t in best.items())
    return (Verdict.PASS, f"no test rejected at family-wise alpha = {config.alpha:g} "
            f"({len(tests)} tests here); detects {powers or 'no stated bias'}",
            ("fairness.stats.pass", {"alpha": config.alpha, "tests": len(tests)}))


def _shortfall(bias: str, test: StatTest, config: FairnessConfig) -> Message:
    """One stated bias the tests cannot detect with the target power, as a message."""
    if test.draws_needed:
        return Message.of("fairness.stats.shortfall_draws", "{bias}: power {power:.3g} <"
                          " {target:g}, about {draws} draws needed", bias=bias,
                          power=test.power or 0, target=config.power, draws=test.draws_needed)
    return Message.of("fairness.stats.shortfall", "{bias}: power {power:.3g} < {target:g}",
                      bias=bias, power=test.power or 0, target=config.power)


_FIXED_RANK = {Verdict.INCONCLUSIVE: 0, Verdict.PASS: 1, Verdict.NOT_APPLICABLE: 2}


def _fixed(rid: str, verdict: Verdict, reason: str, message_id: str) -> RequirementAnalysis:
    return RequirementAnalysis(rid, verdict, (), reason, {}, {}, message_id, {})


def _special_cases(ctx: Context) -> dict[str, RequirementAnalysis]:
    """Samples on which some requirement cannot be, or need not be, tested."""
    everyone = REQUIREMENTS
    if ctx.n == 0:
        return {rid: _fixed(rid, Verdict.INCONCLUSIVE, "the population is empty",
                            "fairness.stats.no_population") for rid in everyone}
    if ctx.m == 0:
        return {rid: _fixed(rid, Verdict.INCONCLUSIVE, "no draws were analysed",
                            "fairness.stats.no_draws") for rid in everyone}
    out: dict[str, RequirementAnalysis] = {}
    primary_only = ("F-01", "F-03", "F-04", "F-05")
    if ctx.k == 0:
        out.update({rid: _fixed(rid, Verdict.NOT_APPLICABLE, "the round has no primary slots",
                                "fairness.stats.no_primary") for rid in primary_only})
    elif ctx.k >= ctx.n:
        out.update({rid: _fixed(rid, Verdict.PASS, "every applicant is selected in every draw "
                                "(K >= N): the requirement holds by construction",
                                "fairness.stats.by_construction") for rid in primary_only})
    if ctx.r == 0:
        out["F-02"] = _fixed("F-02", Verdict.NOT_APPLICABLE, "the draws have no reserve list "
                             "(R = 0 or K >= N)", "fairness.stats.no_reserve")
    return out
