"""Laboratory harness that certifies allocation systems against ACP-1 (see docs/)."""

__version__ = "0.1.0"

__all__ = ["__version__"]
