"""Benchmarks: synthetic registers and scripts that print ratios against budgets."""
