"""Integrity of an output folder (DESIGN.md section 8): manifest.json, Ed25519 keys, manifest.sig.

manifest.json is ``{"algorithm": "sha256", "files": {path: hex}}`` with sorted keys, listing every
other file of the folder by its path relative to it (``/`` separated). manifest.sig is the base64
Ed25519 signature of manifest.json's exact bytes. ``verify_folder`` names every altered, missing or
extra file and checks the signature when given a public key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from harness.errors import UsageError

__all__ = ["MANIFEST_FILE", "SIGNATURE_FILE", "Verification", "generate_keypair",
           "load_private_key", "load_public_key", "tree_digest", "verify_folder",
           "write_manifest"]

MANIFEST_FILE = "manifest.json"
SIGNATURE_FILE = "manifest.sig"
_OWN = {MANIFEST_FILE, SIGNATURE_FILE}


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            sha.update(block)
    return sha.hexdigest()


def _artifacts(folder: Path) -> dict[str, Path]:
    found = {p.relative_to(folder).as_posix(): p for p in folder.rglob("*") if p.is_file()}
    return {name: path for name, path in found.items() if name not in _OWN}


def tree_digest(root: Path) -> str:
    """SHA-256 over a source tree: every file's relative path and digest, in path order
    (byte-code caches left out), so the same tree always gives the same digest."""
    sha = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        relative = path.relative_to(root).as_posix()
        if "__pycache__" in relative.split("/") or relative.endswith(".pyc"):
            continue
        sha.update(f"{relative}\0{_digest(path)}\n".encode())
    return sha.hexdigest()


def manifest_bytes(folder: Path) -> bytes:
    """The manifest of ``folder``'s files as the exact bytes written to manifest.json."""
    files = {name: _digest(path) for name, path in sorted(_artifacts(folder).items())}
    text = json.dumps({"algorithm": "sha256", "files": files}, indent=2, sort_keys=True)
    return (text + "\n").encode("utf-8")


def write_manifest(folder: Path, key: Ed25519PrivateKey | None = None) -> list[Path]:
    """Write manifest.json (and manifest.sig when a key is given); a stale signature goes."""
    data = manifest_bytes(folder)
    manifest = folder / MANIFEST_FILE
    signature = folder / SIGNATURE_FILE
    try:
        manifest.write_bytes(data)
        if key is None:
            signature.unlink(missing_ok=True)
            return [manifest]
        signature.write_text(base64.b64encode(key.sign(data)).decode("ascii") + "\n", "ascii")
    except OSError as exc:
        raise UsageError(f"cannot write the manifest in {folder}: {exc.strerror or exc}") from None
    return [manifest, signature]


def generate_keypair(out: Path) -> tuple[Path, Path]:
    """A new Ed25519 key: ``out`` (PEM PKCS#8, mode 0600) and ``out.pub`` (PEM SubjectPublicKey)."""
    public = out.with_name(out.name + ".pub")
    for path in (out, public):
        if path.exists():
            raise UsageError(f"{path} already exists; refusing to overwrite a key")
    key = Ed25519PrivateKey.generate()
    private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
    public_pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo)
    try:
        descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(private_pem)
        os.chmod(out, 0o600)
        public.write_bytes(public_pem)
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror or exc}") from None
    return out, public


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read the {what} {path}: {exc.strerror or exc}") from None


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """The Ed25519 private key in PEM file ``path``; a usage error for anything else."""
    try:
        key = serialization.load_pem_private_key(_read(path, "signing key"), password=None)
    except (ValueError, TypeError) as exc:
        raise UsageError(f"{path} is not an unencrypted PEM private key ({exc})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise UsageError(f"{path} is not an Ed25519 key")
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    """The Ed25519 public key in PEM file ``path``; a usage error for anything else."""
    try:
        key = serialization.load_pem_public_key(_read(path, "public key"))
    except (ValueError, TypeError) as exc:
        raise UsageError(f"{path} is not a PEM public key ({exc})") from None
    if not isinstance(key, Ed25519PublicKey):
        raise UsageError(f"{path} is not an Ed25519 public key")
    return key


@dataclass(frozen=True)
class Verification:
    """What verify-report found: problems (empty when intact); was a signature checked."""

    problems: tuple[str, ...]
    signature_checked: bool

    @property
    def intact(self) -> bool:
        return not self.problems


def _listed(folder: Path) -> tuple[bytes, dict[str, str]]:
    manifest = folder / MANIFEST_FILE
    if not manifest.is_file():
        raise UsageError(f"{folder} holds no {MANIFEST_FILE}")
    data = manifest.read_bytes()
    try:
        document = json.loads(data)
        files = document["files"]
        if document["algorithm"] != "sha256" or not isinstance(files, dict):
            raise ValueError("not a sha256 manifest")
    except (ValueError, KeyError, TypeError) as exc:
        return data, {"": f"{MANIFEST_FILE} is malformed ({exc})"}
    return data, {str(name): str(digest) for name, digest in files.items()}


def _file_problems(folder: Path, listed: dict[str, str]) -> list[str]:
    if "" in listed:
        return [listed[""]]
    present = _artifacts(folder)
    problems = []
    for name, digest in sorted(listed.items()):
        if name in _OWN or name not in present:
            problems.append(f"missing: {name}")
        elif _digest(present[name]) != digest:
            problems.append(f"altered: {name}")
    problems += [f"extra: {name}" for name in sorted(set(present) - set(listed))]
    return problems


def verify_folder(folder: Path, public_key: Ed25519PublicKey | None = None) -> Verification:
    """Check every file of ``folder`` against its manifest, and the signature given a key."""
    if not folder.is_dir():
        raise UsageError(f"{folder} is not a folder")
    data, listed = _listed(folder)
    problems = _file_problems(folder, listed)
    if public_key is not None:
        problems += _signature_problems(folder, data, public_key)
    return Verification(tuple(problems), public_key is not None)


def _signature_problems(folder: Path, data: bytes, public_key: Ed25519PublicKey) -> list[str]:
    signature = folder / SIGNATURE_FILE
    if not signature.is_file():
        return [f"missing: {SIGNATURE_FILE} (the folder is not signed)"]
    try:
        public_key.verify(base64.b64decode(signature.read_bytes().strip(), validate=True), data)
    except (InvalidSignature, binascii.Error, ValueError):
        return [f"bad signature: {SIGNATURE_FILE} does not match {MANIFEST_FILE} under this key"]
    return []
