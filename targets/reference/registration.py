"""Registration: eligibility rules and issuing the applicant's id and token.

Decision order (ASTI-1): 404, 422 ``invalid_request``, 422 ``invalid_national_id``, 409
``registration_closed``, 403 ``previous_winner``, 409 ``duplicate_registration``. The unique
constraint on (round, national id) settles races between two registrations of one person.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from targets.reference import schema
from targets.reference.db import utc_now
from targets.reference.errors import bad_request, conflict, forbidden
from targets.reference.national_id import is_valid_national_id
from targets.reference.security import hash_token, new_applicant_id, new_token
from targets.reference.service import Service
from targets.reference.validation import parse_object, require_text

__all__ = ["register"]

_TEN_DIGITS = re.compile(r"[0-9]{10}")


def register(svc: Service, round_id: str, raw: bytes) -> dict[str, str]:
    with svc.db.read() as conn:
        svc.read_round(conn, round_id)  # 404 comes before any judgement of the body
    national_id, name, region = _parse(raw)
    person = svc.hash_national_id(national_id)
    applicant_id, token = new_applicant_id(), new_token()
    try:
        with svc.db.write() as conn:
            # Shared lock: registrations run in parallel but never alongside close.
            row = svc.locked_round(conn, round_id, shared=True)
            if row.state != "registration":
                raise conflict("registration_closed", "registration for this round is closed")
            _check_person(conn, round_id, person)
            conn.execute(
                schema.applicants.insert().values(
                    round_id=round_id,
                    applicant_id=applicant_id,
                    national_key=person,
                    name=name,
                    region=region,
                    token_hash=hash_token(token),
                    registered_at=utc_now(),
                )
            )
    except IntegrityError as exc:  # the same person registering twice at the same moment
        raise _duplicate() from exc
    return {"applicant_id": applicant_id, "token": token}


def _parse(raw: bytes) -> tuple[str, str, str]:
    body: dict[str, Any] = parse_object(raw)
    national_id = body.get("national_id")
    # The shape is part of the body's type (422 invalid_request); only an id of the right shape
    # can fail the check-digit rule (422 invalid_national_id), as the contract document fixes.
    if not isinstance(national_id, str) or _TEN_DIGITS.fullmatch(national_id) is None:
        raise bad_request("national_id must be a string of exactly ten ASCII digits")
    name = require_text(body, "name", 1, 200)
    region = require_text(body, "region", 1, 100)
    if not is_valid_national_id(national_id):
        raise bad_request("national_id is not a valid national id", code="invalid_national_id")
    return national_id, name, region


def _check_person(conn: Any, round_id: str, person: str) -> None:
    """403 for a previous winner (paid a deposit in another round), 409 for a duplicate."""
    paid = schema.deposits
    won_before = conn.execute(
        select(paid.c.deposit_id)
        .where(paid.c.national_key == person, paid.c.round_id != round_id)
        .limit(1)
    ).first()
    if won_before is not None:
        raise forbidden(
            "this national id paid a deposit in an earlier round", code="previous_winner"
        )
    table = schema.applicants
    registered = conn.execute(
        select(table.c.applicant_id).where(
            table.c.round_id == round_id, table.c.national_key == person
        )
    ).first()
    if registered is not None:
        raise _duplicate()


def _duplicate() -> Exception:
    return conflict("duplicate_registration", "this national id is already registered here")
