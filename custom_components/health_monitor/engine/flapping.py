"""Flapping: a component that keeps changing between healthy and not healthy.

A *change* is a check whose healthy-or-not differs from the check before it
(warning to critical is no change; healthy to unknown is one). A component
is flapping while its changes within the last ``window`` reach
``threshold`` (default 5 in 30 minutes), and it stops flapping once it has
been stable, with no change at all, for a whole ``window``. The tracker
keeps one incident for a flapping component and tells people once (see
:mod:`.incidents.tracker`).

Only change times within the window are kept, and at most ``threshold`` of
them per component: memory stays bounded however fast a component flaps.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

DEFAULT_FLAP_THRESHOLD: Final = 5
DEFAULT_FLAP_WINDOW: Final = timedelta(minutes=30)


@dataclass(frozen=True, slots=True)
class FlapObservation:
    """What one check meant for flapping: whether it changed, and the changes in the window."""

    changed: bool
    recent_changes: int
    # When the component last changed (None: never seen changing).
    last_change: datetime | None


# A component that has never changed.
_STEADY: Final = FlapObservation(changed=False, recent_changes=0, last_change=None)


class FlapDetector:
    """Counts each component's changes between healthy and not healthy."""

    def __init__(
        self,
        threshold: int = DEFAULT_FLAP_THRESHOLD,
        window: timedelta = DEFAULT_FLAP_WINDOW,
    ) -> None:
        """Call a component flapping at ``threshold`` changes within ``window``."""
        if threshold < 2:
            raise ValueError("flapping needs at least two changes")
        if window <= timedelta(0):
            raise ValueError("the flapping window must be positive")
        self.threshold = threshold
        self.window = window
        self._healthy: dict[str, bool] = {}
        # Changes within the window, oldest first (at most ``threshold``).
        self._changes: dict[str, deque[datetime]] = {}
        self._last_change: dict[str, datetime] = {}

    def observe(
        self, component_id: str, healthy: bool, now: datetime
    ) -> FlapObservation:
        """Record one check of ``component_id``; return what it meant."""
        previous = self._healthy.get(component_id)
        self._healthy[component_id] = healthy
        changed = previous is not None and previous != healthy
        changes = self._changes.get(component_id)
        if not changed and changes is None:
            last = self._last_change.get(component_id)
            # The usual case, every cycle: nothing to count.
            return _STEADY if last is None else FlapObservation(False, 0, last)
        if changed:
            if changes is None:
                changes = self._changes[component_id] = deque(maxlen=self.threshold)
            changes.append(now)
            self._last_change[component_id] = now
        if changes is not None:
            while changes and now - changes[0] >= self.window:
                changes.popleft()
            if not changes:
                del self._changes[component_id]
        return FlapObservation(
            changed, len(changes or ()), self._last_change.get(component_id)
        )

    def is_flapping(self, observation: FlapObservation) -> bool:
        """Whether ``observation`` reaches the threshold."""
        return observation.recent_changes >= self.threshold

    def stable_for(self, observation: FlapObservation, now: datetime) -> bool:
        """Whether the component has not changed for a whole window."""
        return (
            observation.last_change is None
            or now - observation.last_change >= self.window
        )

    def forget(self, component_id: str) -> None:
        """Drop what is known of a component (e.g. it is no longer watched)."""
        self._healthy.pop(component_id, None)
        self._changes.pop(component_id, None)
        self._last_change.pop(component_id, None)

    # Persistence

    def export(self) -> dict[str, Any]:
        """Return the stored form: each component's last healthiness and change times."""
        return {
            component_id: {
                "healthy": healthy,
                "changes": [t.isoformat() for t in self._changes.get(component_id, ())],
                "last_change": _iso(self._last_change.get(component_id)),
            }
            for component_id, healthy in self._healthy.items()
        }

    def restore(self, data: Any) -> list[str]:
        """Read :meth:`export` output back; name what could not be read.

        A component whose entry is unreadable starts afresh (its next check
        is no change), so damaged data can never make a component flap.
        """
        self._healthy.clear()
        self._changes.clear()
        self._last_change.clear()
        if data is None:
            return []
        if not isinstance(data, Mapping):
            return ["flapping"]
        skipped: list[str] = []
        for component_id, raw in data.items():
            try:
                healthy, changes, last_change = _read_component(raw)
            except (TypeError, ValueError):
                skipped.append("flapping state")
                continue
            if not isinstance(component_id, str):
                skipped.append("flapping state")
                continue
            self._healthy[component_id] = healthy
            if last_change is not None:
                self._last_change[component_id] = last_change
            if changes:
                self._changes[component_id] = deque(
                    changes[-self.threshold :], maxlen=self.threshold
                )
        return skipped


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _read_time(value: Any) -> datetime:
    if not isinstance(value, str) or len(value) > 64:
        raise TypeError("a time is an ISO string")
    parsed = datetime.fromisoformat(value)
    return (
        parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    )


def _read_component(raw: Any) -> tuple[bool, list[datetime], datetime | None]:
    if not isinstance(raw, Mapping):
        raise TypeError("a flapping state is a mapping")
    healthy = raw.get("healthy")
    changes = raw.get("changes", [])
    if not isinstance(healthy, bool) or not isinstance(changes, list):
        raise TypeError("healthy is a boolean, changes a list")
    if len(changes) > 1000:
        raise ValueError("too many changes")
    times = [_read_time(value) for value in changes]
    if times != sorted(times):
        raise ValueError("change times are in order")
    raw_last = raw.get("last_change")
    last_change = None if raw_last is None else _read_time(raw_last)
    if times and (last_change is None or last_change < times[-1]):
        last_change = times[-1]
    return healthy, times, last_change
