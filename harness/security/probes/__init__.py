"""The security checks, one module per concern; importing this package registers them all."""

from harness.security.probes import (  # noqa: F401 - imported to register
    authentication,
    injection,
    isolation,
)

__all__: list[str] = []
