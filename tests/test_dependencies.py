"""Dependencies in Home Assistant: one notification and one repair issue for the cause."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
import uuid

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.health_monitor.const import (
    CONF_DIGEST_WINDOW,
    CONF_NOTIFY_ACTION,
    DOMAIN,
)
from custom_components.health_monitor.dependencies import (
    CONF_CONNECTIVITY,
    CONF_DEPENDS_ON,
    dependency_edges,
    is_local_host,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er, issue_registry as ir

from .targets.flows import submit_target_form
from .targets.postgres_server import MONITOR_PASSWORD, MONITOR_USER, PostgresServer
from .tcp_service import TcpService, network_target, targets_entry
from .test_incident_events import cycle, record_service, set_up

pytestmark = pytest.mark.usefixtures("socket_enabled")

HOST = "db_host"
CHILDREN = [f"db_{index}" for index in range(5)]


def database_target(
    postgres: PostgresServer, subentry_id: str, database: str
) -> dict[str, Any]:
    """Return the subentry of a database target on the private server."""
    return {
        "data": {
            "host": postgres.host,
            "port": postgres.port,
            "database": database,
            "username": MONITOR_USER,
            "password": MONITOR_PASSWORD,
            "ssl_mode": "disable",
            "latency_warning_ms": 5000,
            "latency_critical_ms": 10000,
        },
        "subentry_id": subentry_id,
        "subentry_type": "database",
        "title": f"Database {database}",
        "unique_id": f"database:{postgres.host}:{postgres.port}/{database}",
    }


@pytest.fixture
async def five_databases(postgres: PostgresServer) -> AsyncGenerator[list[str]]:
    """Create five databases the monitoring role may use."""
    names = [f"dep_{uuid.uuid4().hex[:8]}" for _ in CHILDREN]
    for name in names:
        await postgres.execute(f"CREATE DATABASE {name} OWNER {MONITOR_USER}")
    yield names
    if postgres.running:
        for name in names:
            await postgres.execute(f"DROP DATABASE {name} WITH (FORCE)")


@dataclass
class ServicePair:
    """A parent service and a child service that depends on it."""

    parent: TcpService
    child: TcpService


@pytest.fixture
async def pair() -> AsyncGenerator[ServicePair]:
    """Return two listening services; both stop at the end."""
    services = ServicePair(TcpService(), TcpService())
    await services.parent.start()
    await services.child.start()
    yield services
    for service in (services.parent, services.child):
        if service.running:
            await service.stop()


async def set_up_pair(
    hass: HomeAssistant, pair: ServicePair, **options: Any
) -> MockConfigEntry:
    """Watch "Parent" and "Child" (chosen to depend on it), notifying ``notify.on_call``."""
    child = network_target(pair.child.port, "child", "Child")
    child["data"][CONF_DEPENDS_ON] = ["parent"]
    return await set_up(
        hass,
        targets_entry(
            [network_target(pair.parent.port, "parent", "Parent"), child],
            **{CONF_NOTIFY_ACTION: "notify.on_call", **options},
        ),
    )


def our_issues(issue_registry: ir.IssueRegistry) -> list[str]:
    """Return the ids of Health Monitor's repair issues."""
    return [issue_id for domain, issue_id in issue_registry.issues if domain == DOMAIN]


def problem_sensor(
    hass: HomeAssistant, entry: MockConfigEntry, component_id: str
) -> Any:
    """Return the state of a component's problem binary sensor."""
    entity_id = er.async_get(hass).async_get_entity_id(
        "binary_sensor", DOMAIN, f"{entry.entry_id}_{component_id}_incident"
    )
    assert entity_id is not None
    return hass.states.get(entity_id)


async def test_stopping_the_database_server_behind_a_network_target_is_told_once(
    hass: HomeAssistant,
    postgres: PostgresServer,
    five_databases: list[str],
    issue_registry: ir.IssueRegistry,
) -> None:
    """Five databases on the host of a network target: one notification, one repair issue."""
    notified = record_service(hass, "notify", "on_call")
    entry = await set_up(
        hass,
        targets_entry(
            [
                network_target(postgres.port, HOST, "Database host"),
                *(
                    database_target(postgres, child, name)
                    for child, name in zip(CHILDREN, five_databases, strict=True)
                ),
            ],
            **{CONF_NOTIFY_ACTION: "notify.on_call"},
        ),
    )
    await cycle(hass, entry, 2)
    assert notified == []

    await hass.async_add_executor_job(postgres.stop)
    await cycle(hass, entry, 3)

    incidents = entry.runtime_data.incidents
    parent = incidents.incident_for(HOST)
    assert parent is not None
    assert parent.is_open
    assert [call.data["title"] for call in notified] == ["Database host is critical"]
    assert our_issues(issue_registry) == [f"{entry.entry_id}_{parent.id}"]
    for child in CHILDREN:
        incident = incidents.incident_for(child)
        assert incident is not None
        assert incident.is_open
        assert incident.suppressed_by == parent.id
        state = problem_sensor(hass, entry, child)
        assert state.state == "on"
        assert state.attributes["suppressed_by"] == parent.id

    notified.clear()
    await hass.async_add_executor_job(postgres.start)
    await cycle(hass, entry, 3)

    for component_id in (HOST, *CHILDREN):
        incident = incidents.incident_for(component_id)
        assert incident is not None
        assert not incident.is_open, component_id
        assert problem_sensor(hass, entry, component_id).state == "off"
    assert our_issues(issue_registry) == []
    # Resolved in the same cycle: one digest names all six.
    assert [call.data["title"] for call in notified] == ["6 incidents resolved"]
    message = notified[0].data["message"]
    for name in ("Database host", *(f"Database {db}" for db in five_databases)):
        assert f"{name} (critical) resolved" in message


async def test_a_chosen_dependency_suppresses_and_releases_a_child(
    hass: HomeAssistant, issue_registry: ir.IssueRegistry, pair: ServicePair
) -> None:
    """A child still failing after its parent recovered gets its own issue and notification."""
    notified = record_service(hass, "notify", "on_call")
    entry = await set_up_pair(hass, pair)
    await pair.parent.stop()
    await pair.child.stop()
    await cycle(hass, entry, 2)
    assert [call.data["title"] for call in notified] == ["Parent is critical"]

    await pair.parent.start()
    await cycle(hass, entry, 4)
    incident = entry.runtime_data.incidents.incident_for("child")
    assert incident is not None
    assert incident.is_open
    assert incident.suppressed_by is None
    assert f"{entry.entry_id}_{incident.id}" in our_issues(issue_registry)
    assert [call.data["title"] for call in notified][-1] == "Child is critical"


async def test_dependencies_form_refuses_a_cycle(hass: HomeAssistant) -> None:
    """A depends on B; B may not depend on A (nothing is saved)."""
    service_a, service_b = TcpService(), TcpService()
    await service_a.start()
    await service_b.start()
    a = network_target(service_a.port, "a", "A")
    a["data"][CONF_DEPENDS_ON] = ["b"]
    entry = await set_up(
        hass, targets_entry([a, network_target(service_b.port, "b", "B")])
    )
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "network"),
        context={"source": "reconfigure", "subentry_id": "b"},
    )
    assert result["type"] is FlowResultType.FORM
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {
            "host": "127.0.0.1",
            "port": service_b.port,
            "latency_warning_ms": 5000,
            "latency_critical_ms": 10000,
            CONF_DEPENDS_ON: ["a"],
        },
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_DEPENDS_ON: "dependency_cycle"}
    assert CONF_DEPENDS_ON not in entry.subentries["b"].data
    await service_a.stop()
    await service_b.stop()


async def test_a_new_target_can_depend_on_an_existing_one(hass: HomeAssistant) -> None:
    """The add form offers the other targets and stores the choice."""
    service = TcpService()
    await service.start()
    entry = await set_up(hass, targets_entry([network_target(service.port, "a", "A")]))
    result = await submit_target_form(
        hass,
        entry,
        "network",
        {
            "host": "localhost",
            "latency_warning_ms": 5000,
            "latency_critical_ms": 10000,
            CONF_DEPENDS_ON: ["a"],
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY, result.get("errors")
    (added,) = [s for sid, s in entry.subentries.items() if sid != "a"]
    assert added.data[CONF_DEPENDS_ON] == ["a"]
    assert entry.runtime_data.incidents.dependencies.parents_of(
        added.subentry_id
    ) == frozenset({"a"})
    await service.stop()


async def test_implied_dependencies_follow_hosts_the_broker_and_connectivity(
    hass: HomeAssistant,
) -> None:
    """Host, Home Assistant's MQTT broker and the internet connection imply parents."""
    MockConfigEntry(
        domain="mqtt", data={"broker": "Broker.LAN", "port": 1883}
    ).add_to_hass(hass)
    targets: dict[str, tuple[str, dict[str, Any]]] = {
        "nas": ("network", {"host": "nas.lan"}),
        "internet": ("network", {"host": "1.1.1.1", CONF_CONNECTIVITY: True}),
        "db": ("database", {"host": "NAS.lan", "port": 5432}),
        "web": ("http_endpoint", {"url": "https://example.com/health"}),
        "local_web": ("http_endpoint", {"url": "http://192.168.1.5/"}),
        "broker": ("mqtt_broker", {"host": "broker.lan", "port": 1883}),
        "ha_mqtt": ("ha_mqtt", {}),
        "cloud_ping": ("network", {"host": "example.org"}),
    }
    assert dependency_edges(hass, targets) == {
        "db": {"nas"},
        "web": {"internet"},
        "ha_mqtt": {"broker"},
        "cloud_ping": {"internet"},
    }


@pytest.mark.parametrize(
    ("host", "local"),
    [
        ("127.0.0.1", True),
        ("192.168.1.10", True),
        ("fd00::1", True),
        ("nas", True),
        ("nas.local", True),
        ("router.home.arpa", True),
        ("8.8.8.8", False),
        ("example.com", False),
    ],
)
def test_hosts_in_the_home_are_told_apart_from_the_internet(
    host: str, local: bool
) -> None:
    """Private addresses and home names need no internet connection."""
    assert is_local_host(host) is local


async def test_a_child_told_in_the_digest_window_is_dropped_once_its_parent_opens(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, pair: ServicePair
) -> None:
    """The child failed first; its parent opened before the digest was sent."""
    notified = record_service(hass, "notify", "on_call")
    entry = await set_up_pair(hass, pair, **{CONF_DIGEST_WINDOW: 10})
    await pair.child.stop()
    await cycle(hass, entry, 2)
    await pair.parent.stop()
    await cycle(hass, entry, 2)
    assert notified == []

    freezer.tick(timedelta(seconds=11))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()

    assert [call.data["title"] for call in notified] == ["Parent is critical"]
