"""The statistics behind requirements F-01..F-05: counting, tests, power, plot data.

The public entry points live one level up (``harness.fairness.analysis``,
``harness.fairness.battery_verdict``); these modules are their building blocks.
"""
