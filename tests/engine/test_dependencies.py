"""Dependencies: a parent's open incident suppresses its children's; resolution is always told."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from custom_components.health_monitor.engine.dependencies import (
    DependencyGraph,
    find_cycle,
)
from custom_components.health_monitor.engine.incidents import (
    IncidentStatus,
    IncidentTracker,
    TimelineEvent,
    notification_for,
)
from custom_components.health_monitor.engine.incidents.events import (
    IncidentEvent,
    IncidentEventType,
)
from custom_components.health_monitor.engine.models import (
    ComponentHealth,
    ComponentType,
    HealthStatus,
)

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
HOST = "host"
CHILDREN = [f"service{index}" for index in range(5)]


def health(component_id: str, status: HealthStatus) -> ComponentHealth:
    """Return the health of ``component_id`` in ``status``."""
    return ComponentHealth(
        component_id=component_id,
        name=component_id.capitalize(),
        component_type=ComponentType.NETWORK,
        status=status,
        message=f"{component_id} is {status}",
    )


def tracker_with_children() -> IncidentTracker:
    """Return a tracker where five services depend on one host."""
    tracker = IncidentTracker()
    tracker.dependencies = DependencyGraph(dict.fromkeys(CHILDREN, [HOST]))
    return tracker


def cycle(
    tracker: IncidentTracker, minute: int, statuses: dict[str, HealthStatus]
) -> list[IncidentEvent]:
    """Observe one cycle at T0 + ``minute`` minutes (children listed first)."""
    components = [health(cid, status) for cid, status in statuses.items()]
    return tracker.observe_all(components, T0 + timedelta(minutes=minute))


def told(events: list[IncidentEvent]) -> list[str]:
    """Return the titles of the notifications ``events`` send."""
    return [n.title for e in events if (n := notification_for(e)) is not None]


def everything(status: HealthStatus, host: HealthStatus) -> dict[str, HealthStatus]:
    """Children first: the order of a cycle must not matter."""
    return {**dict.fromkeys(CHILDREN, status), HOST: host}


CRITICAL = HealthStatus.CRITICAL
HEALTHY = HealthStatus.HEALTHY


def test_an_outage_of_a_parent_with_five_children_is_told_once() -> None:
    """Parent and children fail in the same cycles: only the parent is told."""
    tracker = tracker_with_children()
    events = cycle(tracker, 0, everything(CRITICAL, CRITICAL))
    events += cycle(tracker, 1, everything(CRITICAL, CRITICAL))

    assert told(events) == ["Host is critical"]
    parent = tracker.incident_for(HOST)
    assert parent is not None
    assert parent.suppressed_by is None
    for child in CHILDREN:
        incident = tracker.incident_for(child)
        assert incident is not None
        assert incident.is_open
        assert incident.suppressed_by == parent.id
        assert incident.timeline[0].details["suppressed_by"] == parent.id
        assert incident.timeline[0].details["parent"] == "Host"
    opened = [e for e in events if e.type is IncidentEventType.OPENED]
    assert len(opened) == 6
    assert sum(not e.quiet for e in opened) == 1


def test_children_resolve_and_are_told_when_the_parent_is_fixed() -> None:
    """Resolution is always delivered, also for a suppressed incident."""
    tracker = tracker_with_children()
    for minute in range(2):
        cycle(tracker, minute, everything(CRITICAL, CRITICAL))
    events = cycle(tracker, 2, everything(HEALTHY, HEALTHY))
    events += cycle(tracker, 3, everything(HEALTHY, HEALTHY))

    resolved = [e for e in events if e.type is IncidentEventType.RESOLVED]
    assert {e.component_id for e in resolved} == {HOST, *CHILDREN}
    assert not any(e.quiet for e in resolved)
    assert len(told(events)) == 6


def test_a_suppressed_incident_does_not_escalate() -> None:
    """Nobody was told of it, so nobody could acknowledge it."""
    tracker = tracker_with_children()
    for minute in range(0, 120, 1):
        events = cycle(tracker, minute, everything(CRITICAL, CRITICAL))
        assert all(
            e.component_id == HOST for e in events if e.type.value == "escalated"
        )
    child = tracker.incident_for(CHILDREN[0])
    assert child is not None
    assert child.escalation_level == 0


def test_a_child_that_failed_first_is_suppressed_once_the_parent_opens() -> None:
    """Which check fails first is chance: an open child incident is suppressed later."""
    tracker = tracker_with_children()
    first = cycle(tracker, 0, everything(CRITICAL, HEALTHY))
    first += cycle(tracker, 1, everything(CRITICAL, HEALTHY))
    assert len(told(first)) == 5
    events = cycle(tracker, 2, everything(CRITICAL, CRITICAL))
    events += cycle(tracker, 3, everything(CRITICAL, CRITICAL))

    parent = tracker.incident_for(HOST)
    assert parent is not None
    assert told(events) == ["Host is critical"]
    child = tracker.incident_for(CHILDREN[0])
    assert child is not None
    assert child.suppressed_by == parent.id
    assert child.timeline[-1].event is TimelineEvent.SUPPRESSED


def test_a_child_still_failing_after_the_parent_resolved_becomes_normal() -> None:
    """It waits ``failure_threshold`` cycles (a service may need a moment), then is told."""
    tracker = tracker_with_children()
    for minute in range(2):
        cycle(tracker, minute, everything(CRITICAL, CRITICAL))
    failing_child = {**everything(HEALTHY, HEALTHY), CHILDREN[0]: CRITICAL}
    events = cycle(tracker, 2, failing_child)
    # The host resolves at minute 3; the child fails two more cycles.
    events += cycle(tracker, 3, failing_child)
    child = tracker.incident_for(CHILDREN[0])
    assert child is not None
    assert child.suppressed_by is not None
    events += cycle(tracker, 4, failing_child)
    assert child is not None
    assert child.suppressed_by is None
    assert child.timeline[-1].event is TimelineEvent.UNSUPPRESSED
    assert "Service0 is critical" in told(events)
    # Released at minute 4: the escalation clock starts there.
    assert child.next_escalation_at(timedelta(minutes=30)) == T0 + timedelta(minutes=34)


def test_a_child_that_is_healthy_again_in_time_is_never_told_as_failing() -> None:
    """A service back one cycle after its host resolves; only the resolutions are told."""
    tracker = tracker_with_children()
    for minute in range(2):
        cycle(tracker, minute, everything(CRITICAL, CRITICAL))
    slow_child = {**everything(HEALTHY, HEALTHY), CHILDREN[0]: CRITICAL}
    events = cycle(tracker, 2, slow_child)
    events += cycle(tracker, 3, everything(HEALTHY, HEALTHY))
    events += cycle(tracker, 4, everything(HEALTHY, HEALTHY))
    assert not any("is critical" in title for title in told(events))
    child = tracker.incident_for(CHILDREN[0])
    assert child is not None
    assert child.status is IncidentStatus.RESOLVED


def test_a_grandchild_is_suppressed_through_its_parent() -> None:
    """Edges chain: a database behind a service behind a host."""
    tracker = IncidentTracker()
    tracker.dependencies = DependencyGraph({"db": ["service"], "service": [HOST]})
    statuses = {"db": CRITICAL, "service": CRITICAL, HOST: CRITICAL}
    events = cycle(tracker, 0, statuses) + cycle(tracker, 1, statuses)
    assert told(events) == ["Host is critical"]


def test_a_reopened_child_is_suppressed_while_its_parent_is_open() -> None:
    """A resolved child failing again behind an open parent reopens quietly."""
    tracker = tracker_with_children()
    child = CHILDREN[0]
    cycle(tracker, 0, {child: CRITICAL, HOST: HEALTHY})
    cycle(tracker, 1, {child: CRITICAL, HOST: HEALTHY})
    cycle(tracker, 2, {child: HEALTHY, HOST: HEALTHY})
    cycle(tracker, 3, {child: HEALTHY, HOST: HEALTHY})
    events = cycle(tracker, 4, {child: CRITICAL, HOST: CRITICAL})
    events += cycle(tracker, 5, {child: CRITICAL, HOST: CRITICAL})
    assert told(events) == ["Host is critical"]
    incident = tracker.incident_for(child)
    assert incident is not None
    assert incident.status is IncidentStatus.NEW
    assert incident.suppressed_by is not None


def test_order_puts_parents_first_and_survives_a_stored_cycle() -> None:
    """Within a cycle parents come first; a cycle in stored data never loops."""
    graph = DependencyGraph({"a": ["b"], "b": ["c"]})
    assert graph.order(["a", "b", "c", "d"]) == ["c", "b", "a", "d"]
    looped = DependencyGraph({"a": ["b"], "b": ["a"]})
    assert sorted(looped.order(["a", "b"])) == ["a", "b"]
    assert looped.ancestors("a") == ("b",)


def test_ancestors_are_nearest_first_each_once() -> None:
    """A diamond names the shared grandparent once."""
    graph = DependencyGraph(
        {"db": ["left", "right"], "left": ["top"], "right": ["top"]}
    )
    assert graph.ancestors("db") == ("left", "right", "top")
    assert graph.parents_of("top") == frozenset()


def test_find_cycle_names_the_loop() -> None:
    """A self-edge is no cycle (it is dropped); a loop of three is found."""
    assert find_cycle({"a": ["b"], "b": ["c"]}) is None
    assert find_cycle({"a": ["b"], "b": ["c"], "c": ["a"]}) == ["a", "b", "c", "a"]
    assert DependencyGraph({"a": ["a"]}).parents_of("a") == frozenset()


def test_a_pushed_failure_of_a_child_waits_for_its_parents_check() -> None:
    """A broker's pushed disconnect on a failing host is told as the host's outage."""
    tracker = tracker_with_children()
    child = CHILDREN[0]
    pushed = health(child, CRITICAL)
    pushed.pushed = True
    events = tracker.observe_all([pushed], T0)
    assert tracker.incident_for(child) is None
    events += cycle(tracker, 1, {child: CRITICAL, HOST: CRITICAL})
    # The host failed once: the child waits for it rather than being told.
    assert tracker.incident_for(child) is None
    events += cycle(tracker, 2, {child: CRITICAL, HOST: CRITICAL})
    assert told(events) == ["Host is critical"]
    incident = tracker.incident_for(child)
    assert incident is not None
    assert incident.suppressed_by is not None


def test_a_child_waiting_for_a_parent_that_recovers_opens_normally() -> None:
    """The parent failed once and recovered: the child's own failure is told."""
    tracker = tracker_with_children()
    child = CHILDREN[0]
    events = cycle(tracker, 0, {child: CRITICAL, HOST: CRITICAL})
    events += cycle(tracker, 1, {child: CRITICAL, HOST: HEALTHY})
    assert told(events) == ["Service0 is critical"]


def test_maintenance_of_a_parent_covers_its_children() -> None:
    """Working on the host: nothing opens for what runs on it."""
    tracker = tracker_with_children()
    tracker.in_maintenance = lambda component_id, now: component_id == HOST
    events = cycle(tracker, 0, everything(CRITICAL, CRITICAL))
    events += cycle(tracker, 1, everything(CRITICAL, CRITICAL))
    assert events == []
    assert tracker.list_incidents() == []
