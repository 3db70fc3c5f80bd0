"""The mqtt_broker target kind."""
