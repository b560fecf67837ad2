"""Benchmarks, run from the repository root: `python bench/NAME.py` or `python -m bench.NAME`."""
