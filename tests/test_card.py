"""The dashboard card: served by the integration and loaded on every dashboard."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.health_monitor import frontend as card
from homeassistant.components.frontend import DATA_EXTRA_MODULE_URL
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component

from .tcp_service import TARGET, TcpService, service_entry


def card_urls(hass: HomeAssistant) -> list[str]:
    """Return the extra modules the frontend loads that are the card."""
    return [
        url
        for url in hass.data[DATA_EXTRA_MODULE_URL].urls
        if url.startswith(card.CARD_URL)
    ]


@pytest.fixture
async def frontend(hass: HomeAssistant) -> None:
    """Set up Home Assistant's web UI (and with it the HTTP server) first."""
    assert await async_setup_component(hass, "frontend", {})
    await hass.async_block_till_done()


@pytest.mark.usefixtures("frontend")
async def test_the_card_is_loaded_with_a_version_of_its_content(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """The frontend loads the card; its URL changes when the file does."""
    [url] = card_urls(hass)
    assert url == f"{card.CARD_URL}?v={card._card_version()}"
    assert len(url.rsplit("=", 1)[1]) == 12


@pytest.mark.usefixtures("frontend")
async def test_the_card_is_served_as_javascript(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    """The registered URL answers with the built card, which defines the custom card."""
    client = await hass_client()
    response = await client.get(card_urls(hass)[0])
    assert response.status == 200
    assert "javascript" in response.headers["Content-Type"]
    body = await response.text()
    assert body == card.CARD_FILE.read_text(encoding="utf-8")
    assert '"health-monitor-card"' in body
    assert "customCards" in body


@pytest.mark.usefixtures("frontend")
async def test_the_card_loads_nothing_from_the_network(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """Everything is bundled: no module is imported from anywhere else."""
    body = card.CARD_FILE.read_text(encoding="utf-8")
    assert "import(" not in body
    assert 'from"http' not in body.replace(" ", "")
    assert "https://cdn" not in body
    assert "unpkg" not in body


@pytest.mark.usefixtures("frontend")
async def test_reloading_the_entry_registers_the_card_once(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """The card belongs to the Home Assistant run, not to the entry."""
    assert await hass.config_entries.async_reload(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert loaded_entry.state is ConfigEntryState.LOADED
    assert len(card_urls(hass)) == 1


async def test_without_the_frontend_no_card_is_registered(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """Without a web UI there is no dashboard: monitoring runs, no URL is served."""
    assert "frontend" not in hass.config.components
    assert DATA_EXTRA_MODULE_URL not in hass.data
    assert loaded_entry.state is ConfigEntryState.LOADED


@pytest.mark.usefixtures("frontend")
async def test_a_missing_card_file_leaves_monitoring_running(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A broken installation without the card still monitors, and says why there is no card."""
    monkeypatch.setattr(card, "CARD_FILE", tmp_path / "health-monitor-card.js")
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.LOADED
    assert card_urls(hass) == []
    assert "The dashboard card cannot be read" in caplog.text


async def test_the_problem_sensor_tells_when_its_incident_opened(
    hass: HomeAssistant, service: TcpService
) -> None:
    """The card shows an incident's age from the problem sensor's ``opened_at``."""
    entry = service_entry(service.port)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await service.stop()
    for _ in range(2):
        await entry.runtime_data.async_refresh()
        await hass.async_block_till_done()

    incident = entry.runtime_data.incidents.incident_for(TARGET)
    assert incident is not None
    state = hass.states.get("binary_sensor.service_open_incident")
    assert state is not None
    assert state.state == "on"
    assert state.attributes["opened_at"] == incident.created_at.isoformat()
