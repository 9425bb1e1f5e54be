"""``harness certify``: every suite against one system, the certification verdict and report."""

from __future__ import annotations

import argparse
import os
from typing import Any

from harness.catalogue import SUITES
from harness.cli.target_options import add_target_options, run_options
from harness.events import make_sink
from harness.report.i18n import LANGUAGES
from harness.run import run_suites

__all__ = ["LANGUAGES", "register"]

VALIDATION_ENV = "HARNESS_VALIDATION"


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "certify", help="run all four suites and write the certification report",
        description="Run the fairness, invariant, load and security suites one after another and"
                    " write evidence.json, report.json, report.html, junit.xml, results.sarif,"
                    " summary.md and manifest.json to --out. Exit 0 CERTIFIED, 1 NOT_CERTIFIED,"
                    " 2 usage error, 3 INCONCLUSIVE.",
    )
    add_target_options(parser)
    group = parser.add_argument_group("report options")
    group.add_argument("--lang", default="en", choices=LANGUAGES,
                       help="language of report.html and summary.md: en (English) or fa"
                            " (Persian, right to left, Solar Hijri dates); the JSON, JUnit and"
                            " SARIF files are the same in both (default: en)")
    group.add_argument("--lab-name", metavar="NAME", help="the testing laboratory's name")
    group.add_argument("--authorised-by", metavar="NAME",
                       help="the person who authorises the report")
    group.add_argument("--sign-key", metavar="FILE",
                       help="Ed25519 private key (harness keygen) to sign manifest.json with")
    group.add_argument("--validation", metavar="FILE|DIR",
                       help="validation.json whose record the report carries (default:"
                            f" ${VALIDATION_ENV}, else reports/validation/)")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    options = run_options(args)
    options = type(options)(**{**options.__dict__, "lab_name": args.lab_name,
                               "authorised_by": args.authorised_by,
                               "sign_key": args.sign_key, "lang": args.lang,
                               "validation": args.validation
                               or os.environ.get(VALIDATION_ENV) or None})
    return run_suites("certification", list(SUITES), options, make_sink()).exit_code
