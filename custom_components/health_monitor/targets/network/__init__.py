"""The network target kind."""
