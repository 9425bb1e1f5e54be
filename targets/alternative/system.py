"""The running system's shared state: storage, keys, who is calling, and the frozen-list cache."""

from __future__ import annotations

import hmac
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from targets.alternative.acsdraw import FrozenList
from targets.alternative.credentials import token_digest
from targets.alternative.inputs import round_id_or_none
from targets.alternative.keyring import Keyring
from targets.alternative.refusal import Refusal
from targets.alternative.storage import Store, Tx

__all__ = ["OPERATOR", "Caller", "RoundRow", "System"]

_SELECT_ROUND = """
    SELECT round_id, state, primary_slots, reserve_slots, deposit_amount, registered, created_at,
           eligible, applicants_digest, sealed_seed, seed_commitment, beacon_source
    FROM round WHERE round_id = ?
"""
_CACHED_LISTS = 16


@dataclass(frozen=True)
class RoundRow:
    round_id: str
    state: str
    primary_slots: int
    reserve_slots: int
    deposit_amount: int
    registered: int
    created_at: str
    eligible: int | None
    applicants_digest: str | None
    sealed_seed: bytes | None
    seed_commitment: str | None
    beacon_source: str | None

    def public(self) -> dict[str, Any]:
        """The contract's round object, with this system's extras."""
        return {
            "state": self.state,
            "round_id": self.round_id,
            "applicants": self.registered,
            "deposit_amount": self.deposit_amount,
            "primary_slots": self.primary_slots,
            "reserve_slots": self.reserve_slots,
            "created_at": self.created_at,
            "links": {"self": f"/v1/rounds/{self.round_id}"},
        }


@dataclass(frozen=True)
class Caller:
    """An applicant behind a token: their id, their round, and their person pseudonym."""

    applicant_id: str
    round_id: str
    person: bytes


class _Operator:
    """The operator's token was presented."""


OPERATOR = _Operator()


class System:
    """One instance per process, shared by every request thread."""

    def __init__(self, store: Store, keyring: Keyring, admin_token: str, lab: bool) -> None:
        self.store = store
        self.keyring = keyring
        self.lab = lab
        self._admin = token_digest(admin_token)
        self._lists: OrderedDict[str, FrozenList] = OrderedDict()
        self._lists_lock = threading.Lock()
        self._in_flight: dict[tuple[str, str, str], int] = {}
        self._in_flight_lock = threading.Lock()

    # callers ----------------------------------------------------------------------------------

    def identify(self, token: str | None) -> Caller | _Operator | None:
        """Who holds a bearer token; None for no token or one nobody issued."""
        if token is None:
            return None
        digest = token_digest(token)
        if hmac.compare_digest(digest, self._admin):
            return OPERATOR
        with self.store.read() as tx:
            row = tx.one(
                "SELECT applicant_id, round_id, person FROM applicant WHERE token_digest = ?",
                (digest,),
            )
        if row is None:
            return None
        return Caller(applicant_id=row[0], round_id=row[1], person=row[2])

    def require_operator(self, token: str | None) -> None:
        caller = self.identify(token)
        if caller is None:
            raise Refusal(401, "unauthorized", "This needs the operator's token.")
        if caller is not OPERATOR:
            raise Refusal(403, "forbidden", "Only the operator may do this.")

    def require_applicant(self, token: str | None, round_id: str) -> Caller:
        caller = self.identify(token)
        if caller is None:
            raise Refusal(401, "unauthorized", "Sign in with the token you got at registration.")
        if not isinstance(caller, Caller) or caller.round_id != round_id:
            raise Refusal(403, "forbidden", "This token is not an applicant token of this round.")
        return caller

    # rounds -----------------------------------------------------------------------------------

    @staticmethod
    def find_round(tx: Tx, round_id: str) -> RoundRow | None:
        if round_id_or_none(round_id) is None:
            return None
        row = tx.one(_SELECT_ROUND, (round_id,))
        return None if row is None else RoundRow(*row)

    def round_or_404(self, tx: Tx, round_id: str) -> RoundRow:
        found = self.find_round(tx, round_id)
        if found is None:
            raise Refusal(404, "not_found", f"There is no round called {round_id!r}.")
        return found

    def frozen_list(self, tx: Tx, row: RoundRow) -> FrozenList:
        """The eligible list frozen at close; built once per process and then cached."""
        with self._lists_lock:
            cached = self._lists.get(row.round_id)
            if cached is not None:
                self._lists.move_to_end(row.round_id)
                return cached
        ids = [r[0] for r in tx.all("SELECT applicant_id FROM applicant WHERE round_id = ?",
                                    (row.round_id,))]
        frozen = FrozenList(ids)
        if frozen.digest.hex() != row.applicants_digest:
            raise RuntimeError(f"round {row.round_id}: stored list does not match its digest")
        with self._lists_lock:
            self._lists[row.round_id] = frozen
            while len(self._lists) > _CACHED_LISTS:
                self._lists.popitem(last=False)
        return frozen

    # deposits in flight -----------------------------------------------------------------------

    def start_payment(self, key: tuple[str, str, str], amount: int) -> None:
        """Mark a deposit request as running; a twin of a running one is refused."""
        with self._in_flight_lock:
            running = self._in_flight.get(key)
            if running is None:
                self._in_flight[key] = amount
                return
        if running != amount:
            raise Refusal(422, "idempotency_mismatch",
                          "This idempotency key is already in use for a different amount.")
        raise Refusal(409, "request_in_progress",
                      "A deposit with this idempotency key is still being processed.")

    def end_payment(self, key: tuple[str, str, str]) -> None:
        with self._in_flight_lock:
            self._in_flight.pop(key, None)
