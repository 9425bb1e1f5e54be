"""Deposit-rush load scenarios and ledger reconciliation (L-01..L-04)."""
