"""Deliberately defective variants of the reference system, one defect each."""
