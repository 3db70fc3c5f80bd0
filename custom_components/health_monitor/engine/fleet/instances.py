"""Other Home Assistant instances as components: their reports and how they are judged.

An instance says how it is (status, score, open incidents) at every cycle,
through the fleet database (a heartbeat row) or MQTT (a retained state
message). An instance that stops saying so is silent; one whose broker
connection dropped is offline at once (its MQTT last will). When both
sources report, the newest report wins: an instance that is back over MQTT
is not silent because its database export lags.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
import json
import math
from typing import Any

from ..models import CheckResult, HealthStatus, MetricValue

# A heartbeat older than this many of the instance's intervals is silence.
SILENT_AFTER_INTERVALS = 3
# Bounds of what an instance may say about itself.
MAX_NAME_LENGTH = 100
MAX_VERSION_LENGTH = 40
MAX_INSTANCE_ID_LENGTH = 64
MAX_PAYLOAD_BYTES = 4096
MIN_INTERVAL_S = 1.0
MAX_INTERVAL_S = 86400.0
MAX_COUNT = 1_000_000
# Most other instances watched: anyone who may publish on the broker could
# otherwise make components without end.
MAX_INSTANCES = 500
# The last-will payload of an instance whose broker connection dropped.
OFFLINE_PAYLOAD = "offline"
_STATUSES = frozenset(str(status) for status in HealthStatus)


class Source:
    """Where a report came from."""

    DATABASE = "database"
    MQTT = "mqtt"


@dataclass(frozen=True, slots=True)
class InstanceReport:
    """What one instance said about itself, and when.

    ``online`` is False when the broker published the instance's last will:
    then ``at`` is when that arrived and the rest is what it said before.
    """

    instance_id: str
    name: str
    status: HealthStatus
    score: float | None
    open_incidents: int
    components: int
    interval_s: float
    version: str
    ha_version: str
    at: datetime
    source: str
    online: bool = True

    def to_payload(self) -> str:
        """Return the MQTT state message of this report (JSON)."""
        return json.dumps(
            {
                "id": self.instance_id,
                "name": self.name,
                "status": str(self.status),
                "score": self.score,
                "open_incidents": self.open_incidents,
                "components": self.components,
                "interval_s": self.interval_s,
                "version": self.version,
                "ha_version": self.ha_version,
                "at": self.at.isoformat(),
            },
            separators=(",", ":"),
        )


class InvalidReportError(ValueError):
    """A report that cannot be used: malformed, out of range or too large."""


def _text(value: Any, limit: int, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidReportError(f"{field} missing")
    return value.strip()[:limit]


def _number(value: Any, low: float, high: float, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidReportError(f"{field} is not a number")
    number = float(value)
    if not math.isfinite(number) or not low <= number <= high:
        raise InvalidReportError(f"{field} out of range")
    return number


def _time(value: Any) -> datetime:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and len(value) <= 40:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError as err:
            raise InvalidReportError("time unreadable") from err
    else:
        raise InvalidReportError("time missing")
    if moment.tzinfo is None:
        raise InvalidReportError("time without time zone")
    return moment


def report_from_values(values: dict[str, Any], source: str) -> InstanceReport:
    """Return the report of ``values`` (a heartbeat row or a decoded message).

    Raises :class:`InvalidReportError` for anything malformed or out of range.
    """
    status = values.get("status")
    if status not in _STATUSES:
        raise InvalidReportError("status unknown")
    score = values.get("score")
    return InstanceReport(
        instance_id=_text(values.get("id"), MAX_INSTANCE_ID_LENGTH, "id"),
        name=_text(values.get("name"), MAX_NAME_LENGTH, "name"),
        status=HealthStatus(status),
        score=None if score is None else _number(score, 0, 100, "score"),
        open_incidents=int(
            _number(values.get("open_incidents", 0), 0, MAX_COUNT, "open_incidents")
        ),
        components=int(
            _number(values.get("components", 0), 0, MAX_COUNT, "components")
        ),
        interval_s=_number(
            values.get("interval_s"), MIN_INTERVAL_S, MAX_INTERVAL_S, "interval_s"
        ),
        version=_text(values.get("version") or "?", MAX_VERSION_LENGTH, "version"),
        ha_version=_text(
            values.get("ha_version") or "?", MAX_VERSION_LENGTH, "ha_version"
        ),
        at=_time(values.get("at")),
        source=source,
    )


def report_from_payload(instance_id: str, payload: bytes) -> InstanceReport | None:
    """Return the report of an MQTT state message; None for the offline last will.

    The topic's instance id must match the message's. Raises
    :class:`InvalidReportError` for anything else that cannot be used; a
    payload is bounded before it is decoded.
    """
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise InvalidReportError("message too large")
    text = payload.decode("utf-8", errors="replace")
    if text.strip() == OFFLINE_PAYLOAD:
        return None
    try:
        values = json.loads(text)
    except ValueError as err:
        raise InvalidReportError("message is not JSON") from err
    if not isinstance(values, dict):
        raise InvalidReportError("message is not an object")
    report = report_from_values(values, Source.MQTT)
    if report.instance_id != instance_id:
        raise InvalidReportError("message names another instance")
    return report


def duration_text(seconds: float) -> str:
    """Return a duration as people say it: 45 s, 12 min, 3 h 5 min, 2 d 4 h."""
    seconds = max(int(seconds), 0)
    if seconds < 120:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 120:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


class FleetView:
    """The other instances this one has heard of, by id, newest report per source."""

    def __init__(self, own_id: str) -> None:
        """Know no instance yet; reports of ``own_id`` (this instance) are ignored."""
        self.own_id = own_id
        self._reports: dict[str, dict[str, InstanceReport]] = {}

    def instance_ids(self) -> list[str]:
        """Return the known instances, in the order they were first heard of."""
        return list(self._reports)

    def sources(self, instance_id: str) -> list[str]:
        """Return the sources that reported ``instance_id``."""
        return list(self._reports.get(instance_id, ()))

    def reports(self, instance_id: str) -> list[InstanceReport]:
        """Return the newest report of each source of ``instance_id``."""
        return list(self._reports.get(instance_id, {}).values())

    def observe(self, report: InstanceReport) -> bool:
        """Take a report; return whether it is of an instance not known before."""
        if report.instance_id == self.own_id:
            return False
        reports = self._reports.get(report.instance_id)
        if reports is None:
            if len(self._reports) >= MAX_INSTANCES:
                return False
            self._reports[report.instance_id] = {report.source: report}
            return True
        # A source's latest word replaces its earlier one (a heartbeat row
        # is the instance's current state); sources are weighed in latest().
        reports[report.source] = report
        return False

    def went_offline(self, instance_id: str, source: str, at: datetime) -> bool:
        """Note an instance's last will; return whether it changed what is known."""
        reports = self._reports.get(instance_id)
        previous = None if reports is None else reports.get(source)
        if previous is None or not previous.online:
            return False
        reports[source] = replace(previous, online=False, at=at)  # type: ignore[index]
        return True

    def forget(self, instance_id: str, source: str) -> bool:
        """Drop what ``source`` said of an instance; return whether it is gone."""
        reports = self._reports.get(instance_id)
        if reports is None:
            return False
        reports.pop(source, None)
        if reports:
            return False
        del self._reports[instance_id]
        return True

    def latest(self, instance_id: str) -> InstanceReport | None:
        """Return the newest report of an instance (its last will counts as one)."""
        reports = self._reports.get(instance_id)
        if not reports:
            return None
        return max(reports.values(), key=lambda report: report.at)

    def judge(self, instance_id: str, now: datetime) -> CheckResult:
        """Return the instance's health as a check result of this instance."""
        report = self.latest(instance_id)
        if report is None:
            return CheckResult(
                status=HealthStatus.UNKNOWN, message="No report from this instance"
            )
        return judge_report(report, now)


def judge_report(report: InstanceReport, now: datetime) -> CheckResult:
    """Judge one report at ``now``: offline and silent are critical."""
    age = (now - report.at).total_seconds()
    metrics: dict[str, MetricValue] = {
        "score": report.score,
        "open_incidents": report.open_incidents,
        "components": report.components,
        "last_heartbeat": report.at.isoformat(),
    }
    if not report.online:
        return CheckResult(
            status=HealthStatus.CRITICAL,
            message=(
                f"Instance offline: {report.name} lost its broker connection "
                f"at {report.at.strftime('%H:%M:%S')} UTC"
            ),
            metrics=metrics,
            checked_at=now,
        )
    silent_after = SILENT_AFTER_INTERVALS * report.interval_s
    if age > silent_after:
        return CheckResult(
            status=HealthStatus.CRITICAL,
            message=(
                f"Instance silent: no heartbeat from {report.name} for "
                f"{duration_text(age)} (expected every "
                f"{duration_text(report.interval_s)})"
            ),
            metrics=metrics,
            checked_at=now,
        )
    score = "score unknown" if report.score is None else f"score {report.score:g} %"
    incidents = (
        "1 open incident"
        if report.open_incidents == 1
        else f"{report.open_incidents} open incidents"
    )
    return CheckResult(
        status=report.status,
        message=f"{report.name} reports {report.status}: {score}, {incidents}",
        metrics=metrics,
        checked_at=now,
    )


def silent_deadline(report: InstanceReport) -> datetime:
    """Return when ``report``'s instance turns silent without a newer report."""
    return report.at + timedelta(seconds=SILENT_AFTER_INTERVALS * report.interval_s)
