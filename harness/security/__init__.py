"""Static scan, dynamic probes and API fuzzing (S-01..S-09)."""
