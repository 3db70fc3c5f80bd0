"""The health monitor: per-component state, histories and system health."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
import time
from typing import Any

from .history import DEFAULT_HISTORY_SIZE, ComponentHistory, HistoryEntry
from .models import (
    MAX_AFFECTED,
    CheckResult,
    ComponentHealth,
    HealthStatus,
    SystemHealth,
    elapsed_ms,
    utcnow,
)
from .runner import Check, run_checks
from .score import health_score, overall_status, performance_score, status_counts

DEFAULT_CHECK_TIMEOUT = 10.0

# Statuses that count as a failed check for ``consecutive_failures``.
FAILURE_STATUSES = frozenset({HealthStatus.CRITICAL})


class HealthMonitor:
    """Keeps what is known about every component between cycles."""

    def __init__(
        self,
        *,
        history_size: int = DEFAULT_HISTORY_SIZE,
        check_timeout: float = DEFAULT_CHECK_TIMEOUT,
        started_at: datetime | None = None,
    ) -> None:
        """Create an empty monitor."""
        self.history_size = history_size
        self.check_timeout = check_timeout
        self.started_at = started_at or utcnow()
        self._components: dict[str, ComponentHealth] = {}
        self._histories: dict[str, ComponentHistory] = {}
        self._failures_at_restore: dict[str, int] = {}
        self.last_health: SystemHealth | None = None
        # Whether a component is in maintenance at a time (set by the HA
        # layer): its checks then count for no uptime.
        self.in_maintenance: Callable[[str, datetime], bool] = _never

    @property
    def components(self) -> dict[str, ComponentHealth]:
        """Latest health per component id."""
        return self._components

    def history(self, component_id: str) -> ComponentHistory | None:
        """Return the history of a component, if it has one."""
        return self._histories.get(component_id)

    async def run_cycle(self, checks: Sequence[Check]) -> SystemHealth:
        """Run every check concurrently and return the resulting system health."""
        started = utcnow()
        start = time.perf_counter()
        results = await run_checks(checks, self.check_timeout)
        for check, result in zip(checks, results, strict=True):
            self.apply(check, result)
        current = {check.component_id for check in checks}
        for component_id in [cid for cid in self._components if cid not in current]:
            del self._components[component_id]
        duration_ms = elapsed_ms(start)
        self.last_health = self.system_health(started, duration_ms)
        return self.last_health

    def register(self, checks: Sequence[Check]) -> None:
        """Know the components of ``checks`` without checking them (monitoring off)."""
        for check in checks:
            if check.component_id not in self._components:
                self._components[check.component_id] = ComponentHealth(
                    component_id=check.component_id,
                    name=check.name,
                    component_type=check.component_type,
                    message="Monitoring is stopped",
                    consecutive_failures=self._failures_at_restore.pop(
                        check.component_id, 0
                    ),
                )

    def apply(self, check: Check, result: CheckResult) -> ComponentHealth:
        """Fold one check result into the component's state and history."""
        component = self._components.get(check.component_id)
        if component is None:
            component = ComponentHealth(
                component_id=check.component_id,
                name=check.name,
                component_type=check.component_type,
                consecutive_failures=self._failures_at_restore.pop(
                    check.component_id, 0
                ),
            )
            self._components[check.component_id] = component
        history = self._histories.get(check.component_id)
        if history is None:
            history = self._histories[check.component_id] = ComponentHistory(
                self.history_size
            )
        history.record(
            result,
            maintenance=self.in_maintenance(check.component_id, result.checked_at),
        )

        component.name = check.name
        component.status = result.status
        component.message = result.message
        component.response_time_ms = result.response_time_ms
        component.metrics = dict(result.metrics)
        component.details = result.details
        component.last_checked = result.checked_at
        component.latency_only = result.latency_only
        component.pushed = result.pushed
        component.affected = result.affected[:MAX_AFFECTED]
        if result.status in FAILURE_STATUSES:
            component.consecutive_failures += 1
        else:
            component.consecutive_failures = 0
        component.uptime_percent = history.uptime_percent()
        return component

    def system_health(
        self, cycle_started: datetime, cycle_duration_ms: float
    ) -> SystemHealth:
        """Summarize the current component states."""
        components = list(self._components.values())
        return SystemHealth(
            status=overall_status(components),
            health_score=health_score(components),
            performance_score=performance_score(components, self.check_timeout * 1000),
            counts=status_counts(components),
            uptime_seconds=round((utcnow() - self.started_at).total_seconds(), 1),
            components={
                c.component_id: replace(c, metrics=dict(c.metrics)) for c in components
            },
            cycle_started=cycle_started,
            cycle_duration_ms=cycle_duration_ms,
        )

    def entries_within(self, component_id: str, hours: float) -> list[HistoryEntry]:
        """Return a component's history entries of the last ``hours`` hours."""
        history = self._histories.get(component_id)
        if history is None:
            return []
        return history.since(utcnow() - timedelta(hours=hours))

    def known_component_ids(self) -> set[str]:
        """Return every component with a state or a history."""
        return (
            set(self._components)
            | set(self._histories)
            | set(self._failures_at_restore)
        )

    def forget(self, component_id: str) -> None:
        """Drop everything known about a component (e.g. a removed target)."""
        self._components.pop(component_id, None)
        self._histories.pop(component_id, None)
        self._failures_at_restore.pop(component_id, None)

    def export(self) -> dict[str, Any]:
        """Return what must survive a restart; each history as a snapshot of its columns.

        Cheap enough for the event loop: the columns are copied, and each
        :class:`HistorySnapshot` builds its stored form (``as_dict``) when it
        is written, in any thread.
        """
        return {
            "histories": {
                cid: history.snapshot() for cid, history in self._histories.items()
            },
            # Counts restored but not yet re-checked are kept, not lost.
            "consecutive_failures": {
                **self._failures_at_restore,
                **{cid: c.consecutive_failures for cid, c in self._components.items()},
            },
        }

    def _stored_history(
        self, component_id: Any, stored: Any, skipped: list[str]
    ) -> ComponentHistory | None:
        """Read one stored history: columns, or the entry list of storage version 1."""
        if isinstance(component_id, str):
            if isinstance(stored, list):
                return ComponentHistory.from_list(stored, self.history_size, skipped)
            if isinstance(stored, Mapping):
                try:
                    return ComponentHistory.from_stored(
                        stored, self.history_size, skipped
                    )
                except (KeyError, TypeError, ValueError):
                    pass
        skipped.append("history")
        return None

    def restore(self, data: Mapping[str, Any]) -> list[str]:
        """Load what :meth:`export` produced, as read back from a file.

        Histories are columns, or the entry lists of storage version 1;
        unreadable parts are skipped.

        Returns the names of the skipped parts (empty when everything was
        read); a part that is absent is not skipped, just empty.
        """
        skipped: list[str] = []
        histories = data.get("histories", {})
        if not isinstance(histories, Mapping):
            skipped.append("histories")
            histories = {}
        for component_id, stored in histories.items():
            history = self._stored_history(component_id, stored, skipped)
            if history is not None:
                self._histories[component_id] = history
        failures = data.get("consecutive_failures", {})
        if not isinstance(failures, Mapping):
            skipped.append("consecutive failures")
            failures = {}
        self._failures_at_restore = {}
        for component_id, count in failures.items():
            if (
                isinstance(component_id, str)
                and isinstance(count, int)
                and not isinstance(count, bool)
                and count >= 0
            ):
                self._failures_at_restore[component_id] = count
            else:
                skipped.append("consecutive failure count")
        return skipped


def _never(component_id: str, now: datetime) -> bool:
    return False
