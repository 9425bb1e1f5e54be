"""Run every benchmark, or those named: ``python -m benchmarks [draw] [sp800_22] [deposit] ...``.

Options after a single benchmark's name go to that benchmark, e.g.
``python -m benchmarks scale --sizes 1000000,4200000``.
"""

from __future__ import annotations

import importlib
import inspect
import itertools
import pkgutil
import sys

import benchmarks


def main(argv: list[str]) -> int:
    available = sorted(
        m.name.removeprefix("bench_")
        for m in pkgutil.iter_modules(benchmarks.__path__)
        if m.name.startswith("bench_")
    )
    named = list(itertools.takewhile(lambda arg: not arg.startswith("-"), argv))
    options = argv[len(named) :]
    chosen = named or available
    unknown = [name for name in chosen if name not in available]
    if unknown:
        print(
            f"unknown benchmark {unknown[0]!r}; choose from {', '.join(available)}", file=sys.stderr
        )
        return 2
    modules = [importlib.import_module(f"benchmarks.bench_{name}") for name in chosen]
    if options:
        if len(modules) != 1 or not inspect.signature(modules[0].main).parameters:
            print("options go to one benchmark that takes them: name it first, e.g."
                  " 'scale --sizes 1000000'", file=sys.stderr)
            return 2
        modules[0].main(options)
        return 0
    for module in modules:
        module.main()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
