"""The ha_mqtt target kind."""
