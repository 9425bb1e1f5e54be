"""The instance's secret key, kept outside the database, and what is derived from it.

One 32-byte master key lives in a key file (created on first start, mode 0600, atomically) or in
the environment. From it come: the HMAC key that turns national ids into pseudonyms, the AEAD key
that seals server seeds and applicant profiles, and a check value stored in the database so that
starting with the wrong key is refused instead of silently failing to recognise anyone.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

__all__ = ["KEY_ENV", "KeyProblem", "Keyring", "load_master_key"]

KEY_ENV = "ALTERNATIVE_MASTER_KEY"
_NONCE = 12


class KeyProblem(Exception):
    """The key cannot be read or created; the message says why in one line."""


class Keyring:
    """Keys derived from the master key; nothing here is ever written to the database."""

    def __init__(self, master: bytes) -> None:
        if len(master) != 32:
            raise KeyProblem("the master key must be 32 bytes")
        self._pseudonym_key = _derive(master, b"national-id pseudonym")
        self._box = AESGCM(_derive(master, b"sealing"))
        self.check_value = _derive(master, b"key check").hex()

    def pseudonym(self, national_id: str) -> bytes:
        """HMAC-SHA256 of the national id: equal ids match, the id itself is not stored."""
        return hmac.new(self._pseudonym_key, national_id.encode("ascii"), hashlib.sha256).digest()

    def seal(self, plaintext: bytes, context: bytes) -> bytes:
        """AES-256-GCM with a fresh nonce; ``context`` binds the box to its row."""
        nonce = secrets.token_bytes(_NONCE)
        return nonce + self._box.encrypt(nonce, plaintext, context)

    def open(self, sealed: bytes, context: bytes) -> bytes:
        try:
            return self._box.decrypt(sealed[:_NONCE], sealed[_NONCE:], context)
        except InvalidTag:
            raise KeyProblem("a sealed value does not open with this key") from None


def _derive(master: bytes, label: bytes) -> bytes:
    return hmac.new(master, b"asti-alternative/v1/" + label, hashlib.sha256).digest()


def load_master_key(key_file: Path, environ: dict[str, str]) -> bytes:
    """The key from ``$ALTERNATIVE_MASTER_KEY`` (64 hex digits), else from ``key_file``.

    A missing key file is created with a fresh random key; an existing one must be readable by
    its owner only.
    """
    text = environ.get(KEY_ENV)
    if text is not None:
        return _parse(text, f"${KEY_ENV}")
    if not key_file.exists():
        _create(key_file)
    mode = key_file.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyProblem(
            f"key file {key_file} can be read by other users (mode {stat.S_IMODE(mode):04o});"
            " run chmod 600 on it"
        )
    try:
        return _parse(key_file.read_text(encoding="ascii"), f"key file {key_file}")
    except (OSError, UnicodeDecodeError) as exc:
        raise KeyProblem(f"cannot read key file {key_file}: {exc}") from None


def _parse(text: str, origin: str) -> bytes:
    value = text.strip()
    if len(value) != 64:
        raise KeyProblem(f"{origin} must hold 64 hex digits")
    try:
        return bytes.fromhex(value)
    except ValueError:
        raise KeyProblem(f"{origin} must hold 64 hex digits") from None


def _create(key_file: Path) -> None:
    """Write a new key under a temporary name, then link it into place.

    The file never exists with looser permissions or partial content, and a concurrent start
    that created the file first wins (``link`` refuses to replace it).
    """
    directory = key_file.parent
    if not directory.is_dir():
        raise KeyProblem(f"the directory of the key file {key_file} does not exist")
    temporary = directory / f".{key_file.name}.{secrets.token_hex(8)}.tmp"
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, (secrets.token_hex(32) + "\n").encode("ascii"))
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(temporary, key_file)
        except FileExistsError:
            pass  # another process created it first; its key is the one to use
        _sync_directory(directory)
    except OSError as exc:
        raise KeyProblem(f"cannot create key file {key_file}: {exc.strerror}") from None
    finally:
        temporary.unlink(missing_ok=True)


def _sync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
