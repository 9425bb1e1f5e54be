"""The instance key: kept outside the database, it keys national-id hashes and seals server seeds.

One 32-byte secret per instance. HKDF-SHA256 (RFC 5869) derives two subkeys from it under
distinct labels: one keys the HMAC under which national ids are stored, the other encrypts each
committed server seed with AES-256-GCM (the round id as associated data) until the draw reveals it.
A copy of the database (or of its backups) therefore reveals neither a national id (10^9 of them
could be tried against an unkeyed hash in minutes) nor a committed seed (whose holder, free to
choose the beacon, could grind beacons until a chosen applicant wins).

The database records only a fingerprint of the national-id subkey, an HMAC of a fixed label: a
start with another key is refused, rather than silently failing to recognise previous winners and
to open sealed seeds. A key is generated only for a database that holds no data yet.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from targets.reference import schema
from targets.reference.db import Database

__all__ = [
    "KEY_BYTES",
    "InstanceKeys",
    "KeyBinding",
    "bind_instance_keys",
    "create_key_file",
    "default_key_file",
    "parse_key",
    "read_key_file",
]

KEY_BYTES = 32
_FINGERPRINT = "instance_key_fingerprint"  # the meta row; its value is never the key
_NONCE_BYTES = 12  # AES-GCM's standard nonce; random per seal, one seal per round


def parse_key(text: str, origin: str) -> bytes:
    """Key material as written in a key file or an environment variable: 64 hex digits."""
    value = text.strip()
    try:
        key = bytes.fromhex(value)
    except ValueError:
        key = b""
    if len(key) != KEY_BYTES:
        raise ValueError(f"{origin} must hold the instance key as {2 * KEY_BYTES} hex digits")
    return key


def _derive(master: bytes, label: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label).derive(master)


class InstanceKeys:
    """The subkeys of one instance key, and the operations that need them."""

    def __init__(self, master: bytes) -> None:
        if len(master) != KEY_BYTES:
            raise ValueError(f"the instance key must be {KEY_BYTES} bytes")
        self.national_id = _derive(master, b"asti-reference/national-id-hmac/v1")
        self._seeds = AESGCM(_derive(master, b"asti-reference/server-seed-aead/v1"))
        self.fingerprint = hmac.new(
            self.national_id, b"asti-reference/key-fingerprint/v1", hashlib.sha256
        ).hexdigest()

    def seal_seed(self, round_id: str, seed: bytes) -> str:
        """The stored form of a committed server seed: hex of nonce || ciphertext || tag."""
        nonce = secrets.token_bytes(_NONCE_BYTES)
        return (nonce + self._seeds.encrypt(nonce, seed, _associated(round_id))).hex()

    def open_seed(self, round_id: str, sealed: str) -> bytes:
        """The server seed sealed for this round; a seal of another round or key never opens."""
        raw = bytes.fromhex(sealed)
        nonce, ciphertext = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:]
        try:
            return self._seeds.decrypt(nonce, ciphertext, _associated(round_id))
        except InvalidTag:
            message = f"the sealed server seed of round {round_id!r} does not open"
            raise RuntimeError(message) from None


def _associated(round_id: str) -> bytes:
    return b"asti-reference/server-seed/" + round_id.encode("ascii")


def read_key_file(path: Path) -> bytes:
    try:
        text = path.read_text(encoding="ascii")
    except UnicodeDecodeError:
        text = ""
    return parse_key(text, f"the key file {str(path)!r}")


def create_key_file(path: Path) -> bool:
    """Write a fresh key to ``path`` unless a key is already there; True when this call wrote it.

    The key is written and synced under a temporary name, with mode 0600 from the start, and then
    hard-linked to ``path``; linking never replaces an existing file, so of several processes
    starting at once exactly one key wins and every process reads that same key afterwards.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            os.fchmod(handle.fileno(), 0o600)  # whatever the umask
            handle.write(secrets.token_hex(KEY_BYTES) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            return False
        _sync_directory(path.parent)
        return True
    finally:
        temporary.unlink(missing_ok=True)


def _sync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def default_key_file(database_url: str) -> Path | None:
    """Where a key lives when none is named: beside a SQLite file, else in the user's state
    directory under a name derived from the database URL; None for an in-memory database."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        if database in ("", ":memory:") or url.query.get("mode") == "memory":
            return None
        return Path(database + ".key")
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    name = hashlib.sha256(url.render_as_string(hide_password=True).encode("utf-8")).hexdigest()
    return Path(state) / "asti-reference" / f"{name[:24]}.key"


@dataclass(frozen=True)
class KeyBinding:
    """The keys a service runs with, and where they came from (for the start-up message)."""

    keys: InstanceKeys
    origin: str
    created: bool


def bind_instance_keys(
    db: Database, key: bytes | None, key_file: str | None, database_url: str
) -> KeyBinding:
    """The instance's keys, checked against the fingerprint the database recorded.

    Precedence: key material given directly, else ``key_file``, else the default location. A
    missing file is created only while the database holds no fingerprint and no round.
    """
    recorded, has_rounds = _recorded(db)
    created = False
    if key is not None:
        master, origin = key, "the key given at start-up"
    else:
        path = Path(key_file) if key_file else default_key_file(database_url)
        if path is None:
            master, origin = secrets.token_bytes(KEY_BYTES), "a key held in memory only"
        else:
            origin = f"key file {str(path)!r}"
            master, created = _load_or_create(path, fresh=recorded is None and not has_rounds)
    keys = InstanceKeys(master)
    _check_fingerprint(db, keys.fingerprint, recorded)
    return KeyBinding(keys, origin, created)


def _load_or_create(path: Path, *, fresh: bool) -> tuple[bytes, bool]:
    created = False
    try:
        if not path.exists():
            if not fresh:
                raise ValueError(
                    f"the key file {str(path)!r} is missing, and this database already holds "
                    "data under its key: restore the file or name it with --key-file"
                )
            created = create_key_file(path)
        return read_key_file(path), created
    except OSError as exc:
        raise ValueError(f"cannot use the key file {str(path)!r}: {exc.strerror}") from None


def _recorded(db: Database) -> tuple[str | None, bool]:
    """The recorded fingerprint (None before the first start) and whether any round exists."""
    with db.read() as conn:
        fingerprint = conn.execute(
            select(schema.meta.c.value).where(schema.meta.c.key == _FINGERPRINT)
        ).scalar()
        has_rounds = conn.execute(select(schema.rounds.c.round_id).limit(1)).first() is not None
    return fingerprint, has_rounds


def _check_fingerprint(db: Database, fingerprint: str, recorded: str | None) -> None:
    if recorded is None:
        try:
            with db.write() as conn:
                conn.execute(schema.meta.insert().values(key=_FINGERPRINT, value=fingerprint))
            return
        except IntegrityError:  # another process starting on the same database recorded first
            recorded, _ = _recorded(db)
    if recorded is None or not hmac.compare_digest(recorded, fingerprint):
        raise ValueError(
            f"the instance key (fingerprint {fingerprint[:12]}) is not the key this database "
            f"was created with (fingerprint {str(recorded)[:12]}): start with the original key"
        )
