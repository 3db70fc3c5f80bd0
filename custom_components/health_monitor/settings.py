"""The monitor's settings, read from the config entry options."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from .const import (
    BUILTIN_CHECKS,
    CONF_CHECK_TIMEOUT,
    CONF_CHECKS,
    CONF_CLOSE_AFTER_MINUTES,
    CONF_DISK_PATHS,
    CONF_ESCALATION_MINUTES,
    CONF_HISTORY_SIZE,
    CONF_INCIDENT_THRESHOLD,
    CONF_NOTIFY_ACTION,
    CONF_RESOLVE_AFTER_CHECKS,
    CONF_UPDATE_INTERVAL,
    DEFAULT_CHECK_TIMEOUT,
    DEFAULT_CLOSE_AFTER_MINUTES,
    DEFAULT_ESCALATION_MINUTES,
    DEFAULT_HISTORY_SIZE,
    DEFAULT_INCIDENT_THRESHOLD,
    DEFAULT_RESOLVE_AFTER_CHECKS,
    DEFAULT_UPDATE_INTERVAL,
    THRESHOLD_OPTIONS,
)
from .engine.classification import Thresholds
from .engine.incident_tracker import IncidentSettings
from .engine.models import ComponentType, HealthStatus


@dataclass(frozen=True, slots=True)
class MonitorSettings:
    """Everything a user can tune, with the defaults filled in."""

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

    @classmethod
    def from_options(
        cls, options: Mapping[str, Any], config_dir: str
    ) -> MonitorSettings:
        """Build settings from entry options; missing keys take their defaults."""
        thresholds = {
            name: Thresholds(
                float(options.get(warning_key, warning)),
                float(options.get(critical_key, critical)),
            )
            for name, (
                warning_key,
                critical_key,
                warning,
                critical,
            ) in THRESHOLD_OPTIONS.items()
        }
        checks = options.get(CONF_CHECKS, [str(check) for check in BUILTIN_CHECKS])
        return cls(
            update_interval=float(
                options.get(CONF_UPDATE_INTERVAL, DEFAULT_UPDATE_INTERVAL)
            ),
            check_timeout=float(options.get(CONF_CHECK_TIMEOUT, DEFAULT_CHECK_TIMEOUT)),
            history_size=int(options.get(CONF_HISTORY_SIZE, DEFAULT_HISTORY_SIZE)),
            checks=frozenset(ComponentType(check) for check in checks),
            disk_paths=tuple(options.get(CONF_DISK_PATHS) or [config_dir]),
            cpu=thresholds["cpu"],
            memory=thresholds["memory"],
            disk=thresholds["disk"],
            incidents=IncidentSettings(
                open_threshold=HealthStatus(
                    options.get(CONF_INCIDENT_THRESHOLD, DEFAULT_INCIDENT_THRESHOLD)
                ),
                healthy_checks_to_resolve=int(
                    options.get(CONF_RESOLVE_AFTER_CHECKS, DEFAULT_RESOLVE_AFTER_CHECKS)
                ),
                close_after=timedelta(
                    minutes=float(
                        options.get(
                            CONF_CLOSE_AFTER_MINUTES, DEFAULT_CLOSE_AFTER_MINUTES
                        )
                    )
                ),
                escalation_interval=timedelta(
                    minutes=float(
                        options.get(CONF_ESCALATION_MINUTES, DEFAULT_ESCALATION_MINUTES)
                    )
                ),
            ),
            notify_action=options.get(CONF_NOTIFY_ACTION) or None,
        )
