"""Home Assistant's integrations: config entries that failed or keep retrying.

The set of entries that count is kept from Home Assistant's own signal of
config entry changes (built once at start, then one update per change), so
a cycle only summarizes it. An entry counts when it is in ``setup_error``,
``migration_error`` or ``failed_unload`` (critical), or has been in
``setup_retry`` for the grace or longer (degraded); a retry attempt in
progress does not end its retrying. A change of what counts is pushed at
once, and so is the end of an entry's grace. Health Monitor's own entry
never counts.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from homeassistant.config_entries import (
    SIGNAL_CONFIG_ENTRY_CHANGED,
    ConfigEntry,
    ConfigEntryChange,
    ConfigEntryState,
)
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.event import async_call_later

from ..const import DOMAIN
from ..descriptions import count, metric_sensor
from ..engine.models import (
    CheckResult,
    ComponentType,
    HealthStatus,
    MetricValue,
    utcnow,
)
from ..engine.sanitize import sanitize_message, shorten
from ..integration_options import MAX_TITLE_LENGTH, integration_label
from ..settings import MonitorSettings
from ..targets.base import PushResult

FAILED_STATES = frozenset(
    {
        ConfigEntryState.SETUP_ERROR,
        ConfigEntryState.MIGRATION_ERROR,
        ConfigEntryState.FAILED_UNLOAD,
    }
)
# Metric keys; RELOAD_CANDIDATES is the condition of the reload action.
FAILED = "failed_integrations"
RETRYING = "retrying_integrations"
RELOAD_CANDIDATES = "reload_candidates"

# Integrations named in the message (per group) and listed in the attributes.
MESSAGE_NAMES = 3
MAX_LISTED = 20
MAX_REASON_LENGTH = 120
# The end of a grace is looked at a moment after it, so that it has passed.
GRACE_MARGIN = timedelta(seconds=1)

_INTEGRATIONS = {ComponentType.INTEGRATIONS}
SENSORS = (
    metric_sensor(FAILED, FAILED, _INTEGRATIONS, **count()),
    metric_sensor(RETRYING, RETRYING, _INTEGRATIONS, **count()),
)


@dataclass(slots=True)
class Trouble:
    """A config entry that failed, or is retrying its setup, since ``since``."""

    entry: ConfigEntry
    since: datetime
    failed: bool


def _reason(entry: ConfigEntry) -> str | None:
    """Return the entry's reason, without secrets and bounded, if it has one."""
    reason = entry.reason
    if not isinstance(reason, str) or not reason.strip():
        return None
    return shorten(sanitize_message(reason), MAX_REASON_LENGTH)


def _listed(trouble: Trouble) -> dict[str, Any]:
    entry = trouble.entry
    return {
        "title": shorten(entry.title, MAX_TITLE_LENGTH),
        "domain": entry.domain,
        "entry_id": entry.entry_id,
        "state": entry.state.value,
        "reason": _reason(entry),
        "since": trouble.since.isoformat(),
    }


def _named(troubles: list[Trouble]) -> str:
    names = []
    for trouble in troubles[:MESSAGE_NAMES]:
        reason = _reason(trouble.entry)
        label = integration_label(trouble.entry)
        names.append(f"{label}: {reason}" if reason else label)
    if len(troubles) > MESSAGE_NAMES:
        names.append(f"and {len(troubles) - MESSAGE_NAMES} more")
    return ", ".join(names)


class IntegrationsCheck:
    """Watches every other config entry for a failed or lasting setup."""

    component_id = str(ComponentType.INTEGRATIONS)
    name = "Integrations"
    component_type = ComponentType.INTEGRATIONS

    def __init__(self, hass: HomeAssistant, settings: MonitorSettings) -> None:
        """Watch the config entries of ``hass`` with the entry's settings."""
        self._hass = hass
        self._grace = settings.integration_grace
        self._reloadable = settings.reload_integrations
        self._troubles: dict[str, Trouble] = {}
        self._grace_timers: dict[str, CALLBACK_TYPE] = {}
        # Entries being reloaded by the recovery action keep their trouble.
        self._reloading: set[str] = set()
        self._push: PushResult | None = None
        self._unsubscribe: CALLBACK_TYPE | None = None
        self._published: tuple[Any, ...] | None = None

    async def async_start(self, push: PushResult) -> None:
        """Take the entries' states now and follow their changes."""
        self._push = push
        now = utcnow()
        for entry in self._hass.config_entries.async_entries():
            self._observe(entry, now)
        self._unsubscribe = async_dispatcher_connect(
            self._hass, SIGNAL_CONFIG_ENTRY_CHANGED, self._async_entry_changed
        )

    async def async_close(self) -> None:
        """Stop following the entries (entry unload)."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        for cancel in self._grace_timers.values():
            cancel()
        self._grace_timers.clear()
        self._push = None

    async def async_check(self) -> CheckResult:
        """Summarize the entries that count now (no entry is read again)."""
        result = self._summary(utcnow())
        self._published = _signature(result)
        return result

    def reload_candidates(self) -> list[ConfigEntry]:
        """Return the picked entries failing for the grace or longer that a reload may fix.

        An entry in ``migration_error`` or ``failed_unload`` needs a restart
        of Home Assistant; reloading it does nothing.
        """
        now = utcnow()
        return [
            trouble.entry
            for trouble in self._troubles.values()
            if self._due_for_reload(trouble, now)
        ]

    @contextmanager
    def reloading(self, entry_id: str) -> Iterator[None]:
        """Keep the entry's trouble, and since when, while it is being reloaded.

        A reload passes through "not loaded" and "setting up"; without this
        a retrying entry would start its grace afresh at every reload.
        """
        self._reloading.add(entry_id)
        try:
            yield
        finally:
            self._reloading.discard(entry_id)

    @callback
    def _async_entry_changed(
        self, change: ConfigEntryChange, entry: ConfigEntry
    ) -> None:
        if change is ConfigEntryChange.REMOVED:
            self._forget(entry.entry_id)
        else:
            self._observe(entry, utcnow())
        self._async_publish()

    @callback
    def _async_grace_over(self, entry_id: str, _now: datetime) -> None:
        self._grace_timers.pop(entry_id, None)
        self._async_publish()

    @callback
    def _async_publish(self) -> None:
        """Push the summary when it says something else than the last one."""
        if self._push is None:
            return
        result = self._summary(utcnow())
        signature = _signature(result)
        if signature != self._published:
            self._published = signature
            self._push(result)

    def _observe(self, entry: ConfigEntry, now: datetime) -> None:
        """Bring the entry's trouble up to date with its state."""
        if entry.domain == DOMAIN:
            return
        entry_id = entry.entry_id
        trouble = self._troubles.get(entry_id)
        reloading = entry_id in self._reloading
        failed = _failing(entry.state, trouble)
        if failed is None:
            if not reloading or entry.state is ConfigEntryState.LOADED:
                self._forget(entry_id)
            return
        if trouble is not None and (trouble.failed is failed or reloading):
            trouble.entry, trouble.failed = entry, failed
            return
        self._forget(entry_id)
        self._troubles[entry_id] = Trouble(entry, now, failed)
        if self._grace > timedelta(0):
            self._grace_timers[entry_id] = async_call_later(
                self._hass,
                self._grace + GRACE_MARGIN,
                partial(self._async_grace_over, entry_id),
            )

    def _forget(self, entry_id: str) -> None:
        self._troubles.pop(entry_id, None)
        if (cancel := self._grace_timers.pop(entry_id, None)) is not None:
            cancel()

    def _due_for_reload(self, trouble: Trouble, now: datetime) -> bool:
        return (
            trouble.entry.entry_id in self._reloadable
            and trouble.entry.state.recoverable
            and now - trouble.since >= self._grace
        )

    def _summary(self, now: datetime) -> CheckResult:
        troubles = sorted(
            self._troubles.values(),
            key=lambda trouble: (trouble.since, trouble.entry.title),
        )
        failed = [trouble for trouble in troubles if trouble.failed]
        retrying = [
            trouble
            for trouble in troubles
            if not trouble.failed and now - trouble.since >= self._grace
        ]
        waiting = len(troubles) - len(failed) - len(retrying)
        metrics: dict[str, MetricValue] = {
            FAILED: len(failed),
            RETRYING: len(retrying),
            RELOAD_CANDIDATES: sum(
                self._due_for_reload(trouble, now) for trouble in troubles
            ),
        }
        if not failed and not retrying:
            message = "All integrations are set up"
            if waiting:
                message = (
                    f"No integration failed; {waiting} retrying setup within the grace"
                )
            return CheckResult(HealthStatus.HEALTHY, message, metrics=metrics)
        parts = []
        if failed:
            parts.append(f"{len(failed)} failed: {_named(failed)}")
        if retrying:
            parts.append(f"{len(retrying)} retrying setup: {_named(retrying)}")
        counted = [*failed, *retrying]
        details: dict[str, Any] = {
            "integrations": [_listed(trouble) for trouble in counted[:MAX_LISTED]]
        }
        if len(counted) > MAX_LISTED:
            details["integrations_not_listed"] = len(counted) - MAX_LISTED
        return CheckResult(
            HealthStatus.CRITICAL if failed else HealthStatus.DEGRADED,
            sanitize_message("; ".join(parts)),
            metrics=metrics,
            details=details,
        )


def _failing(state: ConfigEntryState, trouble: Trouble | None) -> bool | None:
    """Return whether ``state`` is failed (True), retrying (False) or neither (None).

    A retry attempt in progress is still retrying.
    """
    if state in FAILED_STATES:
        return True
    if state is ConfigEntryState.SETUP_RETRY:
        return False
    if (
        state is ConfigEntryState.SETUP_IN_PROGRESS
        and trouble is not None
        and not trouble.failed
    ):
        return False
    return None


def _signature(result: CheckResult) -> tuple[Any, ...]:
    return (result.status, result.message, result.metrics, result.details)
