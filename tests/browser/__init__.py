"""Browser tests of the dashboard card (lane 1 only)."""
