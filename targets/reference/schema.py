"""Tables, constraints and triggers: the invariants the database itself enforces.

Python checks give the contract's error codes; these constraints make the invariants hold even if
two requests race past those checks: one registration per person per round, one deposit per
applicant per round and one per person across rounds, idempotency keys unique per applicant,
and an append-only record (results, promotions, deposits and the audit chain reject UPDATE and
DELETE on SQLite and PostgreSQL alike).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

__all__ = [
    "APPEND_ONLY",
    "applicants",
    "audit",
    "audit_heads",
    "deposits",
    "meta",
    "metadata",
    "promotions",
    "results",
    "rounds",
    "trigger_ddl",
]

metadata = MetaData()

_ID = String(64)
# Applicant ids compare as bytes on PostgreSQL too (SQLite's default collation already does), so
# the primary key's index hands out a round's ids in canonical order: close reads them sorted.
_CANONICAL_ID = String(64).with_variant(String(64, collation="C"), "postgresql")
_HEX = String(64)
_TIME = String(40)

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

rounds = Table(
    "rounds",
    metadata,
    Column("round_id", _ID, primary_key=True),
    Column("state", String(16), nullable=False),
    Column("primary_slots", Integer, nullable=False),
    Column("reserve_slots", Integer, nullable=False),
    Column("deposit_amount", BigInteger, nullable=False),
    Column("created_at", _TIME, nullable=False),
    Column("eligible", Integer),
    Column("applicants_digest", _HEX),
    # The committed server seed, sealed under the instance key (keys.py) until the draw.
    Column("sealed_seed", Text),
    Column("seed_commitment", _HEX),
    Column("beacon_source", Text),
)

applicants = Table(
    "applicants",
    metadata,
    Column("round_id", _ID, ForeignKey("rounds.round_id"), nullable=False),
    Column("applicant_id", _CANONICAL_ID, nullable=False),
    Column("national_key", _HEX, nullable=False),
    Column("name", Text, nullable=False),
    Column("region", Text, nullable=False),
    Column("token_hash", _HEX, nullable=False, unique=True),
    Column("registered_at", _TIME, nullable=False),
    # Who was drawn, and at which rank, is read from the results record (selection.py).
    PrimaryKeyConstraint("round_id", "applicant_id"),
    UniqueConstraint("round_id", "national_key", name="uq_one_registration_per_person"),
    Index("ix_applicants_national_key", "national_key"),
)

results = Table(
    "results",
    metadata,
    Column("round_id", _ID, ForeignKey("rounds.round_id"), primary_key=True),
    Column("body", Text, nullable=False),
    Column("published_at", _TIME, nullable=False),
)

promotions = Table(
    "promotions",
    metadata,
    Column("round_id", _ID, nullable=False),
    Column("applicant_id", _ID, nullable=False),
    Column("reserve_rank", Integer, nullable=False),
    Column("promoted_at", _TIME, nullable=False),
    PrimaryKeyConstraint("round_id", "applicant_id"),
    ForeignKeyConstraint(
        ["round_id", "applicant_id"], ["applicants.round_id", "applicants.applicant_id"]
    ),
)

deposits = Table(
    "deposits",
    metadata,
    Column("deposit_id", String(80), primary_key=True),
    Column("round_id", _ID, nullable=False),
    Column("applicant_id", _ID, nullable=False),
    Column("national_key", _HEX, nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("idempotency_key", String(200), nullable=False),
    Column("created_at", _TIME, nullable=False),
    UniqueConstraint("round_id", "applicant_id", name="uq_one_deposit_per_applicant"),
    UniqueConstraint(
        "round_id", "applicant_id", "idempotency_key", name="uq_idempotency_key"
    ),
    ForeignKeyConstraint(
        ["round_id", "applicant_id"], ["applicants.round_id", "applicants.applicant_id"]
    ),
    # Never two deposits for one person, whatever the round: two rounds may be open at once.
    # Its index also serves the previous-winner lookups across rounds.
    UniqueConstraint("national_key", name="uq_one_deposit_per_person"),
)

audit = Table(
    "audit",
    metadata,
    Column("round_id", _ID, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("at", _TIME, nullable=False),
    Column("event", String(32), nullable=False),
    Column("data", Text, nullable=False),
    Column("prev_hash", _HEX, nullable=False),
    Column("hash", _HEX, nullable=False),
    PrimaryKeyConstraint("round_id", "seq"),
)

# The head of each round's chain (PostgreSQL only; SQLite reads the chain's last row, its writers
# being serialised anyway): the chain trigger locks this row to link the next entry, so appends of
# one round queue on it. The chain itself is ``audit``, append-only; a head that disagreed with it
# would break the next link, visibly.
audit_heads = Table(
    "audit_heads",
    metadata,
    Column("round_id", _ID, primary_key=True),
    Column("seq", Integer, nullable=False),
    Column("hash", _HEX, nullable=False),
)

APPEND_ONLY = ("results", "promotions", "deposits", "audit")

# Percent signs are doubled: the driver reads single ones as parameter placeholders.
_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION asti_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'table %% is append-only: %% rejected', TG_TABLE_NAME, TG_OP;
END
$$
"""
# Audit entries queued by a transaction (``audit.append``), linked into their round's chain by a
# deferred trigger as the transaction commits: the head's row lock is then held for the link and
# the commit alone. Unlogged: a queued entry lives only inside its own transaction.
_PG_QUEUE_TABLE = """
CREATE UNLOGGED TABLE IF NOT EXISTS audit_pending (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    round_id text NOT NULL,
    event text NOT NULL,
    data text NOT NULL
)
"""
# ``audit.entry_hash`` in SQL: canonical JSON of {seq, at, event, data} has its keys in the order
# at, data, event, seq; ``data`` arrives as canonical JSON already. ``at`` is utc_now()'s format.
_PG_CHAIN_FUNCTION = """
CREATE OR REPLACE FUNCTION asti_audit_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    head record;
    stamp text;
    linked text;
BEGIN
    SELECT seq, hash INTO head FROM audit_heads WHERE round_id = NEW.round_id FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO audit_heads (round_id, seq, hash) VALUES (NEW.round_id, 0, repeat('0', 64))
        ON CONFLICT (round_id) DO NOTHING;
        SELECT seq, hash INTO head FROM audit_heads WHERE round_id = NEW.round_id FOR UPDATE;
    END IF;
    stamp := to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');
    linked := encode(sha256(convert_to(head.hash || '{"at":' || to_json(stamp)::text
        || ',"data":' || NEW.data || ',"event":' || to_json(NEW.event)::text
        || ',"seq":' || (head.seq + 1)::text || '}', 'UTF8')), 'hex');
    INSERT INTO audit (round_id, seq, at, event, data, prev_hash, hash)
    VALUES (NEW.round_id, head.seq + 1, stamp, NEW.event, NEW.data, head.hash, linked);
    UPDATE audit_heads SET seq = head.seq + 1, hash = linked WHERE round_id = NEW.round_id;
    DELETE FROM audit_pending WHERE id = NEW.id;
    RETURN NULL;
END
$$
"""
_PG_CHAIN_TRIGGER = """
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'audit_pending_chain'
                   AND tgrelid = 'audit_pending'::regclass) THEN
        CREATE CONSTRAINT TRIGGER audit_pending_chain AFTER INSERT ON audit_pending
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION asti_audit_chain();
    END IF;
END
$$
"""


def trigger_ddl(dialect: str) -> list[str]:
    """Statements (idempotent) that make the ``APPEND_ONLY`` tables reject UPDATE and DELETE and,
    on PostgreSQL, link queued audit entries into their chain at commit (``audit.append``)."""
    if dialect == "sqlite":
        return [
            f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {op} rejected'); END"
            for table in APPEND_ONLY
            for op in ("UPDATE", "DELETE")
        ]
    if dialect == "postgresql":
        statements = [_PG_FUNCTION, _PG_QUEUE_TABLE, _PG_CHAIN_FUNCTION, _PG_CHAIN_TRIGGER]
        for table in APPEND_ONLY:
            statements.append(
                f"CREATE OR REPLACE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE "
                f"ON {table} FOR EACH ROW EXECUTE FUNCTION asti_append_only()"
            )
            statements.append(
                f"CREATE OR REPLACE TRIGGER {table}_no_truncate BEFORE TRUNCATE "
                f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION asti_append_only()"
            )
        return statements
    raise ValueError(f"unsupported database {dialect!r}: use SQLite or PostgreSQL")
