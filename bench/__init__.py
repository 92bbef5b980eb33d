"""Benchmarks of xinju: each figure measured in its own process and printed beside its budget.

`make bench` runs them all (see README.md); `bench/run.py --only NAME` runs one.
"""
