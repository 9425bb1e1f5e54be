"""Words the reports look up with a context at run time, listed so that Babel extracts them.

A verdict, a severity, a suite's name, a unit, a measurement's name or a param's value reaches a
writer as data, so the writer's ``pgettext(context, value)`` call cannot be read by an extractor.
Each is named here once with ``noop(context, text)``, which Babel's ``python`` extractor of
``harness.report.extract`` knows; a value the list lacks stays as written, left to right.
"""

from __future__ import annotations

__all__ = ["GREGORIAN_MONTHS", "VOCABULARY", "noop"]


def noop(context: str, text: str) -> tuple[str, str]:
    """Mark ``text`` for the catalogue under ``context`` without translating it."""
    return context, text


# The Gregorian months, named by the catalogue rather than by the locale data of whichever Babel
# is installed (its CLDR month names change between releases; a report must render the same).
GREGORIAN_MONTHS = (
    noop("gregorian month", "January"), noop("gregorian month", "February"),
    noop("gregorian month", "March"), noop("gregorian month", "April"),
    noop("gregorian month", "May"), noop("gregorian month", "June"),
    noop("gregorian month", "July"), noop("gregorian month", "August"),
    noop("gregorian month", "September"), noop("gregorian month", "October"),
    noop("gregorian month", "November"), noop("gregorian month", "December"),
)

VOCABULARY = (
    noop("verdict", "CERTIFIED"), noop("verdict", "NOT_CERTIFIED"),
    noop("verdict", "INCONCLUSIVE"), noop("verdict", "PASS"), noop("verdict", "FAIL"),
    noop("verdict", "NOT_APPLICABLE"),
    noop("severity", "critical"), noop("severity", "high"), noop("severity", "medium"),
    noop("severity", "low"), noop("severity", "info"),
    noop("suite", "fairness"), noop("suite", "invariants"), noop("suite", "load"),
    noop("suite", "security"), noop("suite", "certification"),
    noop("unit", "1"), noop("unit", "ms"), noop("unit", "s"), noop("unit", "p-values"),
    noop("unit", "checks"), noop("unit", "rounds"), noop("unit", "bits"), noop("unit", "bit"),
    noop("unit", "line"), noop("unit", "ratio"),
    noop("unit", "Cohen's w"), noop("unit", "Cohen's w of the table"),
    noop("unit", "Cohen's w over applicants"), noop("unit", "Cohen's w over position bins"),
    noop("unit", "Cohen's w over time buckets"),
    noop("unit", "Cohen's w over digit-sum parity classes"),
    noop("unit", "Cohen's w over first national-id digit classes"),
    noop("unit", "Cohen's w over last national-id digit classes"),
    noop("unit", "Cohen's w of the 10-bin P-value histogram"),
    noop("unit", "Spearman's rho (registration order vs selection count)"),
    noop("unit", "excess share of winners shared by related-seed draws"),
    noop("unit", "excess share of winners shared by the most similar related pair"),
    noop("unit", "largest relative deviation of a region's rate (MDE: smallest relative"
                 " increase of the least detectable region's chance)"),
    noop("unit", "relative change of the most extreme applicant's rate (MDE: smallest relative"
                 " decrease of one applicant's chance)"),
    noop("unit", "relative excess of co-selections of canonical-order neighbours"),
    noop("unit", "relative excess of co-selections of registration-order neighbours"),
    noop("unit", "relative excess of the per-draw X^2 over blocks (variance ratio - 1)"),
    noop("unit", "share of selections from the first {window} of registrations (null {null})"),
    noop("unit", "share of sequences with P < {alpha}"),
    noop("measurement", "acknowledged deposits"), noop("measurement", "ledger entries"),
    noop("measurement", "unknown outcomes"), noop("measurement", "violations"),
    noop("measurement", "p-values in the family"),
    noop("measurement", "rejected at the family-wise alpha"),
    noop("measurement", "smallest Holm-adjusted p-value"),
    noop("measurement", "real rounds replayed"), noop("measurement", "failed checks"),
    noop("measurement", "p-value"), noop("measurement", "Holm-adjusted p-value"),
    noop("measurement", "effect size"), noop("measurement", "minimum detectable effect"),
    noop("measurement", "power"),
    noop("measurement", "failing_examples"), noop("measurement", "example_requests"),
    noop("measurement", "first_failure_requests"), noop("measurement", "judgements"),
    noop("measurement", "examples_completed"), noop("measurement", "simultaneous_replays"),
    noop("measurement", "ledger_entries"), noop("measurement", "injected_requests"),
    noop("measurement", "shed_503"), noop("measurement", "payloads"),
    noop("measurement", "lines_scanned"), noop("measurement", "issues"),
    noop("measurement", "issues_failing_profile"), noop("measurement", "suppressed_by_nosec"),
    noop("measurement", "weak_candidates"),
    noop("param value", "certification"), noop("param value", "PASS"),
    noop("param value", "FAIL"), noop("param value", "INCONCLUSIVE"),
    noop("param value", "NOT_APPLICABLE"),
    noop("param value", "no"), noop("param value", "an empty"),
    noop("param value", "no token"), noop("param value", "a made-up token"),
    noop("param value", "an applicant's token"),
    noop("param value", "body"), noop("param value", "query"), noop("param value", "headers"),
    noop("param value", "path"), noop("param value", "sql"), noop("param value", "template"),
    noop("param value", "command"),
    noop("param value", "python traceback"), noop("param value", "python frame"),
    noop("param value", "java frame"), noop("param value", "java exception"),
    noop("param value", ".NET frame"), noop("param value", "node frame"),
    noop("param value", "php error"), noop("param value", "go panic"),
    noop("param value", "ruby frame"), noop("param value", "sql state"),
    noop("param value", "driver names"), noop("param value", "database error text"),
    noop("param value", "sql statement"), noop("param value", "debug page"),
    noop("param value", "server and framework versions"),
    noop("param value", "template evaluated"), noop("param value", "command output"),
    noop("param value", "file contents"),
    noop("param value", "the results carry another commitment than the one published at commit"),
    noop("param value", "the commitment does not match the revealed server seed"),
    noop("param value", "the commitment equals the seed"),
    noop("param value", "the seed does not derive from the server seed and the beacon"),
    noop("param value", "no answer"), noop("param value", "(no message)"),
    noop("param value", ", not reproduced on replay"),
    noop("param value", "fairness"), noop("param value", "invariants"),
    noop("param value", "load"), noop("param value", "security"),
    noop("param value", "lost"), noop("param value", "altered"),
    noop("param value", "duplicate"), noop("param value", "duplicate_id"),
    noop("param value", "not_entitled"), noop("param value", "unexplained"),
    noop("param value", "refused_but_recorded"), noop("param value", "replay_mismatch"),
    noop("param value", "total_out_of_bounds"),
    # the statistics' stated biases, null hypotheses and untested biases: patterns whose
    # {fields} capture numbers and words, each rendered as a value in its own right
    noop("param value", "{label}: {bias}"),
    noop("param value", "{share}% higher chance for the least detectable region"),
    noop("param value", "{share}% higher chance for one region (region test not run)"),
    noop("param value", "{share}% of draws rank reserves by registration order"),
    noop("param value", "{bits}-bit word mod (N - i) index"),
    noop("param value", "{bits}-bit modulo index (position test not run)"),
    noop("param value", "one applicant's chance lower by {share}%"),
    noop("param value", "related-seed draws share {share}% of winners beyond chance"),
    noop("param value", "{share}% of winners from the first {window} of registrations"
                        " (DV-2012-like)"),
    noop("param value", "{bias} (no related-seed pairs in the sample)"),
    noop("param value", "DV-2012-like order bias (order test not run)"),
    noop("param value", "reserve ranks in registration order (rank test not run)"),
    noop("param value", "each draw's {which} list is a uniform random {k}-subset of the N"
                        " applicants, independently across draws"),
    noop("param value", "each draw's primary list is a uniform random k-subset, independently"
                        " across draws"),
    noop("param value", "{hypothesis}; each count ~ Binomial(M, k/N)"),
    noop("param value", "{hypothesis}; rate equal in every canonical-position bin"),
    noop("param value", "{hypothesis}; each draw's counts in blocks of applicants are"
                        " multivariate hypergeometric"),
    noop("param value", "{hypothesis}; the overlap of two related-seed draws is"
                        " Hypergeometric(N, k, k)"),
    noop("param value", "{hypothesis}; the selection rate is the same in every {group}"),
    noop("param value", "{hypothesis}; two given applicants are both selected with probability"
                        " k(k-1)/(N(N-1))"),
    noop("param value", "given each draw's reserve set, its order is a uniform random"
                        " permutation"),
    noop("param value", "selection counts are exchangeable over applicants, so unrelated to"
                        " registration order"),
    noop("param value", "primary"), noop("param value", "reserve"),
    noop("param value", "digit-sum parity"),
    noop("param value", "equal-width registration-time bucket"),
    noop("param value", "first national-id digit"), noop("param value", "last national-id digit"),
    noop("param value", "region"), noop("param value", "registration-order bin"),
    # the invariant suite's steps and the problems it finds in answers
    noop("param value", "create round"),
    noop("param value", "register {who} in {round}"), noop("param value", "close {round}"),
    noop("param value", "commit {round}"), noop("param value", "draw {round}"),
    noop("param value", "read the applicant list of {round}"),
    noop("param value", "read the results of {round}"), noop("param value", "read round {round}"),
    noop("param value", "read the audit log of {round}"),
    noop("param value", "/me of {applicant} in {round}"),
    noop("param value", "deposit {amount} by {applicant} in {round} (key {key})"),
    noop("param value", "close the deposit window of {round} (expected {state})"),
    noop("param value", "read the promotions of {round}"),
    noop("param value", "read the deposit ledger of {round}"),
    noop("param value", "is not a JSON object"), noop("param value", "lacks {field}"),
    noop("param value", "has {field} = {value}, not {kind}"),
    noop("param value", "has a token over 512"),
    noop("param value", "the audit log has no entries"),
    noop("param value", "entry {seq} is not an object"),
    noop("param value", "entry {seq} lacks {fields}"),
    noop("param value", "entry {seq} has seq {value}"),
    noop("param value", "entry {seq}: prev_hash is not the previous entry's hash"),
    noop("param value", "entry {seq}: data does not hold this round's round_id"),
    noop("param value", "entry {seq}: not canonicalisable ({error})"),
    noop("param value", "entry {seq}: hash does not recompute"),
    noop("param value", "transition events are {present}, the round went through {wanted}"),
    noop("param value", "{count} deposit entries for {deposits} deposits recorded"),
    noop("param value", "str"), noop("param value", "id"), noop("param value", "hex64"),
    noop("param value", "int"), noop("param value", "int or null"), noop("param value", "bool"),
    noop("param value", "ids"), noop("param value", "list"),
    noop("param value", "object or null"), noop("param value", "str or null"),
    # bandit's severity and confidence levels (S-09)
    noop("param value", "HIGH"), noop("param value", "MEDIUM"), noop("param value", "LOW"),
    noop("param value", "UNDEFINED"),
)
