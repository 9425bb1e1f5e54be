"""Allocation systems the harness certifies. Nothing here imports ``harness``."""
