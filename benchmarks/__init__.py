"""Benchmarks at city and province scale: a COPY loader (`load`) and an HTTP runner (`run`).

See docs/benchmarks.md for how to run them and the measured results.
"""
