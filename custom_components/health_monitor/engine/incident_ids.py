"""Incident ids: ``INC-YYYYMMDD-NNNN``, a per-day counter in UTC."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
import re
from typing import Any, Final

INCIDENT_ID_PATTERN: Final = re.compile(r"^INC-(?P<day>\d{8})-(?P<number>\d{4,})$")


class IncidentIdGenerator:
    """Hands out ids that never repeat, across days and (once restored) restarts.

    ``NNNN`` counts the incidents created on the UTC day ``YYYYMMDD``, from
    0001; past 9999 it simply grows a digit.
    """

    def __init__(self) -> None:
        """Start with no id handed out."""
        self._day = ""
        self._counter = 0

    def next_id(self, now: datetime) -> str:
        """Return the next id for an incident created at ``now``."""
        day = now.astimezone(UTC).strftime("%Y%m%d")
        if day != self._day:
            self._day, self._counter = day, 0
        self._counter += 1
        return f"INC-{day}-{self._counter:04d}"

    def account_for(self, incident_id: str) -> None:
        """Never hand out ``incident_id`` or an earlier id of its day again."""
        match = INCIDENT_ID_PATTERN.match(incident_id)
        if match is None:
            return
        day, number = match["day"], int(match["number"])
        if day > self._day:
            self._day, self._counter = day, number
        elif day == self._day:
            self._counter = max(self._counter, number)

    def export(self) -> dict[str, Any]:
        """Serialize the counter."""
        return {"day": self._day, "counter": self._counter}

    def restore(self, data: Any) -> None:
        """Load :meth:`export` output; anything unreadable is ignored."""
        if not isinstance(data, Mapping):
            return
        day, counter = data.get("day"), data.get("counter")
        if (
            isinstance(day, str)
            and re.fullmatch(r"\d{8}", day)
            and isinstance(counter, int)
            and not isinstance(counter, bool)
            and counter >= 0
        ):
            self._day, self._counter = day, counter
