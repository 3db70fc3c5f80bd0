"""Maintenance services refuse bad input with translated errors and change nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from custom_components.health_monitor.const import DOMAIN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.util import dt as dt_util

from .tcp_service import TARGET, TcpService
from .test_maintenance import record_maintenance_events, set_up, start

pytestmark = pytest.mark.usefixtures("socket_enabled")


@pytest.mark.parametrize(
    "data",
    [
        {"duration": float("nan")},
        {"duration": float("inf")},
        {"duration": -60},
        {"duration": 59},
        {"duration": 7 * 86400 + 1},
        {"duration": 10**400},
        {"duration": "99999999:00:00"},
        {"duration": "nan:00"},
        {"duration": "1:2:3:4"},
        {"duration": {"minutes": -30}},
        {"duration": {"weeks": 1}},
        {"duration": {"minutes": True}},
        {"duration": True},
        {"duration": [30]},
        {"duration": 60, "until": "2030-01-01T00:00:00+00:00"},
        {"until": "2000-01-01T00:00:00+00:00"},
        {"until": "2999-01-01T00:00:00+00:00"},
        {"until": "tomorrow"},
        {"until": "x" * 100_000},
        {"reason": "x" * 100_000},
        {"reason": "bad\x00reason"},
        {"reason": ["list"]},
        {"components": ["nowhere"]},
        {"components": ["x" * 100_000]},
        {"components": [3]},
        {"components": {"a": 1}},
        {"components": ["c"] * 1001},
    ],
)
async def test_bad_input_is_refused_and_changes_nothing(
    hass: HomeAssistant, service: TcpService, data: dict[str, Any]
) -> None:
    """Every bad field gets a translated error; nobody is in maintenance after it."""
    seen = record_maintenance_events(hass)
    entry = await set_up(hass, service)

    with pytest.raises(ServiceValidationError) as raised:
        await start(hass, **data)

    assert raised.value.translation_key
    assert entry.runtime_data.maintenance.report() == {"all": None, "components": {}}
    assert seen == []
    if "components" in data:
        with pytest.raises(ServiceValidationError):
            await hass.services.async_call(
                DOMAIN, "end_maintenance", data, blocking=True
            )


@pytest.mark.parametrize(
    "data",
    [
        {"duration": 90},
        {"duration": "01:30"},
        {"duration": "00:01:30"},
        {"duration": {"hours": 1, "minutes": 30}},
        {"duration": "5400"},
    ],
)
async def test_every_duration_form_is_understood(
    hass: HomeAssistant, service: TcpService, data: dict[str, Any]
) -> None:
    """Seconds, HH:MM(:SS) and the duration selector's parts."""
    entry = await set_up(hass, service)

    await start(hass, components=TARGET, **data)

    assert entry.runtime_data.maintenance.window(TARGET) is not None


async def test_until_names_the_end(hass: HomeAssistant, service: TcpService) -> None:
    """An end time is taken as it is."""
    entry = await set_up(hass, service)
    until = dt_util.utcnow().replace(microsecond=0) + timedelta(hours=2)

    await start(hass, until=until.isoformat())

    window = entry.runtime_data.maintenance.all_window()
    assert window is not None
    assert window.end == until
    get = await hass.services.async_call(
        DOMAIN, "get_incidents", {}, blocking=True, return_response=True
    )
    assert get is not None
    assert get["maintenance"]["all"]["end"] == until.isoformat()  # type: ignore[index,call-overload]


async def test_until_without_a_time_zone_is_local_time(
    hass: HomeAssistant, service: TcpService
) -> None:
    """A naive end time is read in Home Assistant's time zone; a datetime is taken too."""
    entry = await set_up(hass, service)
    local = dt_util.now().replace(microsecond=0, tzinfo=None) + timedelta(hours=1)

    await start(hass, components=[TARGET], until=local.isoformat())
    window = entry.runtime_data.maintenance.window(TARGET)
    assert window is not None
    assert window.end == dt_util.as_utc(
        local.replace(tzinfo=dt_util.get_default_time_zone())
    )
    await start(hass, components=[TARGET], until=dt_util.utcnow() + timedelta(hours=3))
    window = entry.runtime_data.maintenance.window(TARGET)
    assert window is not None
    assert window.end > dt_util.utcnow() + timedelta(hours=2)
