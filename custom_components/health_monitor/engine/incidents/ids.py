"""Incident ids: ``INC-YYYYMMDD-NNNN``, a per-day counter in UTC."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
import re
from typing import Any, Final

INCIDENT_ID_PATTERN: Final = re.compile(
    r"^INC-(?P<day>\d{8})-(?P<number>\d{4,})$", re.ASCII
)
_PREFIX: Final = "INC-"
# Longer numbers are not ids this generator could have handed out; text is cut
# to this size before any pattern is applied to it.
_MAX_NUMBER_DIGITS: Final = 9
MAX_INCIDENT_ID_LENGTH: Final = len(_PREFIX) + 8 + 1 + _MAX_NUMBER_DIGITS


def _parse(incident_id: str) -> tuple[str, int] | None:
    """Return (day, number) of a well-formed id, else None."""
    if len(incident_id) > MAX_INCIDENT_ID_LENGTH:
        return None
    match = INCIDENT_ID_PATTERN.match(incident_id)
    if match is None or not _is_day(match["day"]):
        return None
    return match["day"], int(match["number"])


def _is_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _is_day(day: str) -> bool:
    if len(day) != 8 or not _is_digits(day):
        return False
    try:
        datetime.strptime(day, "%Y%m%d")
    except ValueError:
        return False
    return True


def highest_incident_id(text: str) -> str | None:
    """Return the latest incident id written anywhere in ``text``, if any.

    Used on storage files that cannot be read any more, so that ids are never
    handed out twice. One pass over the text: each ``INC-`` is followed by at
    most a fixed number of characters, so the work is linear in the length.
    """
    best: tuple[str, int] | None = None
    position = text.find(_PREFIX)
    while position != -1:
        start = position + len(_PREFIX)
        day = text[start : start + 8]
        end = start + 9
        if text[start + 8 : end] == "-" and _is_day(day):
            digits_end = end
            limit = min(len(text), end + _MAX_NUMBER_DIGITS + 1)
            while digits_end < limit and "0" <= text[digits_end] <= "9":
                digits_end += 1
            number = text[end:digits_end]
            if 4 <= len(number) <= _MAX_NUMBER_DIGITS:
                candidate = (day, int(number))
                if best is None or candidate > best:
                    best = candidate
        position = text.find(_PREFIX, start)
    return None if best is None else f"{_PREFIX}{best[0]}-{best[1]:04d}"


class IncidentIdGenerator:
    """Hands out ids that never repeat, across days and (once restored) restarts.

    ``NNNN`` counts the incidents created on the UTC day ``YYYYMMDD``, from
    0001; past 9999 it simply grows a digit. Restoring and accounting for
    known ids only ever move the counter forward.
    """

    def __init__(self) -> None:
        """Start with no id handed out."""
        self._day = ""
        self._counter = 0

    @property
    def last_id(self) -> str | None:
        """Return the latest id handed out or known, None before the first."""
        if not self._day:
            return None
        return f"{_PREFIX}{self._day}-{self._counter:04d}"

    def next_id(self, now: datetime) -> str:
        """Return the next id for an incident created at ``now``."""
        day = now.astimezone(UTC).strftime("%Y%m%d")
        if day != self._day:
            self._day, self._counter = day, 0
        self._counter += 1
        return f"{_PREFIX}{day}-{self._counter:04d}"

    def account_for(self, incident_id: Any) -> bool:
        """Never hand out ``incident_id`` or an earlier id of its day again.

        Returns whether ``incident_id`` was a well-formed id.
        """
        parsed = _parse(incident_id) if isinstance(incident_id, str) else None
        if parsed is None:
            return False
        self._advance(*parsed)
        return True

    def export(self) -> dict[str, Any]:
        """Serialize the counter."""
        return {"day": self._day, "counter": self._counter}

    def restore(self, data: Any) -> bool:
        """Take :meth:`export` output into account; return whether it was readable.

        The counter only moves forward: restoring an older counter than the
        one already known changes nothing.
        """
        if not isinstance(data, Mapping):
            return False
        day, counter = data.get("day"), data.get("counter")
        if not (
            isinstance(counter, int)
            and not isinstance(counter, bool)
            and 0 <= counter < 10**_MAX_NUMBER_DIGITS
            and isinstance(day, str)
        ):
            return False
        if day == "" and counter == 0:
            # Nothing was handed out yet.
            return True
        if not _is_day(day):
            return False
        self._advance(day, counter)
        return True

    def _advance(self, day: str, number: int) -> None:
        if day > self._day:
            self._day, self._counter = day, number
        elif day == self._day:
            self._counter = max(self._counter, number)
