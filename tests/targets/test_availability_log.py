"""A target going down and coming back is logged once each way."""

from __future__ import annotations

import asyncio
import logging

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType

from .flows import submit_target_form
from .http_servers import free_port
from .target_entities import refresh, status

pytestmark = pytest.mark.usefixtures("socket_enabled")

LOGGER = "custom_components.health_monitor"


async def _listen(port: int) -> asyncio.Server:
    """Accept (and hang up on) TCP connections on ``port``."""
    return await asyncio.start_server(
        lambda _reader, writer: writer.close(), "127.0.0.1", port
    )


def _messages(caplog: pytest.LogCaptureFixture, text: str) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == LOGGER
        and record.levelno == logging.INFO
        and text in record.getMessage()
    ]


async def test_a_target_down_and_back_is_logged_once_each_way(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Three failing cycles log one line; the first good answer logs one more."""
    caplog.set_level(logging.INFO, logger=LOGGER)
    port = free_port()
    server = await _listen(port)
    result = await submit_target_form(
        hass,
        loaded_entry,
        "network",
        {
            "host": "127.0.0.1",
            "port": port,
            "latency_warning_ms": 5000,
            "latency_critical_ms": 10000,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    (sid,) = loaded_entry.subentries
    server.close()
    await server.wait_closed()
    for _ in range(3):
        await refresh(hass, loaded_entry)
    assert status(hass, loaded_entry, sid).state == "critical"
    assert len(_messages(caplog, "is unavailable")) == 1
    assert _messages(caplog, "is back") == []

    server = await _listen(port)
    try:
        await refresh(hass, loaded_entry)
        await refresh(hass, loaded_entry)
    finally:
        server.close()
        await server.wait_closed()

    assert status(hass, loaded_entry, sid).state == "healthy"
    assert _messages(caplog, "is back") == [f"127.0.0.1:{port} is back (healthy)"]
    assert len(_messages(caplog, "is unavailable")) == 1
