"""Other instances seen in the fleet database: components, silence, restarts.

The "other instance" writes its heartbeat with this integration's own
writer, as a second Home Assistant would.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from custom_components.health_monitor.engine.fleet.instances import (
    InstanceReport,
    Source,
)
from custom_components.health_monitor.engine.models import HealthStatus, utcnow
from custom_components.health_monitor.targets.fleet_database.writer import (
    async_heartbeat,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from tests.tcp_service import TcpService
from tests.test_incident_events import cycle

from .fleet_databases import FLEET, FleetDatabase, unload, watch
from .postgres_server import PostgresServer
from .target_entities import sensor, status

pytestmark = pytest.mark.usefixtures("socket_enabled")

OTHER = "0123456789abcdef0123456789abcdef"


async def write_heartbeat(
    fleet: FleetDatabase, status_: HealthStatus, age: timedelta, interval_s: float
) -> None:
    """Write a heartbeat of another instance with this integration's writer."""
    connection = await fleet.connect_as_monitor()
    try:
        await async_heartbeat(
            connection,
            InstanceReport(
                instance_id=OTHER,
                name="Cabin",
                status=status_,
                score=62.5,
                open_incidents=2,
                components=9,
                interval_s=interval_s,
                version="0.2.0",
                ha_version="2025.4.4",
                at=utcnow() - age,
                source=Source.DATABASE,
            ),
        )
    finally:
        await connection.close()


async def test_another_instance_is_a_component_and_turns_critical_when_silent(
    hass: HomeAssistant, timescale_fleet: FleetDatabase, service: TcpService
) -> None:
    """Its heartbeat shows its status; three intervals without one is critical."""
    entry = await watch(hass, timescale_fleet, service)
    await write_heartbeat(
        timescale_fleet, HealthStatus.DEGRADED, timedelta(0), interval_s=30
    )
    await cycle(hass, entry, 2)
    component = f"instance_{OTHER}"
    state = status(hass, entry, component)
    assert state.state == "degraded"
    assert (
        "Cabin reports degraded: score 62.5 %, 2 open incidents"
        in state.attributes["message"]
    )
    assert sensor(hass, entry, component, "score").state == "62.5"
    assert sensor(hass, entry, component, "open_incidents").state == "2"
    score_entity = er.async_get(hass).async_get(
        sensor(hass, entry, component, "score").entity_id
    )
    assert score_entity is not None
    # This instance's own heartbeat leaves the other instance out.
    heartbeat = await timescale_fleet.fetch(
        "SELECT status FROM health_monitor.instances WHERE instance_id <> $1", OTHER
    )
    assert heartbeat[0]["status"] == "healthy"

    # 89 s after a heartbeat promised every 30 s: not yet silent.
    # One cycle: the heartbeat read in a cycle is judged in that cycle.
    await write_heartbeat(
        timescale_fleet, HealthStatus.HEALTHY, timedelta(seconds=85), interval_s=30
    )
    await cycle(hass, entry)
    assert status(hass, entry, component).state == "healthy"
    await write_heartbeat(
        timescale_fleet, HealthStatus.HEALTHY, timedelta(seconds=95), interval_s=30
    )
    await cycle(hass, entry)
    state = status(hass, entry, component)
    assert state.state == "critical"
    assert state.attributes["message"].startswith(
        "Instance silent: no heartbeat from Cabin"
    )
    assert entry.runtime_data.incidents.incident_for(component) is not None

    # Back: healthy again.
    await write_heartbeat(
        timescale_fleet, HealthStatus.HEALTHY, timedelta(0), interval_s=30
    )
    await cycle(hass, entry, 2)
    assert status(hass, entry, component).state == "healthy"

    # Deleted from the fleet: its component, device and incident go.
    await timescale_fleet.execute(
        "DELETE FROM health_monitor.instances WHERE instance_id = $1", OTHER
    )
    await cycle(hass, entry, 2)
    assert component not in entry.runtime_data.data.components
    assert er.async_get(hass).async_get(score_entity.entity_id) is None
    incident = entry.runtime_data.incidents.incident_for(component)
    assert incident is None or not incident.is_open
    await unload(hass, entry)


async def test_a_known_instance_stays_a_component_across_a_reload(
    hass: HomeAssistant,
    postgres: PostgresServer,
    timescale_fleet: FleetDatabase,
    service: TcpService,
) -> None:
    """After a restart with the database away, the instance is still watched."""
    entry = await watch(hass, timescale_fleet, service)
    await write_heartbeat(
        timescale_fleet, HealthStatus.WARNING, timedelta(0), interval_s=30
    )
    await cycle(hass, entry, 2)
    component = f"instance_{OTHER}"
    assert status(hass, entry, component).state == "warning"
    await entry.runtime_data.history_store.async_flush()

    await hass.async_add_executor_job(postgres.stop)
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    state = status(hass, entry, component)
    assert state.state == "warning"
    assert state.attributes["message"].startswith("Cabin reports warning")
    assert status(hass, entry, FLEET).state == "critical"
    await unload(hass, entry)


async def test_removing_the_fleet_database_removes_the_instances_it_showed(
    hass: HomeAssistant, timescale_fleet: FleetDatabase, service: TcpService
) -> None:
    """No source knows the instance any more: its component and entities go at once."""
    entry = await watch(hass, timescale_fleet, service)
    await write_heartbeat(
        timescale_fleet, HealthStatus.HEALTHY, timedelta(0), interval_s=30
    )
    await cycle(hass, entry, 2)
    component = f"instance_{OTHER}"
    score = sensor(hass, entry, component, "score").entity_id

    assert hass.config_entries.async_remove_subentry(entry, FLEET)
    await hass.async_block_till_done()
    await cycle(hass, entry)
    assert component not in entry.runtime_data.data.components
    assert er.async_get(hass).async_get(score) is None
    await unload(hass, entry)
