"""Constants of the Health Monitor integration."""

from __future__ import annotations

from datetime import timedelta
from typing import Final

from .engine.history import DEFAULT_HISTORY_SIZE as ENGINE_HISTORY_SIZE
from .engine.incidents import IncidentSettings
from .engine.models import ComponentType

DOMAIN: Final = "health_monitor"

CONF_UPDATE_INTERVAL: Final = "update_interval"
CONF_CHECK_TIMEOUT: Final = "check_timeout"
CONF_HISTORY_SIZE: Final = "history_size"
CONF_CHECKS: Final = "checks"
CONF_DISK_PATHS: Final = "disk_paths"
CONF_CPU_WARNING: Final = "cpu_warning"
CONF_CPU_CRITICAL: Final = "cpu_critical"
CONF_MEMORY_WARNING: Final = "memory_warning"
CONF_MEMORY_CRITICAL: Final = "memory_critical"
CONF_DISK_WARNING: Final = "disk_warning"
CONF_DISK_CRITICAL: Final = "disk_critical"

CONF_INCIDENT_THRESHOLD: Final = "incident_threshold"
CONF_RESOLVE_AFTER_CHECKS: Final = "resolve_after_checks"
CONF_CLOSE_AFTER_MINUTES: Final = "close_after_minutes"
CONF_ESCALATION_MINUTES: Final = "escalation_minutes"
CONF_NOTIFY_ACTION: Final = "notify_action"
CONF_DIGEST_WINDOW: Final = "digest_window"
CONF_FAILURE_THRESHOLD: Final = "failure_threshold"
CONF_GRACE_PERIOD: Final = "grace_period"
CONF_INTEGRATION_GRACE: Final = "integration_grace_minutes"
CONF_RELOAD_INTEGRATIONS: Final = "reload_integrations"
CONF_ENTITIES_GRACE: Final = "entities_grace_minutes"
CONF_ENTITIES_STALE_HOURS: Final = "entities_stale_hours"
CONF_MAINTENANCE_MINUTES: Final = "maintenance_minutes"
CONF_ENTITIES_EXCLUDED: Final = "entities_excluded_integrations"
CONF_FLAP_CHANGES: Final = "flap_changes"
CONF_FLAP_WINDOW_MINUTES: Final = "flap_window_minutes"
# This instance's name in the fleet (default: Home Assistant's location name).
CONF_INSTANCE_NAME: Final = "instance_name"
# On an MQTT broker target: publish this instance's state, with a last will.
CONF_PUBLISH_STATE: Final = "publish_state"
FLEET_DATABASE_KIND: Final = "fleet_database"

# The incident rules' defaults are the engine's (the specification's).
_INCIDENT_DEFAULTS: Final = IncidentSettings()
DEFAULT_INCIDENT_THRESHOLD: Final = _INCIDENT_DEFAULTS.open_threshold.value
DEFAULT_RESOLVE_AFTER_CHECKS: Final = _INCIDENT_DEFAULTS.healthy_checks_to_resolve
DEFAULT_CLOSE_AFTER_MINUTES: Final = _INCIDENT_DEFAULTS.close_after // timedelta(
    minutes=1
)
DEFAULT_ESCALATION_MINUTES: Final = _INCIDENT_DEFAULTS.escalation_interval // timedelta(
    minutes=1
)
DEFAULT_FAILURE_THRESHOLD: Final = _INCIDENT_DEFAULTS.failure_threshold
DEFAULT_FLAP_CHANGES: Final = _INCIDENT_DEFAULTS.flap_threshold
DEFAULT_FLAP_WINDOW_MINUTES: Final = _INCIDENT_DEFAULTS.flap_window // timedelta(
    minutes=1
)

DEFAULT_UPDATE_INTERVAL: Final = 30
MIN_UPDATE_INTERVAL: Final = 5
DEFAULT_CHECK_TIMEOUT: Final = 10
DEFAULT_HISTORY_SIZE: Final = ENGINE_HISTORY_SIZE

# Built-in checks, in the order they are shown.
BUILTIN_CHECKS: Final = (
    ComponentType.SYSTEM_RESOURCES,
    ComponentType.HA_PROCESS,
    ComponentType.EVENT_LOOP,
    ComponentType.RECORDER,
    ComponentType.INTEGRATIONS,
    ComponentType.ENTITIES,
)
# Built-in checks a new installation leaves off: most homes have some
# entities that are unavailable for good, which would warn from day one.
OFF_BY_DEFAULT_CHECKS: Final = frozenset({ComponentType.ENTITIES})
# The Entities check: minutes before an unavailable entity counts, hours
# without a report before a measurement sensor counts as stale.
DEFAULT_ENTITIES_GRACE: Final = 5
DEFAULT_ENTITIES_STALE_HOURS: Final = 6
# How long a maintenance switch turned on keeps a component in maintenance.
DEFAULT_MAINTENANCE_MINUTES: Final = 30

# Pairs of (warning, critical) option keys with their defaults, in percent.
THRESHOLD_OPTIONS: Final = {
    "cpu": (CONF_CPU_WARNING, CONF_CPU_CRITICAL, 70.0, 85.0),
    "memory": (CONF_MEMORY_WARNING, CONF_MEMORY_CRITICAL, 70.0, 85.0),
    "disk": (CONF_DISK_WARNING, CONF_DISK_CRITICAL, 80.0, 90.0),
}

# Event loop lag (ms) and recorder queue backlog (events) levels.
EVENT_LOOP_LAG_WARNING_MS: Final = 100.0
EVENT_LOOP_LAG_CRITICAL_MS: Final = 500.0
RECORDER_BACKLOG_WARNING: Final = 1000
RECORDER_BACKLOG_CRITICAL: Final = 30000

# Minutes an integration may retry its setup before it counts (degraded).
DEFAULT_INTEGRATION_GRACE_MINUTES: Final = 5

# Unique id / device identifier of the whole-installation device.
SYSTEM_DEVICE_KEY: Final = "system"

STORAGE_VERSION: Final = 1
STORAGE_MINOR_VERSION: Final = 1
# Seconds from a change to its write. Histories change every cycle and are
# rewritten whole, so they are saved at most every 15 minutes (HA's own
# restore state has the same cadence) and when HA stops: at 100 targets with
# full histories, every 30 s would be gigabytes a day on an SD card.
# Incidents and switches, which people act on, have their own delay.
STORAGE_SAVE_DELAY: Final = 900
# Half a second, so that with the write itself a change is on disk within 1 s.
INCIDENT_SAVE_DELAY: Final = 0.5
# Escalation and auto-close are reviewed on this cadence even while monitoring is off.
INCIDENT_REVIEW_INTERVAL: Final = 60
# Seconds after setup or reload in which slow answers and loop lag open no incident.
DEFAULT_GRACE_PERIOD: Final = 120
# Seconds notifications wait to be told as one digest; 0 gathers one cycle's
# (one review's, one action's) only, so a single failure is told at once.
DEFAULT_DIGEST_WINDOW: Final = 0
MAX_DIGEST_WINDOW: Final = 600
# Fired on the bus for every incident event; the trigger automations should use.
EVENT_INCIDENT: Final = "health_monitor_incident"
