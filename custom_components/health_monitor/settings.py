"""The monitor's settings, read from the config entry options."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from .const import (
    CONF_CHECK_TIMEOUT,
    CONF_CHECKS,
    CONF_CLOSE_AFTER_MINUTES,
    CONF_DISK_PATHS,
    CONF_ESCALATION_MINUTES,
    CONF_FAILURE_THRESHOLD,
    CONF_GRACE_PERIOD,
    CONF_HISTORY_SIZE,
    CONF_INCIDENT_THRESHOLD,
    CONF_NOTIFY_ACTION,
    CONF_RESOLVE_AFTER_CHECKS,
    CONF_UPDATE_INTERVAL,
    THRESHOLD_OPTIONS,
)
from .engine.classification import Thresholds
from .engine.incidents import IncidentSettings
from .engine.models import ComponentType, HealthStatus
from .options import read_options


@dataclass(frozen=True, slots=True)
class MonitorSettings:
    """Everything a user can tune, with the defaults filled in.

    ``invalid_options`` names the stored options that could not be used and
    took their defaults instead (the user is asked to fix them).
    """

    update_interval: float
    check_timeout: float
    history_size: int
    checks: frozenset[ComponentType]
    disk_paths: tuple[str, ...]
    cpu: Thresholds
    memory: Thresholds
    disk: Thresholds
    incidents: IncidentSettings
    notify_action: str | None
    grace_period: float
    invalid_options: frozenset[str] = frozenset()

    @classmethod
    def from_options(
        cls, options: Mapping[str, Any], config_dir: str
    ) -> MonitorSettings:
        """Build settings from entry options; never raises.

        Missing options take their defaults, and so do invalid ones (listed
        in ``invalid_options``), so the rest keeps working.
        """
        values, invalid = read_options(options, config_dir)
        thresholds = {
            name: Thresholds(values[warning_key], values[critical_key])
            for name, (warning_key, critical_key, _, _) in THRESHOLD_OPTIONS.items()
        }
        return cls(
            update_interval=float(values[CONF_UPDATE_INTERVAL]),
            check_timeout=float(values[CONF_CHECK_TIMEOUT]),
            history_size=int(values[CONF_HISTORY_SIZE]),
            checks=frozenset(ComponentType(check) for check in values[CONF_CHECKS]),
            disk_paths=tuple(values[CONF_DISK_PATHS]),
            cpu=thresholds["cpu"],
            memory=thresholds["memory"],
            disk=thresholds["disk"],
            incidents=IncidentSettings(
                open_threshold=HealthStatus(values[CONF_INCIDENT_THRESHOLD]),
                failure_threshold=int(values[CONF_FAILURE_THRESHOLD]),
                healthy_checks_to_resolve=int(values[CONF_RESOLVE_AFTER_CHECKS]),
                close_after=timedelta(minutes=values[CONF_CLOSE_AFTER_MINUTES]),
                escalation_interval=timedelta(minutes=values[CONF_ESCALATION_MINUTES]),
            ),
            notify_action=values[CONF_NOTIFY_ACTION],
            grace_period=float(values[CONF_GRACE_PERIOD]),
            invalid_options=invalid,
        )
