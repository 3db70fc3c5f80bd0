"""Custom integrations (kept so tests import this package, not the test plugin's)."""
