"""``harness keygen``, ``harness verify-report`` and ``harness report``: integrity and re-rendering
of an output folder (DESIGN.md sections 6 and 8)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from harness.cli.certify import LANGUAGES
from harness.integrity import generate_keypair, load_public_key, verify_folder
from harness.rerender import rerender
from harness.verdict import ExitCode, exit_code

__all__ = ["register"]


def register(commands: Any) -> None:
    keygen = commands.add_parser("keygen", help="make an Ed25519 key pair for signing reports")
    keygen.add_argument("--out", required=True, metavar="FILE",
                        help="private key file (PEM PKCS#8, mode 0600); the public key goes to"
                             " FILE.pub")
    keygen.set_defaults(func=_keygen)
    verify = commands.add_parser(
        "verify-report", help="check an output folder against its manifest and signature",
        description="Exit 0 intact, 1 on an altered, missing or extra file or a bad signature,"
                    " 2 on a usage error.")
    verify.add_argument("folder", metavar="DIR")
    verify.add_argument("--public-key", metavar="FILE", help="the signer's public key (FILE.pub)")
    verify.set_defaults(func=_verify)
    report = commands.add_parser(
        "report", help="re-render every report of a run from its evidence.json alone",
        description="Exit codes follow the evidence's verdict: 0 pass, 1 fail, 3 inconclusive.")
    report.add_argument("evidence", metavar="EVIDENCE.json")
    report.add_argument("--out", metavar="DIR", help="output folder (default: the evidence's)")
    report.add_argument("--lang", default="en", choices=LANGUAGES,
                        help="language of report.html and summary.md (default: en)")
    report.add_argument("--sign-key", metavar="FILE", help="Ed25519 private key to sign with")
    report.add_argument("--pdf", action="store_true",
                        help="also write report.pdf (needs the optional 'pdf' extra)")
    report.set_defaults(func=_report)


def _keygen(args: argparse.Namespace) -> int:
    private, public = generate_keypair(Path(args.out))
    print(f"private key: {private} (keep it secret)\npublic key: {public}")
    return ExitCode.OK


def _verify(args: argparse.Namespace) -> int:
    key = load_public_key(Path(args.public_key)) if args.public_key else None
    result = verify_folder(Path(args.folder), key)
    for problem in result.problems:
        print(problem)
    if result.intact:
        print(f"{args.folder}: intact" + ("" if result.signature_checked else
                                         " (signature not checked: no --public-key)"))
        return ExitCode.OK
    if not result.signature_checked:
        print("signature not checked: no --public-key")
    return ExitCode.FAILED


def _report(args: argparse.Namespace) -> int:
    verdict, out_dir = rerender(Path(args.evidence), Path(args.out) if args.out else None,
                                Path(args.sign_key) if args.sign_key else None, pdf=args.pdf,
                                lang=args.lang)
    print(f"reports written to {out_dir}")
    return exit_code(verdict)
