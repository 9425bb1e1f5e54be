"""S-04: applicant tokens are unique and unpredictable (as far as can be told from outside).

``token_samples`` people register in one round of this run, one after another; their tokens, in
order of issue, go through ``harness.security.opaque``: uniqueness (exact), per-position
uniformity and order structure (one Holm family at the profile's alpha), and a capacity upper
bound that must reach ``token_capacity_bits``.
"""

from __future__ import annotations

from harness.results import Message, Severity
from harness.security.context import ProbeContext
from harness.security.findings import finding
from harness.security.fixtures import make_round
from harness.security.opaque import OpaqueAnalysis, analyse
from harness.security.registry import ProbeReport, check

__all__ = ["LIMITS", "judge_opaque", "token_unpredictability"]

LIMITS = Message.of(
    "security.opaque.limits",
    "capacity is an upper bound (the sum of log2 of the characters seen at each varying"
    " position), not an entropy: a few hundred samples cannot estimate entropy, and a keyed hash"
    " of a counter cannot be told from random from outside")
_FIX = Message.of("security.s04.fix",
                  "issue tokens from the operating system's CSPRNG (at least 128 random bits,"
                  " e.g. secrets.token_urlsafe(32)); never derive them from counters, clocks or"
                  " applicant data")


def judge_opaque(report: ProbeReport, analysis: OpaqueAnalysis, *, requirement: str, what: str,
                 bound: float, location: str, fix: Message) -> None:
    """Findings for a failed analysis of ``what`` (tokens, server seeds)."""
    report.measure(f"{what}_samples", analysis.samples)
    report.measure(f"{what}_duplicates", analysis.duplicates)
    report.measure(f"{what}_capacity_upper_bound", round(analysis.capacity_bits, 3), "bit")
    report.measure(f"{what}_tests", len(analysis.tests))
    report.measure(f"{what}_rejected", len(analysis.rejected))
    report.evidence[what] = analysis.to_dict()
    if analysis.duplicates:
        report.add(finding(
            requirement, f"{requirement}/{what}-duplicates", Severity.HIGH,
            Message.of("security.opaque.duplicates", "{count} of {n} {what} were issued twice",
                       count=analysis.duplicates, n=analysis.samples, what=what),
            fix, cwe=340, location=location))
    if analysis.rejected:
        names = ", ".join(t.name for t in analysis.rejected[:8])
        report.add(finding(
            requirement, f"{requirement}/{what}-structure", Severity.HIGH,
            Message.of("security.opaque.structure",
                       "{what} show structure: {count} test(s) rejected at family-wise alpha"
                       " {alpha} ({names})", what=what, count=len(analysis.rejected),
                       alpha=analysis.alpha, names=names),
            fix, cwe=330, location=location))
    if analysis.capacity_bits < bound:
        report.add(finding(
            requirement, f"{requirement}/{what}-capacity", Severity.HIGH,
            Message.of("security.opaque.capacity",
                       "{what} carry at most {bits:.1f} bits in their varying positions, below"
                       " the required {bound:g}", what=what, bits=analysis.capacity_bits,
                       bound=bound),
            fix, cwe=331, location=location))


@check("S-04", "token-unpredictability")
def token_unpredictability(ctx: ProbeContext, report: ProbeReport) -> None:
    n = ctx.settings.token_samples
    fixture = make_round(ctx, "04", size=n, primary=1)
    tokens = [a.token for a in fixture.applicants]
    judge_opaque(report, analyse(tokens, ctx.settings.alpha), requirement="S-04",
                 what="tokens", bound=ctx.settings.token_capacity_bits,
                 location="contract:POST /v1/rounds/{rid}/registrations", fix=_FIX)
    report.not_assessed.append(LIMITS)
