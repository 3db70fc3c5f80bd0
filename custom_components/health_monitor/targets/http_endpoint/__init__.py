"""The http_endpoint target kind."""
