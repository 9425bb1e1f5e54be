"""The security checks, one module per concern; importing this package registers them all."""

from harness.security.probes import (  # noqa: F401 - imported to register
    authentication,
    disclosure,
    fuzzing,
    injection,
    isolation,
    replay,
    seeds,
    static_analysis,
    tokens,
)

__all__: list[str] = []
