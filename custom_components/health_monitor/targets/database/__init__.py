"""The database target kind."""
