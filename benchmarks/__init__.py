"""Benchmarks of the performance budget in DESIGN.md (not part of the test run)."""
