"""The reference allocation system: ASTI-1 over FastAPI, persisted with SQLAlchemy.

It is the system the harness certifies first and the base its faulty variants modify. Nothing in
``targets`` imports ``harness``: the reference is reached only over HTTP, like any vendor system.
Start it with ``python -m targets.reference`` or ``harness serve --target reference``.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
