"""Fairness statistics: draw replay (F-06), draw-uniformity tests and the SP 800-22 battery (F-07)."""
