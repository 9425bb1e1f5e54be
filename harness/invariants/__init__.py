"""Property-based and stateful tests of the primary/reserve/deposit invariants (I-01..I-06).

``suite.run_invariants`` is the registered suite; ``pytest_plugin`` brings it into a vendor's
pytest. The rest, by concept: ``model`` (the contract), ``people`` and ``strategies`` (what
examples are made of), ``wire`` (recorded exchanges), ``ops``/``ops_money``/``published``/
``audit_chain``/``shapes`` (judging answers), ``example``, ``lifecycle``, ``machine`` and
``engine`` (running examples under hypothesis), ``outcome`` and ``curl`` (verdicts and evidence).
This package imports nothing at import time, so the pytest plugin stays cheap where it is inert.
"""

__all__: list[str] = []
