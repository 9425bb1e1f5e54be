"""Benchmarks: every figure is a ratio of timings measured side by side in the same run."""
