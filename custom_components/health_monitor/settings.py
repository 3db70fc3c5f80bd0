"""The monitor's settings, read from the config entry options."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from .const import THRESHOLD_OPTIONS
from .engine.classification import Thresholds
from .engine.incidents import IncidentSettings
from .engine.models import ComponentType
from .options import OPTIONS, read_options


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
    # Integrations: how long a setup may retry before it counts, and the
    # config entries the recovery action may reload.
    integration_grace: timedelta
    reload_integrations: frozenset[str]
    invalid_options: frozenset[str] = frozenset()
    # The Entities check: grace before an unavailable entity counts, max age
    # of a measurement sensor's last report, integrations not counted.
    entities_grace: timedelta = timedelta(minutes=5)
    entities_stale_after: timedelta = timedelta(hours=6)
    entities_excluded: frozenset[str] = frozenset()
    # How long a maintenance switch keeps its components in maintenance.
    maintenance_duration: timedelta = timedelta(minutes=30)
    # Seconds notifications are gathered into one digest (0: one cycle's).
    digest_window: float = 0.0
    # This instance's name in the fleet (None: Home Assistant's location name).
    instance_name: str | None = None

    @classmethod
    def from_options(
        cls, options: Mapping[str, Any], config_dir: str
    ) -> MonitorSettings:
        """Build settings from entry options; never raises.

        Missing options take their defaults, and so do invalid ones (listed
        in ``invalid_options``), so the rest keeps working.
        """
        values, invalid = read_options(options, config_dir)
        settings: dict[str, Any] = {}
        incidents: dict[str, Any] = {}
        for option in OPTIONS:
            if option.setting is not None:
                fields = incidents if option.incident else settings
                fields[option.setting] = option.cast(values[option.key])
        thresholds = {
            name: Thresholds(values[warning_key], values[critical_key])
            for name, (warning_key, critical_key, _, _) in THRESHOLD_OPTIONS.items()
        }
        return cls(
            **settings,
            cpu=thresholds["cpu"],
            memory=thresholds["memory"],
            disk=thresholds["disk"],
            incidents=IncidentSettings(**incidents),
            invalid_options=invalid,
        )
