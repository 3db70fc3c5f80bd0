"""What a component's health writes into its incident's timeline.

Titles, status details and the affected set's joins and leaves, shared by
the tracker's rules.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..models import ComponentHealth
from .model import Incident, Severity
from .timeline import DetailValue


def title_of(component: ComponentHealth) -> str:
    """Return an incident's title: "<component> is <status>"."""
    return f"{component.name} is {component.status.value}"


def count_streak(streaks: dict[str, int], component_id: str, counts: bool) -> int:
    """Extend a component's streak if ``counts``, else end it; return its length."""
    if not counts:
        streaks.pop(component_id, None)
        return 0
    streak = streaks[component_id] = streaks.get(component_id, 0) + 1
    return streak


def status_details(
    component: ComponentHealth, severity: Severity
) -> dict[str, DetailValue]:
    """Return the timeline details of the component's status and the severity."""
    details: dict[str, DetailValue] = {
        "component_status": component.status.value,
        "severity": severity.value,
        "message": component.message,
    }
    if component.affected:
        details["affected"] = named(component.affected)
    return details


# Names written into one timeline entry; the rest are counted.
MAX_NAMED = 10


def named(names: Iterable[str]) -> str:
    """Return up to :data:`MAX_NAMED` names, joined, and how many more there are."""
    listed = list(names)
    text = ", ".join(listed[:MAX_NAMED])
    if len(listed) > MAX_NAMED:
        text += f" and {len(listed) - MAX_NAMED} more"
    return text


def take_affected(
    incident: Incident, component: ComponentHealth
) -> dict[str, DetailValue]:
    """Take over the component's affected set; return who joined and who left."""
    before = set(incident.affected)
    now = set(component.affected)
    incident.affected = component.affected
    details: dict[str, DetailValue] = {}
    joined = [name for name in component.affected if name not in before]
    left = sorted(before - now)
    if joined:
        details["joined"] = named(joined)
        details["joined_count"] = len(joined)
    if left:
        details["left"] = named(left)
        details["left_count"] = len(left)
    if joined or left:
        details["affected_count"] = len(now)
    return details
