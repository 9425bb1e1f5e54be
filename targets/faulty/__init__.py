"""Deliberately defective variants of the reference system, one defect each.

A defect is a small named modifier (``Defect``) that patches one piece of the reference before its
app is created; the rest of the system is the reference itself. The registry below is what
``python -m targets.faulty NAME``, ``harness serve --target faulty:NAME``, ``harness targets`` and
the harness's launcher read. Defect modules import the reference only inside ``apply``, so listing
the catalogue costs nothing. Nothing here imports ``harness``.
"""

from __future__ import annotations

from targets.faulty import (
    applicant_list_drops_registration,
    commitment_mismatch,
    deposit_global_lock,
    deposit_race,
    deposit_shedding,
    deposit_trusts_body_id,
    deposit_write_behind,
    duplicate_national_id_accepted,
    idempotency_key_ignored,
    lab_draws_differ,
    low_seed_bytes_ignored,
    modulo_index_16bit,
    open_operator_endpoint,
    promotion_out_of_rank_order,
    region_favoured,
    registration_order_bias,
    reserve_by_registration,
    reserve_shown_as_winner,
    results_change_after_deposits,
    results_redrawable,
    sequential_tokens,
    sql_string_formatting,
    stack_traces_in_errors,
    stuck_bit_seed,
    time_derived_seed,
    type_confusion_500,
    wrong_amount_accepted,
)
from targets.faulty.defect import Defect

__all__ = ["DEFECTS", "Defect"]

DEFECTS: dict[str, Defect] = {
    defect.name: defect
    for defect in (
        registration_order_bias.DEFECT,
        lab_draws_differ.DEFECT,
        open_operator_endpoint.DEFECT,
        deposit_trusts_body_id.DEFECT,
        sql_string_formatting.DEFECT,
        sequential_tokens.DEFECT,
        time_derived_seed.DEFECT,
        idempotency_key_ignored.DEFECT,
        stack_traces_in_errors.DEFECT,
        type_confusion_500.DEFECT,
        # the invariant suite's defects (I-01..I-06)
        applicant_list_drops_registration.DEFECT,
        reserve_shown_as_winner.DEFECT,
        wrong_amount_accepted.DEFECT,
        promotion_out_of_rank_order.DEFECT,
        results_change_after_deposits.DEFECT,
        results_redrawable.DEFECT,
        duplicate_national_id_accepted.DEFECT,
        deposit_global_lock.DEFECT,
        deposit_shedding.DEFECT,
        deposit_race.DEFECT,
        deposit_write_behind.DEFECT,
        # the fairness defects F-01, F-02, F-04, F-05, F-06, F-07
        modulo_index_16bit.DEFECT,
        reserve_by_registration.DEFECT,
        region_favoured.DEFECT,
        low_seed_bytes_ignored.DEFECT,
        commitment_mismatch.DEFECT,
        stuck_bit_seed.DEFECT,
    )
}
