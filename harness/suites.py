"""The suite registry: each suite registers its name, requirement ids, profile section and callable.

A suite is one callable ``(target, profile, run_seed, events) -> SuiteResult`` (DESIGN.md
section 7). It lives in ``harness/<name>/suite.py`` and registers itself with ``@register_suite``
when that module is imported; ``get_suite`` and ``available_suites`` import the modules on
demand, so a suite not built yet is simply absent. ``harness <suite>`` and ``harness certify``
both go through ``harness.runner.run_suite``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.catalogue import SUITES, requirements_of
from harness.errors import UsageError

if TYPE_CHECKING:
    from harness.events import EventSink
    from harness.profiles import Profile
    from harness.results import SuiteResult
    from harness.seeds import RunSeed

__all__ = ["Suite", "SuiteTarget", "available_suites", "get_suite", "register_suite"]


@dataclass(frozen=True)
class SuiteTarget:
    """What a suite is given of the system under test.

    ``launched`` is the built-in target's handle (``harness.launcher.LaunchedTarget``, with
    ``restart()``), None for a URL; ``restart_cmd`` is the user's ``--restart-cmd``; a suite
    that needs either and has neither says NOT_APPLICABLE.
    """

    name: str
    base_url: str
    admin_token: str
    source_dir: Path | None = None
    launched: Any = None
    restart_cmd: str | None = None


SuiteCallable = Callable[[SuiteTarget, "Profile", "RunSeed", "EventSink"], "SuiteResult"]


@dataclass(frozen=True)
class Suite:
    """A registered suite: ``settings`` is the dataclass of its profile section."""

    name: str
    requirement_ids: tuple[str, ...]
    settings: type
    run: SuiteCallable


_REGISTRY: dict[str, Suite] = {}


def register_suite(
    name: str, requirement_ids: tuple[str, ...], settings: type
) -> Callable[[SuiteCallable], SuiteCallable]:
    """Decorator: register the decorated callable as suite ``name``.

    The ids must be exactly the catalogue's ids for that suite, so a suite cannot silently skip
    a requirement or claim another suite's.
    """
    if name not in SUITES:
        raise ValueError(f"unknown suite {name!r}; the catalogue knows {', '.join(SUITES)}")
    if tuple(requirement_ids) != requirements_of(name):
        raise ValueError(f"suite {name!r} must assess {requirements_of(name)}")

    def decorate(function: SuiteCallable) -> SuiteCallable:
        _REGISTRY[name] = Suite(name, tuple(requirement_ids), settings, function)
        return function

    return decorate


def _load(name: str) -> Suite | None:
    if name not in _REGISTRY:
        module = f"harness.{name}.suite"
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            return None
    return _REGISTRY.get(name)


def get_suite(name: str) -> Suite:
    """The registered suite ``name``; a UsageError when it is unknown or not built yet."""
    if name not in SUITES:
        raise UsageError(f"unknown suite {name!r}; choose from {', '.join(SUITES)}")
    found = _load(name)
    if found is None:
        raise UsageError(f"the {name} suite is not built in this version")
    return found


def available_suites() -> dict[str, Suite]:
    """Every suite built in this version, in catalogue order."""
    found = {name: _load(name) for name in SUITES}
    return {name: suite for name, suite in found.items() if suite is not None}
