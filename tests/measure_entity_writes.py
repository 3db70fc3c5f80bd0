"""Measure what a steady cycle writes: state changes and recorder rows per cycle.

Not part of the suite (the name does not start with ``test_``) and asserts
nothing about speed; run it by name and read what it prints:

    .venv/bin/python -m pytest tests/measure_entity_writes.py -p no:cacheprovider -s -q

Set HM_TARGETS (default 50) and HM_CYCLES (default 5). Health Monitor watches
that many network targets, each a TCP listener on loopback, with HA's real
recorder (SQLite) running. After two cycles to settle, each cycle's
state_changed and state_reported events of Health Monitor's entities and the
rows added to the recorder's ``states`` and ``state_attributes`` tables are
counted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
import os
import time
from typing import Any

import pytest
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)
from sqlalchemy import func, select

from homeassistant.components.recorder import Recorder, get_instance
from homeassistant.components.recorder.db_schema import StateAttributes, States
from homeassistant.components.recorder.util import session_scope
from homeassistant.const import EVENT_STATE_CHANGED, EVENT_STATE_REPORTED
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er

from .tcp_service import TcpService, services_entry

TARGETS = int(os.environ.get("HM_TARGETS", "50"))
CYCLES = int(os.environ.get("HM_CYCLES", "5"))

pytestmark = pytest.mark.usefixtures("socket_enabled")


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(
    recorder_mock: Recorder, enable_custom_integrations: None
) -> None:
    """Start the recorder before Home Assistant, then allow custom integrations."""


def _rows(hass: HomeAssistant) -> tuple[int, int]:
    with session_scope(hass=hass, read_only=True) as session:
        states = session.execute(select(func.count()).select_from(States)).scalar()
        attributes = session.execute(
            select(func.count()).select_from(StateAttributes)
        ).scalar()
    return int(states or 0), int(attributes or 0)


async def _recorded_rows(hass: HomeAssistant) -> tuple[int, int]:
    await async_wait_recording_done(hass)
    return await get_instance(hass).async_add_executor_job(_rows, hass)


async def test_measure_state_writes_per_cycle(hass: HomeAssistant) -> None:
    """Print state changes and recorder rows per steady cycle."""
    services = [TcpService() for _ in range(TARGETS)]
    for service in services:
        await service.start()
    entry = services_entry(services)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    coordinator = entry.runtime_data
    for _ in range(2):
        await coordinator.async_refresh()
        await hass.async_block_till_done()

    registry = er.async_get(hass)
    ours = {
        e.entity_id for e in er.async_entries_for_config_entry(registry, entry.entry_id)
    }
    enabled = sum(
        1
        for e in er.async_entries_for_config_entry(registry, entry.entry_id)
        if e.disabled_by is None
    )
    counts: Counter[str] = Counter()
    by_kind: Counter[str] = Counter()

    @callback
    def listen(event: Event) -> None:
        entity_id = event.data["entity_id"]
        if entity_id in ours:
            counts[event.event_type] += 1
            if event.event_type == EVENT_STATE_CHANGED:
                by_kind[entity_id.split(".", 1)[1].split("_", 2)[-1]] += 1

    @callback
    def of_ours(data: Mapping[str, Any]) -> bool:
        return data["entity_id"] in ours

    unsubs = [
        hass.bus.async_listen(EVENT_STATE_CHANGED, listen, of_ours),
        hass.bus.async_listen(EVENT_STATE_REPORTED, listen, of_ours),
    ]
    states_before, attributes_before = await _recorded_rows(hass)
    cpu = 0.0
    for _ in range(CYCLES):
        start = time.process_time()
        await coordinator.async_refresh()
        await hass.async_block_till_done()
        cpu += time.process_time() - start
    states_after, attributes_after = await _recorded_rows(hass)
    for unsub in unsubs:
        unsub()

    print(  # noqa: T201 - this script reports by printing
        f"\n{TARGETS} network targets, {len(ours)} entities ({enabled} enabled), "
        f"{CYCLES} steady cycles, per cycle:\n"
        f"  state_changed  {counts[EVENT_STATE_CHANGED] / CYCLES:8.1f}\n"
        f"  state_reported {counts[EVENT_STATE_REPORTED] / CYCLES:8.1f}\n"
        f"  recorder rows: states {(states_after - states_before) / CYCLES:8.1f}, "
        f"state_attributes {(attributes_after - attributes_before) / CYCLES:8.1f}\n"
        f"  process CPU of refresh + block_till_done {cpu / CYCLES * 1000:8.1f} ms "
        f"(informative only; includes the probes)\n"
        f"  state_changed by entity (name end): "
        f"{dict(sorted((k, v / CYCLES) for k, v in by_kind.items()))}"
    )
    for service in services:
        await service.stop()
