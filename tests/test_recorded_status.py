"""What the recorder keeps of a status sensor (HA's real recorder, SQLite)."""

from __future__ import annotations

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from homeassistant.components.recorder import Recorder, get_instance
from homeassistant.components.recorder.history import state_changes_during_period
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from .targets.target_entities import entity_id_of, refresh
from .tcp_service import TARGET, TcpService, service_entry

pytestmark = pytest.mark.usefixtures("socket_enabled")


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(
    recorder_mock: Recorder, enable_custom_integrations: None
) -> None:
    """Start the recorder before Home Assistant, then allow custom integrations."""


async def test_history_keeps_why_a_target_failed_but_not_each_failure_count(
    hass: HomeAssistant, service: TcpService
) -> None:
    """The message is in the history; the failure count, changing every cycle, is not."""
    entry: MockConfigEntry = service_entry(service.port)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    status = entity_id_of(hass, entry, f"{TARGET}_status")
    start = dt_util.utcnow()

    await service.stop()
    for _ in range(2):
        await refresh(hass, entry)
    live = hass.states.get(status)
    assert live is not None
    assert live.attributes["consecutive_failures"] == 2
    await async_wait_recording_done(hass)

    history = await get_instance(hass).async_add_executor_job(
        state_changes_during_period, hass, start, None, status
    )
    (healthy, critical) = history[status]
    assert (healthy.state, critical.state) == ("healthy", "critical")
    assert "reachable" in healthy.attributes["message"]
    assert "refuses connections" in critical.attributes["message"]
    assert "consecutive_failures" not in critical.attributes
