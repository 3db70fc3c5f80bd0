"""Incidents to and from plain data (JSON-ready dicts with ISO times).

Stored files of earlier versions must keep loading: the keys written here
are the storage format. Every reader checks what it reads and raises
TypeError or ValueError for a value the integration could not have written,
instead of coercing it; parts that are unreadable are skipped and named.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final

from ..models import MAX_AFFECTED, ComponentType, HealthStatus
from ..sanitize import sanitize_message
from .lifecycle import IncidentStatus, TimelineEvent
from .model import SYSTEM_ACTOR, Incident, RecoveryRecord, RecoveryResult, Severity
from .timeline import DEFAULT_TIMELINE_LIMIT, DetailValue, Timeline, TimelineEntry

# Version of the tracker's export (see IncidentTracker.export).
EXPORT_VERSION: Final = 1

_UNREADABLE = (AttributeError, KeyError, TypeError, ValueError)
# Ids are INC-YYYYMMDD-NNNN; anything far longer was not written by us.
MAX_INCIDENT_ID_LENGTH: Final = 64
# The longest note the services and the fix flow accept.
_MAX_NOTE_LENGTH: Final = 2000
# The statuses an acknowledgement (and its expiry) belongs to.
_ACKNOWLEDGED = (
    IncidentStatus.ACKNOWLEDGED,
    IncidentStatus.INVESTIGATING,
    IncidentStatus.IN_PROGRESS,
)


def parse_time(value: Any) -> datetime:
    """Read an ISO time written by :func:`datetime.isoformat`; naive means UTC."""
    if not isinstance(value, str):
        raise TypeError("a time is stored as an ISO string")
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _optional_time(value: Any) -> datetime | None:
    return None if value is None else parse_time(value)


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _optional_str(value: Any) -> str | None:
    return None if value is None else str(value)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("a text is stored as a string")
    return value


def _optional_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _count(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError("a count is a non-negative integer")
    return value


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError("a flag is a boolean")
    return value


def _optional_incident_id(value: Any) -> str | None:
    """Read the id of another incident (a suppressing parent's)."""
    if value is None:
        return None
    if not isinstance(value, str) or not value or len(value) > MAX_INCIDENT_ID_LENGTH:
        raise ValueError("an incident id is a short text")
    return value


def _details(raw: Any) -> dict[str, DetailValue]:
    if not isinstance(raw, dict):
        return {}
    return {
        str(key): value
        for key, value in raw.items()
        if value is None or isinstance(value, str | int | float | bool)
    }


def _affected(raw: Any) -> tuple[str, ...]:
    """Read what an incident is about: texts, at most MAX_AFFECTED, bounded."""
    if raw is None:
        return ()
    if not isinstance(raw, list) or len(raw) > MAX_AFFECTED:
        raise ValueError("affected is a short list")
    return tuple(sanitize_message(_text(item)) for item in raw)


def _note(skipped: list[str] | None, what: str) -> None:
    """Name a part of stored data that was left out because it was unreadable."""
    if skipped is not None:
        skipped.append(what)


# Timeline entries


def timeline_entry_to_dict(entry: TimelineEntry) -> dict[str, Any]:
    """Serialize as ``{time, event, actor, details}``."""
    return {
        "time": entry.time.isoformat(),
        "event": entry.event.value,
        "actor": entry.actor,
        "details": dict(entry.details),
    }


def timeline_entry_from_dict(data: Mapping[str, Any]) -> TimelineEntry:
    """Rebuild an entry from :func:`timeline_entry_to_dict` output."""
    return TimelineEntry(
        time=parse_time(data["time"]),
        event=TimelineEvent(data["event"]),
        actor=_text(data["actor"]),
        details=_details(data.get("details")),
    )


# Recovery records


def recovery_result_to_dict(result: RecoveryResult) -> dict[str, Any]:
    """Serialize one attempt's outcome."""
    return {
        "time": result.time.isoformat(),
        "success": result.success,
        "error": result.error,
    }


def recovery_result_from_dict(data: Mapping[str, Any]) -> RecoveryResult:
    """Rebuild a result from :func:`recovery_result_to_dict` output."""
    success = data["success"]
    if not isinstance(success, bool):
        raise TypeError("success is a boolean")
    return RecoveryResult(
        parse_time(data["time"]), success, _optional_text(data.get("error"))
    )


def recovery_record_to_dict(record: RecoveryRecord) -> dict[str, Any]:
    """Serialize every attempt of one action."""
    return {
        "count": record.count,
        "last_attempt_at": _iso(record.last_attempt_at),
        "results": [recovery_result_to_dict(result) for result in record.results],
    }


def recovery_record_from_dict(
    data: Mapping[str, Any], skipped: list[str] | None = None
) -> RecoveryRecord:
    """Rebuild a record; unreadable results are skipped (and listed in ``skipped``)."""
    count = _count(data["count"])
    results = []
    raw_results = data.get("results") or []
    if not isinstance(raw_results, list):
        raw_results = []
        _note(skipped, "recovery results")
    for index, raw in enumerate(raw_results):
        try:
            results.append(recovery_result_from_dict(raw))
        except _UNREADABLE:
            _note(skipped, f"recovery result {index}")
    return RecoveryRecord(count, _optional_time(data.get("last_attempt_at")), results)


# Incidents


def incident_summary(incident: Incident) -> dict[str, Any]:
    """Return the incident without timeline and recovery records, JSON-ready."""
    return {
        "id": incident.id,
        "title": incident.title,
        "description": incident.description,
        "severity": incident.severity.value,
        "status": incident.status.value,
        "component_id": incident.component_id,
        "component_name": incident.component_name,
        "component_type": incident.component_type.value,
        "component_status": incident.component_status.value,
        "created_at": incident.created_at.isoformat(),
        "created_by": incident.created_by,
        "updated_at": _iso(incident.updated_at),
        "updated_by": incident.updated_by,
        "acknowledged_at": _iso(incident.acknowledged_at),
        "acknowledged_by": incident.acknowledged_by,
        "acknowledged_until": _iso(incident.acknowledged_until),
        "resolved_at": _iso(incident.resolved_at),
        "resolved_by": incident.resolved_by,
        "closed_at": _iso(incident.closed_at),
        "closed_by": incident.closed_by,
        "escalation_level": incident.escalation_level,
        "recovery_attempts": incident.recovery_attempts,
        "affected": list(incident.affected),
        "suppressed_by": incident.suppressed_by,
        "flapping": incident.flapping,
        "flaps": incident.flaps,
    }


def incident_to_dict(incident: Incident) -> dict[str, Any]:
    """Serialize everything, JSON-ready (ISO times)."""
    return {
        **incident_summary(incident),
        "acknowledgement_note": incident.acknowledgement_note,
        "reopened_at": _iso(incident.reopened_at),
        "escalation_floor": _optional_str(incident.escalation_floor),
        "last_escalated_at": _iso(incident.last_escalated_at),
        "timeline": [timeline_entry_to_dict(entry) for entry in incident.timeline],
        "recovery": {
            key: recovery_record_to_dict(record)
            for key, record in incident.recovery.items()
        },
        "recovery_awaiting_confirmation": incident.recovery_awaiting_confirmation,
        "recoveries_succeeded": incident.recoveries_succeeded,
    }


def incident_from_dict(
    data: Mapping[str, Any],
    skipped: list[str] | None = None,
    *,
    timeline_limit: int = DEFAULT_TIMELINE_LIMIT,
) -> Incident:
    """Rebuild an incident from :func:`incident_to_dict` output.

    Raises KeyError, TypeError or ValueError when a required field is
    unreadable or the incident contradicts itself (e.g. resolved without
    a resolve time, so it could never close); unreadable timeline entries
    and recovery records are skipped and named in ``skipped``.
    """
    floor = data.get("escalation_floor")
    status = IncidentStatus(data["status"])
    incident = Incident(
        id=_text(data["id"]),
        title=_text(data["title"]),
        description=_text(data["description"]),
        severity=Severity(data["severity"]),
        status=status,
        component_id=_text(data["component_id"]),
        component_name=_text(data["component_name"]),
        component_type=ComponentType(data["component_type"]),
        component_status=HealthStatus(data["component_status"]),
        created_at=parse_time(data["created_at"]),
        created_by=_text(data.get("created_by", SYSTEM_ACTOR)),
        updated_at=_optional_time(data.get("updated_at")),
        updated_by=_optional_text(data.get("updated_by")),
        acknowledged_at=_optional_time(data.get("acknowledged_at")),
        acknowledged_by=_optional_text(data.get("acknowledged_by")),
        resolved_at=_optional_time(data.get("resolved_at")),
        resolved_by=_optional_text(data.get("resolved_by")),
        closed_at=_optional_time(data.get("closed_at")),
        closed_by=_optional_text(data.get("closed_by")),
        reopened_at=_optional_time(data.get("reopened_at")),
        escalation_level=_count(data.get("escalation_level", 0)),
        escalation_floor=None if floor is None else Severity(floor),
        last_escalated_at=_optional_time(data.get("last_escalated_at")),
        recovery_awaiting_confirmation=_optional_text(
            data.get("recovery_awaiting_confirmation")
        ),
        recoveries_succeeded=_count(data.get("recoveries_succeeded", 0)),
        affected=_affected(data.get("affected")),
        suppressed_by=_optional_incident_id(data.get("suppressed_by")),
        flapping=_flag(data.get("flapping", False)),
        flaps=_count(data.get("flaps", 0)),
    )
    if not incident.component_id:
        raise ValueError("an incident belongs to a component")
    if status is IncidentStatus.RESOLVED and incident.resolved_at is None:
        raise ValueError("a resolved incident has a resolve time")
    name = incident.id[:40]
    _read_acknowledgement(incident, data, skipped, name)
    raw_timeline = data.get("timeline") or []
    if not isinstance(raw_timeline, list):
        raw_timeline = []
        _note(skipped, f"{name}: timeline")
    entries: list[TimelineEntry] = []
    for index, raw_entry in enumerate(raw_timeline):
        try:
            entries.append(timeline_entry_from_dict(raw_entry))
        except _UNREADABLE:
            _note(skipped, f"{name}: timeline entry {index}")
    incident.timeline = Timeline(entries, limit=timeline_limit)
    recovery = data.get("recovery")
    if isinstance(recovery, dict):
        for key, raw_record in recovery.items():
            try:
                incident.recovery[str(key)] = recovery_record_from_dict(
                    raw_record, skipped
                )
            except _UNREADABLE:
                _note(skipped, f"{name}: recovery record")
    elif recovery is not None:
        _note(skipped, f"{name}: recovery records")
    return incident


def _read_acknowledgement(
    incident: Incident, data: Mapping[str, Any], skipped: list[str] | None, name: str
) -> None:
    """Read the acknowledgement's expiry and note; skip (and name) what is unreadable.

    An expiry only belongs to an acknowledged incident (acknowledged,
    investigating or in progress); files without these keys still load.
    """
    try:
        until = _optional_time(data.get("acknowledged_until"))
        if until is not None and incident.status not in _ACKNOWLEDGED:
            raise ValueError("only an acknowledged incident has an expiry")
        incident.acknowledged_until = until
    except _UNREADABLE:
        _note(skipped, f"{name}: acknowledgement expiry")
    try:
        note = _optional_text(data.get("acknowledgement_note"))
        if note is not None and len(note) > _MAX_NOTE_LENGTH:
            raise ValueError("a note is at most 2000 characters")
        incident.acknowledgement_note = note
    except _UNREADABLE:
        _note(skipped, f"{name}: acknowledgement note")


# The tracker's state


def read_export_version(data: Mapping[str, Any]) -> bool:
    """Whether the export's version is one this code can read."""
    version = data.get("version", EXPORT_VERSION)
    return (
        isinstance(version, int)
        and not isinstance(version, bool)
        and 1 <= version <= EXPORT_VERSION
    )


def read_streaks(raw: Any, what: str, skipped: list[str]) -> dict[str, int]:
    """Read stored streaks (absent: none); anything but a positive count is skipped."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        skipped.append(f"{what}s")
        return {}
    streaks: dict[str, int] = {}
    for component_id, count in raw.items():
        if (
            isinstance(component_id, str)
            and isinstance(count, int)
            and not isinstance(count, bool)
            and count > 0
        ):
            streaks[component_id] = count
        else:
            skipped.append(what)
    return streaks
