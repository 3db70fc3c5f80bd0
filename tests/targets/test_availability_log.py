"""A target going down and coming back is logged once each way."""

from __future__ import annotations

import logging

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from tests.tcp_service import TcpService

from .flows import submit_target_form
from .target_entities import refresh, status

LOGGER = "custom_components.health_monitor"


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
    service: TcpService,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Three failing cycles log one line; the first good answer logs one more."""
    caplog.set_level(logging.INFO, logger=LOGGER)
    result = await submit_target_form(
        hass,
        loaded_entry,
        "network",
        {
            "host": "127.0.0.1",
            "port": service.port,
            "latency_warning_ms": 5000,
            "latency_critical_ms": 10000,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    (sid,) = loaded_entry.subentries
    await service.stop()
    for _ in range(3):
        await refresh(hass, loaded_entry)
    assert status(hass, loaded_entry, sid).state == "critical"
    assert len(_messages(caplog, "is unavailable")) == 1
    assert _messages(caplog, "is back") == []

    await service.start()
    await refresh(hass, loaded_entry)
    await refresh(hass, loaded_entry)

    assert status(hass, loaded_entry, sid).state == "healthy"
    assert _messages(caplog, "is back") == [
        f"127.0.0.1:{service.port} is back (healthy)"
    ]
    assert len(_messages(caplog, "is unavailable")) == 1
