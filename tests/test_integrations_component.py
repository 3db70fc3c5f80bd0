"""The Integrations component: real config entries that fail, retry, recover and are reloaded."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import timedelta
import json
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.health_monitor.const import (
    CONF_CHECKS,
    CONF_DISK_PATHS,
    CONF_RELOAD_INTEGRATIONS,
    DOMAIN,
)
from custom_components.health_monitor.engine.sanitize import MAX_MESSAGE_LENGTH
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, State

from .flaky_integration import (
    ERROR_REASON,
    FLAKY_DOMAIN,
    NOT_READY_REASON,
    FlakyIntegration,
    Setup,
    flaky_integration,
)
from .targets.target_entities import sensor, status

COMPONENT = "integrations"
# Cycles are run by the tests; the coordinator's own timer must not add any.
UPDATE_INTERVAL = 3600


@pytest.fixture
async def flaky(hass: HomeAssistant) -> AsyncGenerator[FlakyIntegration]:
    """Register the flaky integration; remove its entries at the end."""
    with flaky_integration(hass) as integration:
        yield integration
        await integration.async_remove_all()


@pytest.fixture
def monitor_options(hass: HomeAssistant) -> dict[str, Any]:
    """Options of the Health Monitor entry: the Integrations check only."""
    return {
        CONF_CHECKS: [COMPONENT],
        CONF_DISK_PATHS: [hass.config.config_dir],
        "update_interval": UPDATE_INTERVAL,
    }


@pytest.fixture
async def monitor(
    hass: HomeAssistant, monitor_options: dict[str, Any]
) -> AsyncGenerator[MockConfigEntry]:
    """Return a function that sets Health Monitor up (after the test's own entries)."""
    entry = MockConfigEntry(
        domain=DOMAIN, title="Health Monitor", options=monitor_options, minor_version=2
    )
    entry.add_to_hass(hass)
    yield entry
    if entry.state is ConfigEntryState.LOADED:
        assert await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()


async def _start(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def _cycle(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Run one cycle and wait for the recovery actions it started."""
    await entry.runtime_data.async_refresh()
    await hass.async_block_till_done(wait_background_tasks=True)


async def _wait(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, delta: timedelta
) -> None:
    """Let ``delta`` pass: timers due by then fire (Home Assistant's retries, ours)."""
    freezer.tick(delta)
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


def _status(hass: HomeAssistant, entry: MockConfigEntry) -> State:
    return status(hass, entry, COMPONENT)


def _count(hass: HomeAssistant, entry: MockConfigEntry, key: str) -> int:
    return int(float(sensor(hass, entry, COMPONENT, key).state))


def _shown(hass: HomeAssistant, entry: MockConfigEntry) -> tuple[str, int, int]:
    """Return the component's status and its failed and retrying counts."""
    return (
        _status(hass, entry).state,
        _count(hass, entry, "failed_integrations"),
        _count(hass, entry, "retrying_integrations"),
    )


def _incidents(entry: MockConfigEntry) -> list[Any]:
    return [
        incident
        for incident in entry.runtime_data.incidents.list_incidents(which="all")
        if incident.component_id == COMPONENT
    ]


def _reloads(entry: MockConfigEntry) -> list[dict[str, Any]]:
    """Return every reload attempt in the component's incident timelines."""
    return [
        dict(line.details)
        for incident in _incidents(entry)
        for line in incident.timeline
        if line.event == "recovery_attempted"
    ]


# --- Status, message and attributes -------------------------------------------------


async def test_retrying_integration_counts_at_5_minutes_not_at_4_59(
    hass: HomeAssistant,
    flaky: FlakyIntegration,
    monitor: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An integration retrying its setup is degraded only once it retried for the grace."""
    await _start(hass, monitor)
    flaky.setup = Setup.NOT_READY
    retrying = await flaky.async_add("Garage door")
    assert retrying.state is ConfigEntryState.SETUP_RETRY

    await _wait(hass, freezer, timedelta(minutes=4, seconds=59))
    await _cycle(hass, monitor)
    state = _status(hass, monitor)
    assert state.state == "healthy"
    assert "1 retrying setup within the grace" in state.attributes["message"]
    assert _count(hass, monitor, "retrying_integrations") == 0
    assert _incidents(monitor) == []

    # No cycle: the end of the grace is pushed.
    await _wait(hass, freezer, timedelta(seconds=2))
    state = _status(hass, monitor)
    assert state.state == "degraded"
    assert state.attributes["message"] == (
        f"1 retrying setup: Garage door ({FLAKY_DOMAIN}): {NOT_READY_REASON}"
    )
    (listed,) = state.attributes["integrations"]
    assert listed["title"] == "Garage door"
    assert listed["domain"] == FLAKY_DOMAIN
    assert listed["state"] == "setup_retry"
    assert listed["reason"] == NOT_READY_REASON
    assert listed["entry_id"] == retrying.entry_id
    assert _count(hass, monitor, "retrying_integrations") == 1
    assert len(_incidents(monitor)) == 1


async def test_retry_attempts_in_progress_keep_the_integration_retrying(
    hass: HomeAssistant,
    flaky: FlakyIntegration,
    monitor: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Home Assistant's own retries do not restart the grace or end the degraded status."""
    flaky.setup = Setup.NOT_READY
    await flaky.async_add("Garage door")
    await _start(hass, monitor)
    for _ in range(12):
        await _wait(hass, freezer, timedelta(seconds=30))
    assert flaky.setups > 3
    await _cycle(hass, monitor)

    assert _status(hass, monitor).state == "degraded"
    for _ in range(6):
        await _wait(hass, freezer, timedelta(seconds=40))
        assert _status(hass, monitor).state == "degraded"
    assert len(_incidents(monitor)) == 1


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        pytest.param(Setup.ERROR, ERROR_REASON, id="raises ConfigEntryError"),
        pytest.param(Setup.RETURNS_FALSE, None, id="returns False"),
    ],
)
async def test_failed_setup_is_critical_at_once_with_one_incident(
    hass: HomeAssistant,
    flaky: FlakyIntegration,
    monitor: MockConfigEntry,
    setup: Setup,
    reason: str | None,
) -> None:
    """A setup error is pushed as it happens, names the integration and opens one incident."""
    await _start(hass, monitor)
    flaky.setup = setup
    await flaky.async_add("Solar inverter")

    state = _status(hass, monitor)
    assert state.state == "critical"
    label = f"Solar inverter ({FLAKY_DOMAIN})"
    assert state.attributes["message"] == (
        f"1 failed: {label}: {reason}" if reason else f"1 failed: {label}"
    )
    (listed,) = state.attributes["integrations"]
    assert (listed["state"], listed["reason"]) == ("setup_error", reason)
    assert _shown(hass, monitor) == ("critical", 1, 0)
    (incident,) = _incidents(monitor)
    assert incident.severity == "critical"

    await _cycle(hass, monitor)
    await _cycle(hass, monitor)
    assert len(_incidents(monitor)) == 1


async def test_integration_failed_before_the_monitor_started_counts(
    hass: HomeAssistant, flaky: FlakyIntegration, monitor: MockConfigEntry
) -> None:
    """The set is built from every entry's state when Health Monitor starts."""
    flaky.setup = Setup.ERROR
    await flaky.async_add("Solar inverter")
    await _start(hass, monitor)

    assert _shown(hass, monitor) == ("critical", 1, 0)


async def test_entry_that_cannot_migrate_or_unload_is_critical(
    hass: HomeAssistant, flaky: FlakyIntegration, monitor: MockConfigEntry
) -> None:
    """migration_error and failed_unload count as failed."""
    await _start(hass, monitor)
    await flaky.async_add("Newer version", version=2)
    unloading = await flaky.async_add("Stuck")
    flaky.unload_ok = False
    assert not await hass.config_entries.async_unload(unloading.entry_id)
    await hass.async_block_till_done()

    state = _status(hass, monitor)
    assert state.state == "critical"
    assert {(i["title"], i["state"]) for i in state.attributes["integrations"]} == {
        ("Newer version", "migration_error"),
        ("Stuck", "failed_unload"),
    }
    assert _count(hass, monitor, "failed_integrations") == 2


async def test_incident_resolves_by_itself_once_the_integration_loads(
    hass: HomeAssistant,
    flaky: FlakyIntegration,
    monitor: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """After the fix, Home Assistant's next retry loads it: healthy, and the incident resolves."""
    await _start(hass, monitor)
    flaky.setup = Setup.NOT_READY
    entry = await flaky.async_add("Garage door")
    await _wait(hass, freezer, timedelta(minutes=6))
    assert _status(hass, monitor).state == "degraded"
    (incident,) = _incidents(monitor)

    flaky.setup = Setup.READY
    await _wait(hass, freezer, timedelta(minutes=2))
    assert entry.state is ConfigEntryState.LOADED
    assert _shown(hass, monitor) == ("healthy", 0, 0)
    await _cycle(hass, monitor)

    assert incident.status == "resolved"
    assert incident.resolved_by == "system"
    assert _incidents(monitor) == [incident]


async def test_integration_removed_while_failing_leaves_the_set(
    hass: HomeAssistant, flaky: FlakyIntegration, monitor: MockConfigEntry
) -> None:
    """Deleting a failed integration makes the component healthy at once."""
    await _start(hass, monitor)
    flaky.setup = Setup.ERROR
    failed = await flaky.async_add("Old camera")
    kept = await flaky.async_add("Other camera")
    assert _count(hass, monitor, "failed_integrations") == 2

    await hass.config_entries.async_remove(failed.entry_id)
    await hass.async_block_till_done()
    assert [
        i["entry_id"] for i in _status(hass, monitor).attributes["integrations"]
    ] == [kept.entry_id]
    await hass.config_entries.async_remove(kept.entry_id)
    await hass.async_block_till_done()

    state = _status(hass, monitor)
    assert state.state == "healthy"
    assert state.attributes["message"] == "All integrations are set up"
    assert "integrations" not in state.attributes
    assert _count(hass, monitor, "failed_integrations") == 0


async def test_health_monitor_entries_never_count(
    hass: HomeAssistant, flaky: FlakyIntegration, monitor: MockConfigEntry
) -> None:
    """A Health Monitor entry that fails is not an integration the monitor reports."""
    await _start(hass, monitor)
    newer = MockConfigEntry(domain=DOMAIN, title="Health Monitor", version=2)
    newer.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(newer.entry_id)
    await hass.async_block_till_done()
    assert newer.state is ConfigEntryState.MIGRATION_ERROR

    await _cycle(hass, monitor)
    assert _shown(hass, monitor) == ("healthy", 0, 0)


async def test_message_and_attributes_stay_bounded_with_many_failures(
    hass: HomeAssistant, flaky: FlakyIntegration, monitor: MockConfigEntry
) -> None:
    """30 failing integrations: 3 named in the message, 20 listed, the rest counted."""
    await _start(hass, monitor)
    flaky.setup = Setup.ERROR
    for number in range(30):
        await flaky.async_add(f"Sensor hub {number:02d} " + "x" * 200)

    state = _status(hass, monitor)
    message = state.attributes["message"]
    assert state.state == "critical"
    assert len(message) <= MAX_MESSAGE_LENGTH
    assert message.startswith("30 failed: Sensor hub 00")
    assert "and 27 more" in message or message.endswith("…")
    listed = state.attributes["integrations"]
    assert len(listed) == 20
    assert all(len(item["title"]) <= 100 for item in listed)
    assert all(len(item["reason"]) <= 120 for item in listed)
    assert state.attributes["integrations_not_listed"] == 10
    assert _count(hass, monitor, "failed_integrations") == 30


async def test_reason_reaches_attributes_and_diagnostics_without_secrets(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    flaky: FlakyIntegration,
    monitor: MockConfigEntry,
) -> None:
    """A reason carrying credentials is shown without them everywhere."""
    await _start(hass, monitor)
    flaky.setup = Setup.ERROR
    flaky.error_reason = (
        "Login to https://admin:hunter2@192.0.2.7 refused, password=hunter2"
    )
    await flaky.async_add("Router")

    state = _status(hass, monitor)
    (listed,) = state.attributes["integrations"]
    assert listed["reason"].startswith("Login to https://***@192.0.2.7 refused")
    assert "hunter2" not in state.attributes["message"]
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, monitor)
    assert "hunter2" not in json.dumps(diagnostics)
    assert "Router" in json.dumps(diagnostics)


# --- Reload action -------------------------------------------------------------------


async def _failing_picked(
    hass: HomeAssistant,
    flaky: FlakyIntegration,
    monitor: MockConfigEntry,
    monitor_options: dict[str, Any],
    *,
    picked: bool = True,
) -> MockConfigEntry:
    """Set up a failed integration, and Health Monitor allowed to reload it (or not)."""
    flaky.setup = Setup.ERROR
    entry = await flaky.async_add("Solar inverter", entry_id="solar")
    if picked:
        hass.config_entries.async_update_entry(
            monitor, options={**monitor_options, CONF_RELOAD_INTEGRATIONS: ["solar"]}
        )
    await _start(hass, monitor)
    assert flaky.setups == 1
    return entry


async def test_picked_integration_is_reloaded_after_the_grace_3_times_10_minutes_apart(
    hass: HomeAssistant,
    flaky: FlakyIntegration,
    monitor: MockConfigEntry,
    monitor_options: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """No reload within the grace; then one per cooldown, three per incident, all recorded."""
    await _failing_picked(hass, flaky, monitor, monitor_options)
    await _wait(hass, freezer, timedelta(minutes=4, seconds=59))
    await _cycle(hass, monitor)
    assert _reloads(monitor) == []
    assert flaky.setups == 1

    await _wait(hass, freezer, timedelta(seconds=2))
    await _cycle(hass, monitor)
    (attempt,) = _reloads(monitor)
    assert attempt["action"] == "integration_reload"
    assert attempt["success"] is False
    assert f"Solar inverter ({FLAKY_DOMAIN})" in attempt["error"]
    assert flaky.setups == 2

    await _wait(hass, freezer, timedelta(minutes=9))
    await _cycle(hass, monitor)
    assert len(_reloads(monitor)) == 1
    await _wait(hass, freezer, timedelta(minutes=1))
    await _cycle(hass, monitor)
    assert [a["attempt"] for a in _reloads(monitor)] == [1, 2]

    for minutes in (10, 10, 30):
        await _wait(hass, freezer, timedelta(minutes=minutes))
        await _cycle(hass, monitor)
    assert [a["attempt"] for a in _reloads(monitor)] == [1, 2, 3]
    assert flaky.setups == 4
    assert len(_incidents(monitor)) == 1
    assert _status(hass, monitor).state == "critical"


async def test_reload_that_loads_the_integration_resolves_the_incident(
    hass: HomeAssistant,
    flaky: FlakyIntegration,
    monitor: MockConfigEntry,
    monitor_options: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """Once the cause is gone, the reload sets the integration up and all is healthy."""
    entry = await _failing_picked(hass, flaky, monitor, monitor_options)
    await _cycle(hass, monitor)
    (incident,) = _incidents(monitor)
    flaky.setup = Setup.READY
    await _wait(hass, freezer, timedelta(minutes=5, seconds=1))
    await _cycle(hass, monitor)

    assert entry.state is ConfigEntryState.LOADED
    (attempt,) = _reloads(monitor)
    assert attempt["success"] is True
    assert _status(hass, monitor).state == "healthy"
    assert incident.status == "resolved"


async def test_integration_not_picked_is_never_reloaded(
    hass: HomeAssistant,
    flaky: FlakyIntegration,
    monitor: MockConfigEntry,
    monitor_options: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """Reloading is off for every integration the user did not pick."""
    await _failing_picked(hass, flaky, monitor, monitor_options, picked=False)
    for _ in range(4):
        await _wait(hass, freezer, timedelta(minutes=10))
        await _cycle(hass, monitor)

    assert flaky.setups == 1
    assert _reloads(monitor) == []
    (incident,) = _incidents(monitor)
    assert incident.is_open


async def test_no_reload_while_incident_response_is_off(
    hass: HomeAssistant,
    flaky: FlakyIntegration,
    monitor: MockConfigEntry,
    monitor_options: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """The incident response switch also stops integration reloads."""
    await _failing_picked(hass, flaky, monitor, monitor_options)
    await hass.services.async_call(DOMAIN, "stop_incident_response", {}, blocking=True)
    await _wait(hass, freezer, timedelta(minutes=6))
    await _cycle(hass, monitor)

    assert flaky.setups == 1
    assert _reloads(monitor) == []
