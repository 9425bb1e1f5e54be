"""Fairness statistics: draw replay (F-06), uniformity tests, the SP 800-22 battery (F-07)."""
