"""The report writers in English and in Persian, for the same evidence, side by side.

``python -m benchmarks report_languages [--evidence evidence.json] [--rounds N]``. Without
``--evidence`` the evidence is synthetic: every requirement of the catalogue, fairness plot data
of the shapes the suite records and a load timeline, so each of the five figures is drawn. Each
candidate writes every report file (report.json, report.html, junit.xml, results.sarif,
summary.md) into its own temporary folder; the Persian one also embeds the font, renders Solar
Hijri dates and every message through the catalogue. The first call of each language (catalogue
compilation, template loading) is left out of the rounds and printed apart.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks._timing import compare, print_table
from harness.catalogue import SUITES, requirements_of
from harness.evidence import build_evidence
from harness.profiles import load_profile
from harness.report import write_reports
from harness.results import Message, RequirementResult, SuiteResult
from harness.seeds import RunSeed
from harness.verdict import Verdict


def synthetic_evidence() -> dict[str, Any]:
    """Certification evidence with every requirement PASS and data for every kind of figure."""
    held = Message.of("invariants.held", "held in {completed} examples ({judged} answers"
                      " judged)", completed=30, judged=412)
    suites = [SuiteResult(name, tuple(RequirementResult.of(rid, Verdict.PASS, held)
                                      for rid in requirements_of(name)),
                          "2026-01-01T00:00:00Z", "2026-01-01T00:01:00Z")
              for name in SUITES]
    evidence = build_evidence(scope="certification", seed=RunSeed(bytes(range(32))),
                              profile=load_profile("quick"),
                              target={"name": "reference", "base_url": "http://127.0.0.1:1"},
                              suites=suites, started_at="2026-01-01T00:00:00Z",
                              finished_at="2026-01-01T00:04:00Z")
    fairness = evidence["suites"][0]["requirements"][0]
    fairness["evidence"]["plots"] = {
        "qq": {"expected": [i / 200 for i in range(200)],
               "observed": [i / 200 for i in range(200)]},
        "histogram": {"count": list(range(60)), "observed": [i % 17 for i in range(60)],
                      "expected": [8.0] * 60},
        "rate_by_position": {"expected": 0.3, "level": 0.95, "rate": [0.3] * 20,
                             "lower": [0.28] * 20, "upper": [0.32] * 20},
        "rank_table": {"expected": [[2.0] * 10] * 10, "observed": [[2] * 10] * 10},
    }
    evidence["suites"][2]["evidence"]["rushes"] = {"deposit": {"timeline": [
        {"endpoint": endpoint, "second": s, "requests": 40, "errors": 0, "p95_ms": 60.0}
        for endpoint in ("deposit", "me") for s in range(60)]}}
    return evidence


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks report_languages")
    parser.add_argument("--evidence", type=Path, help="an evidence.json (default: synthetic)")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv or [])
    evidence = (json.loads(args.evidence.read_text(encoding="utf-8")) if args.evidence
                else synthetic_evidence())
    with tempfile.TemporaryDirectory() as folder:
        out = {lang: Path(folder) / lang for lang in ("en", "fa")}
        for path in out.values():
            path.mkdir()
        for lang in out:
            began = time.perf_counter()
            write_reports(evidence, out[lang], lang)
            print(f"first call, {lang}: {time.perf_counter() - began:.3f} s"
                  " (catalogue, template and fonts loaded once)")
        timings = compare({f"all report files, {lang}": (lambda lang=lang: write_reports(
            evidence, out[lang], lang)) for lang in out}, rounds=args.rounds)
        print_table(f"report writers, median of {args.rounds} interleaved rounds"
                    f" ({'evidence ' + args.evidence.name if args.evidence else 'synthetic'})",
                    timings, baseline="all report files, en")
        for lang, path in out.items():
            size = (path / "report.html").stat().st_size
            print(f"  report.html, {lang}: {size:,} bytes")


if __name__ == "__main__":
    main()
