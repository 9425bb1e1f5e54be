"""F-07: the SP 800-22 battery on the server-seed source and on a draw's random stream.

The bytes are pulled first (they need only a small closed round of the run's own), then the
battery runs in a separate process while the suite goes on with the populations and the real
rounds: the battery is CPU work and the rest mostly waits on the target, so they overlap. The
stream is also compared byte for byte with the harness's own step-3 blocks; a stream that
differs is a FAIL whatever the battery says, since it is not the stream the draw uses.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from harness.errors import TargetError
from harness.fairness.applicants import parse_applicant_lines
from harness.fairness.battery_verdict import assess_batteries
from harness.fairness.enrolment import enrol, error_evidence
from harness.fairness.outcome import not_assessed
from harness.fairness.replay import CanonicalList
from harness.fairness.rng_sources import StreamComparison, pull_server_seeds, pull_streams
from harness.fairness.settings import FairnessSettings
from harness.fairness.sp800_22 import BatteryReport, run_battery
from harness.results import Finding, Measurement, Message, RequirementResult, Severity
from harness.seeds import RunSeed
from harness.synthetic import people
from harness.target import HttpTarget
from harness.verdict import Verdict

__all__ = ["RandomnessJob"]

SOURCES = ("server-seeds", "stream")
_STREAM_ROUND_APPLICANTS = 3


def _lower_priority() -> None:
    try:
        os.nice(10)
    except OSError:  # not permitted here: run at the normal priority
        pass


def _battery(data: bytes, sequence_bits: int, sequences: int) -> BatteryReport:
    return run_battery(data, sequence_bits, sequences)


@dataclass
class RandomnessJob:
    """Pull the bytes (``start``), let the battery run, collect the verdict (``finish``)."""

    settings: FairnessSettings
    run_seed: RunSeed
    error: dict[str, Any] | None = None
    comparisons: list[StreamComparison] = field(default_factory=list)
    timing: dict[str, float] = field(default_factory=dict)
    _pool: ProcessPoolExecutor | None = None
    _jobs: dict[str, Future[BatteryReport]] = field(default_factory=dict)

    @property
    def n_bytes(self) -> int:
        return self.settings.battery_sequences * self.settings.statistics.sequence_bits // 8

    def start(self, client: HttpTarget, public: HttpTarget,
              progress: Callable[[str, int, int], None]) -> None:
        began = time.perf_counter()
        try:
            seeds = pull_server_seeds(client, self.n_bytes,
                                      lambda done, total: progress("server seeds (F-07)", done,
                                                                   total))
            round_id, digest = self._stream_round(client, public)
            stream, self.comparisons = pull_streams(
                client, self.run_seed, round_id, digest, self.n_bytes,
                lambda done, total: progress("draw stream bytes (F-07)", done, total))
        except TargetError as exc:
            self.error = error_evidence(exc)
            return
        finally:
            self.timing["pull_s"] = time.perf_counter() - began
        # One process per source, at a lower priority: the battery fills the time the suite
        # spends waiting on the target, and the target (often on the same machine) goes first.
        self._pool = ProcessPoolExecutor(len(SOURCES), initializer=_lower_priority,
                                         mp_context=multiprocessing.get_context("spawn"))
        bits, count = self.settings.statistics.sequence_bits, self.settings.battery_sequences
        for source, data in zip(SOURCES, (seeds, stream), strict=True):
            self._jobs[source] = self._pool.submit(_battery, data, bits, count)

    def _stream_round(self, client: HttpTarget, public: HttpTarget) -> tuple[str, bytes]:
        """A small closed round of the run's own, whose frozen list the stream is drawn over."""
        round_id = self.run_seed.round_id("stream")
        client.create_round(round_id, 1, 1, self.settings.deposit_amount)
        crowd = people(self.run_seed.rng("fairness", "stream-round"), _STREAM_ROUND_APPLICANTS,
                       self.settings.region_weights)
        enrol(client.clone, round_id, crowd, 1)
        client.close_registration(round_id)
        listing = public.applicant_list(round_id)
        try:
            digest = CanonicalList(parse_applicant_lines(listing)).digest
        except Exception as exc:  # noqa: BLE001 - a malformed list is the target's fault
            raise TargetError(f"the stream round's applicant list is malformed: {exc}") from exc
        return round_id, digest

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def finish(self, progress: Callable[[str, int, int], None]) -> RequirementResult:
        """F-07's result; waits for the battery."""
        try:
            return self._result(progress)
        finally:
            self.close()

    def _result(self, progress: Callable[[str, int, int], None]) -> RequirementResult:
        evidence: dict[str, Any] = {"sequences_per_source": self.settings.battery_sequences,
                                    "sequence_bits": self.settings.statistics.sequence_bits,
                                    "stream_comparisons": [c.to_dict() for c in self.comparisons],
                                    "stream_seed_recipe": "RunSeed.derive('fairness',"
                                                          " 'stream-seed', i)"}
        differing = [c for c in self.comparisons if not c.equal]
        if differing:
            return _stream_differs(differing, evidence)
        if self.error is not None:
            message = Message.of("fairness.f07.target_failed",
                                 "not assessed: the target failed while F-07 pulled its bytes"
                                 " ({reason})", reason=self.error.get("message", ""))
            return not_assessed("F-07", message, {**evidence, "error": self.error})
        began = time.perf_counter()
        reports: dict[str, BatteryReport] = {}
        for source, job in self._jobs.items():
            progress("SP 800-22 battery (F-07), sources", len(reports), len(self._jobs))
            reports[source] = job.result()
        progress("SP 800-22 battery (F-07), sources", len(reports), len(self._jobs))
        self.timing["battery_wait_s"] = time.perf_counter() - began
        return _battery_result(reports, self.settings, evidence)


def _stream_differs(differing: list[StreamComparison], evidence: dict[str, Any]
                    ) -> RequirementResult:
    first = differing[0]
    message = Message.of(
        "fairness.f07.stream_differs",
        "the lab random stream for seed {seed} differs from ACS-DRAW-1's step-3 blocks at byte"
        " {offset}", seed=first.seed, offset=first.first_difference)
    remedy = Message.of("fairness.f07.stream_remedy",
                        "Serve the draw's own step-3 block stream from the lab random endpoint.")
    finding = Finding(Severity.HIGH, message, remedy, first.to_dict())
    return RequirementResult.of("F-07", Verdict.FAIL, message, findings=(finding,),
                                evidence=evidence)


def _battery_result(reports: dict[str, BatteryReport], settings: FairnessSettings,
                    evidence: dict[str, Any]) -> RequirementResult:
    """One Holm family over every column of both sources (``assess_batteries``)."""
    analysis = assess_batteries(reports, settings.statistics)
    rejected = [t for t in analysis.tests if t.rejected]
    measurements = (
        Measurement("p-values in the family", len(analysis.tests), "p-values"),
        Measurement("rejected at the family-wise alpha", len(rejected), "p-values"),
        Measurement("smallest Holm-adjusted p-value",
                    min((t.adjusted_p_value for t in analysis.tests
                         if t.adjusted_p_value is not None), default=None), "1"),
    )
    summary = Message.given(analysis.message_id or "fairness.f07.battery", analysis.reason,
                            analysis.message_params)
    remedy = Message.of("fairness.f07.remedy",
                        "Take server seeds from the operating system's CSPRNG (or an HSM) and"
                        " derive the draw's stream exactly as ACS-DRAW-1 step 3 specifies.")
    findings = tuple(
        Finding(Severity.HIGH, Message.of("fairness.f07.column_rejected",
                                          "{test} rejected (Holm-adjusted p = {p:.3g})",
                                          test=t.name, p=t.adjusted_p_value), remedy, t.to_dict())
        for t in rejected
    )
    evidence.update(
        decision=analysis.decision, plots=analysis.plots,
        rejected_tests=[t.to_dict() for t in rejected],
        second_level={source: report.to_dict()["second_level"]
                      for source, report in reports.items()},
    )
    return RequirementResult.of("F-07", analysis.verdict, summary, measurements=measurements,
                                findings=findings, evidence=evidence)
