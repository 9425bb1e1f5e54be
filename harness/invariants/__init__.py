"""Property-based and stateful tests of the primary/reserve/deposit invariants (I-01..I-06)."""
