"""Maintenance: a component being worked on is watched, but opens and tells nothing.

What maintenance means for the other rules (the incident tracker, the
uptime) is theirs; this module only says who is in maintenance when.

Rules:

- An ad-hoc window covers some components, or all of them, from its start
  up to its end: at ``end`` exactly it is over. It lasts at least one
  minute and at most :data:`MAX_DURATION`. Starting maintenance of a
  component replaces the component's own window; starting it for all
  replaces the all-components window (the components' own windows stay).
- A recurring window belongs to one component: every day, or on chosen
  weekdays, from a local start time up to a local end time. An end at or
  before the start is on the next day, and the weekday is the start's: a
  Saturday window from 22:00 to 02:00 ends on Sunday at 02:00.
- Ending maintenance of a component ends its own window, and the current
  occurrence of the all-components or recurring window for it alone (it is
  *released* until that occurrence ends; the next one counts again).
  Ending maintenance of all components ends every ad-hoc window and
  releases every component from its current recurring occurrence.
- :meth:`MaintenanceSchedule.expire` drops the windows that are over and
  returns the ad-hoc ones, which ended by themselves.
- What is read back from storage is checked field by field: a window
  that could not have been made (no time zone, ending before it starts,
  longer than the maximum, an unbounded text) is skipped and named.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any, Final

# The actor of what happens by itself (as the incidents' ``SYSTEM_ACTOR``).
SYSTEM_ACTOR: Final = "system"
MIN_DURATION: Final = timedelta(minutes=1)
MAX_DURATION: Final = timedelta(days=7)
# Longest reason, actor and component id kept.
MAX_TEXT_LENGTH: Final = 255
# The reason shown for an occurrence of a recurring window.
RECURRING_REASON: Final = "recurring window"
_DAY: Final = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class MaintenanceWindow:
    """A time during which ``components`` (None: every component) are in maintenance."""

    start: datetime
    end: datetime
    reason: str = ""
    actor: str = SYSTEM_ACTOR
    components: frozenset[str] | None = None
    recurring: bool = False

    def covers(self, now: datetime) -> bool:
        """Whether the window is on at ``now`` (its end excluded)."""
        return self.start <= now < self.end

    def as_dict(self) -> dict[str, Any]:
        """Return the stored form (also shown by services and diagnostics)."""
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "reason": self.reason,
            "actor": self.actor,
            "recurring": self.recurring,
        }


@dataclass(frozen=True, slots=True)
class RecurringWindow:
    """Every day (or on ``weekdays``, Monday 0) from ``start`` up to ``end``, local time."""

    start: time
    end: time
    weekdays: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        """Refuse a window that is empty, aware, or on a day that does not exist."""
        if self.start == self.end:
            raise ValueError("a recurring window starts and ends at different times")
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("a recurring window's times are local")
        if not self.weekdays <= frozenset(range(7)):
            raise ValueError("weekdays are 0 (Monday) to 6 (Sunday)")

    def occurrences(
        self, now: datetime, zone: tzinfo, days: int = 1
    ) -> Iterable[tuple[datetime, datetime]]:
        """Yield (start, end) in UTC of the occurrences from the day before ``now`` on."""
        today = now.astimezone(zone).date()
        for offset in range(-1, days):
            day = today + timedelta(days=offset)
            if self.weekdays and day.weekday() not in self.weekdays:
                continue
            end_day = day + _DAY if self.end <= self.start else day
            yield _at(day, self.start, zone), _at(end_day, self.end, zone)

    def occurrence(
        self, now: datetime, zone: tzinfo
    ) -> tuple[datetime, datetime] | None:
        """Return the occurrence that covers ``now``, if one does."""
        return next(
            (
                (start, end)
                for start, end in self.occurrences(now, zone)
                if start <= now < end
            ),
            None,
        )

    def next_change(self, now: datetime, zone: tzinfo) -> datetime | None:
        """Return the next start or end after ``now`` (within a week)."""
        moments = [
            moment
            for occurrence in self.occurrences(now, zone, days=8)
            for moment in occurrence
            if moment > now
        ]
        return min(moments, default=None)


def _at(day: date, moment: time, zone: tzinfo) -> datetime:
    return datetime.combine(day, moment, tzinfo=zone).astimezone(UTC)


class MaintenanceSchedule:
    """Who is in maintenance when: ad-hoc windows and recurring ones (see module doc)."""

    def __init__(self, zone: tzinfo = UTC) -> None:
        """Start with no maintenance; recurring windows are in ``zone``'s local time."""
        self.zone = zone
        self._own: dict[str, MaintenanceWindow] = {}
        self._all: MaintenanceWindow | None = None
        self._recurring: dict[str, RecurringWindow] = {}
        # Components taken out of a shared or recurring occurrence, until its end.
        self._released: dict[str, datetime] = {}

    # Windows

    def set_recurring(self, component_id: str, window: RecurringWindow | None) -> None:
        """Give a component its recurring window, or take it away (None)."""
        if window is None:
            self._recurring.pop(component_id, None)
        else:
            self._recurring[component_id] = window

    def recurring(self, component_id: str) -> RecurringWindow | None:
        """Return the component's recurring window, if it has one."""
        return self._recurring.get(component_id)

    def start(
        self,
        components: Iterable[str] | None,
        *,
        until: datetime,
        reason: str = "",
        actor: str = SYSTEM_ACTOR,
        now: datetime,
    ) -> MaintenanceWindow:
        """Start maintenance of ``components`` (None: all) from ``now`` up to ``until``.

        Raises ValueError for a window shorter than :data:`MIN_DURATION` or
        longer than :data:`MAX_DURATION`.
        """
        if not MIN_DURATION <= until - now <= MAX_DURATION:
            raise ValueError("maintenance lasts from a minute to a week")
        chosen = None if components is None else frozenset(components)
        window = MaintenanceWindow(
            now, until, reason[:MAX_TEXT_LENGTH], actor[:MAX_TEXT_LENGTH], chosen
        )
        if chosen is None:
            self._all = window
            self._released.clear()
            return window
        for component_id in chosen:
            self._own[component_id] = window
            self._released.pop(component_id, None)
        return window

    def end(self, components: Iterable[str] | None, *, now: datetime) -> list[str]:
        """End maintenance of ``components`` (None: all) now; return who was in it."""
        if components is None:
            ended = [c for c in self._components() if self.is_active(c, now)]
            self._own.clear()
            self._all = None
            chosen: Iterable[str] = list(self._recurring)
        else:
            chosen = list(dict.fromkeys(components))
            ended = [c for c in chosen if self.is_active(c, now)]
            for component_id in chosen:
                self._own.pop(component_id, None)
        for component_id in chosen:
            shared = [w.end for w in self._shared(component_id, now)]
            if shared:
                self._released[component_id] = max(shared)
        return ended

    def expire(self, now: datetime) -> list[MaintenanceWindow]:
        """Drop what is over; return the ad-hoc windows that ended by themselves."""
        ended: list[MaintenanceWindow] = []
        for component_id, window in list(self._own.items()):
            if window.end <= now:
                del self._own[component_id]
                if window not in ended:
                    ended.append(window)
        if self._all is not None and self._all.end <= now:
            ended.append(self._all)
            self._all = None
        for component_id, until in list(self._released.items()):
            if until <= now:
                del self._released[component_id]
        return ended

    # Queries

    def active(self, component_id: str, now: datetime) -> MaintenanceWindow | None:
        """Return the window keeping the component in maintenance (the longest), if any."""
        windows: list[MaintenanceWindow] = []
        own = self._own.get(component_id)
        if own is not None and own.covers(now):
            windows.append(own)
        released = self._released.get(component_id)
        if released is None or now >= released:
            windows.extend(self._shared(component_id, now))
        if not windows:
            return None
        return max(windows, key=lambda window: window.end)

    def is_active(self, component_id: str, now: datetime) -> bool:
        """Whether the component is in maintenance at ``now``.

        Asked for every component each cycle: with no window at all (the
        usual case) it answers without looking further.
        """
        if not self._own and self._all is None and not self._recurring:
            return False
        return self.active(component_id, now) is not None

    def all_active(self, now: datetime) -> MaintenanceWindow | None:
        """Return the all-components window if it is on."""
        return self._all if self._all is not None and self._all.covers(now) else None

    def next_change(self, now: datetime) -> datetime | None:
        """Return when someone's maintenance next starts or ends after ``now``."""
        moments = [w.end for w in self._own.values()]
        moments.extend(self._released.values())
        if self._all is not None:
            moments.append(self._all.end)
        recurring = (w.next_change(now, self.zone) for w in self._recurring.values())
        moments.extend(moment for moment in recurring if moment is not None)
        return min((m for m in moments if m > now), default=None)

    def _shared(self, component_id: str, now: datetime) -> list[MaintenanceWindow]:
        """Return the all-components window and the recurring occurrence on at ``now``."""
        windows: list[MaintenanceWindow] = []
        if (everyone := self.all_active(now)) is not None:
            windows.append(everyone)
        recurring = self._recurring.get(component_id)
        if recurring is not None:
            occurrence = recurring.occurrence(now, self.zone)
            if occurrence is not None:
                windows.append(
                    MaintenanceWindow(
                        *occurrence,
                        reason=RECURRING_REASON,
                        components=frozenset({component_id}),
                        recurring=True,
                    )
                )
        return windows

    def _components(self) -> list[str]:
        return list(dict.fromkeys([*self._own, *self._recurring, *self._released]))

    # Storage

    def export(self) -> dict[str, Any]:
        """Return the ad-hoc windows and releases (recurring ones are configuration)."""
        return {
            "components": {cid: w.as_dict() for cid, w in self._own.items()},
            "all": None if self._all is None else self._all.as_dict(),
            "released": {cid: at.isoformat() for cid, at in self._released.items()},
        }

    def restore(self, data: Mapping[str, Any]) -> list[str]:
        """Read what :meth:`export` wrote; name what could not be read (and skip it)."""
        skipped: list[str] = []
        self._own, self._all, self._released = {}, None, {}
        components = data.get("components", {})
        if not isinstance(components, Mapping):
            components = {}
            skipped.append("maintenance windows")
        for component_id, stored in components.items():
            window = _read_window(stored)
            if _is_id(component_id) and window is not None:
                self._own[component_id] = _for(window, component_id)
            else:
                skipped.append("maintenance window")
        if data.get("all") is not None:
            self._all = _read_window(data["all"])
            if self._all is None:
                skipped.append("maintenance of all components")
        released = data.get("released", {})
        if not isinstance(released, Mapping):
            released = {}
            skipped.append("maintenance releases")
        for component_id, until in released.items():
            moment = _read_moment(until)
            if _is_id(component_id) and moment is not None:
                self._released[component_id] = moment
            else:
                skipped.append("maintenance release")
        return skipped


def _for(window: MaintenanceWindow, component_id: str) -> MaintenanceWindow:
    return MaintenanceWindow(
        window.start,
        window.end,
        window.reason,
        window.actor,
        frozenset({component_id}),
    )


def _is_id(value: Any) -> bool:
    return isinstance(value, str) and 0 < len(value) <= MAX_TEXT_LENGTH


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and len(value) <= MAX_TEXT_LENGTH


def _read_moment(value: Any) -> datetime | None:
    """Return a stored time if it is an ISO time with a time zone (in UTC)."""
    if not isinstance(value, str) or len(value) > 64:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return None if moment.tzinfo is None else moment.astimezone(UTC)


def _read_window(stored: Any) -> MaintenanceWindow | None:
    """Return a stored ad-hoc window, or None if it could not have been made."""
    if not isinstance(stored, Mapping):
        return None
    start, end = _read_moment(stored.get("start")), _read_moment(stored.get("end"))
    reason, actor = stored.get("reason", ""), stored.get("actor", SYSTEM_ACTOR)
    if (
        start is None
        or end is None
        or not timedelta(0) < end - start <= MAX_DURATION
        or not _is_text(reason)
        or not _is_text(actor)
    ):
        return None
    return MaintenanceWindow(start, end, reason, actor)
