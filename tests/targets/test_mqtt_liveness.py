"""Liveness over MQTT: this instance's state on a broker, the others' heard there.

A real Mosquitto on loopback; the other instance is a separate process
(``liveness_instance.py``) that a test can kill like a crashed host.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import contextlib
from datetime import datetime
import json
import os
from pathlib import Path
import signal
import sys
import time
from typing import Any

import aiomqtt
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.health_monitor.const import DOMAIN
from custom_components.health_monitor.engine.fleet.instances import OFFLINE_PAYLOAD
from custom_components.health_monitor.engine.models import HealthStatus
from custom_components.health_monitor.targets.mqtt_broker.liveness import state_topic
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import entity_registry as er
from tests.entries import health_monitor_entry

from .liveness_instance import report
from .mosquitto_server import MosquittoServer
from .target_entities import entity_id_of, refresh, wait_for_status
from .test_mqtt_broker import add_broker

pytestmark = pytest.mark.usefixtures("socket_enabled")

SCRIPT = Path(__file__).with_name("liveness_instance.py")
ROOT = Path(__file__).parents[2]
# The bound: a killed instance is critical within this many seconds.
OFFLINE_BOUND_S = 5.0
# The other instance imports Home Assistant's package before it connects.
APPEAR_TIMEOUT_S = 60.0
# How long a fresh subscriber waits for a retained message that may not exist.
RETAINED_WAIT_S = 2.0
OTHER = "a1b2c3d4e5f60718293a4b5c6d7e8f90"


class OtherInstances:
    """Other Home Assistant instances, each a process publishing its state."""

    def __init__(self, mosquitto: MosquittoServer) -> None:
        """Run instances against ``mosquitto``'s anonymous listener."""
        self._mosquitto = mosquitto
        self._processes: list[asyncio.subprocess.Process] = []

    async def start(
        self, instance: str, name: str, status: HealthStatus
    ) -> asyncio.subprocess.Process:
        """Start an instance that says it is ``status``."""
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            str(SCRIPT),
            self._mosquitto.host,
            str(self._mosquitto.anonymous_port),
            instance,
            name,
            str(status),
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        self._processes.append(process)
        return process

    async def kill_all(self) -> None:
        """Kill every instance still running."""
        for process in self._processes:
            if process.returncode is None:
                process.kill()
                await process.wait()


@pytest.fixture
async def other_instances(
    mosquitto: MosquittoServer,
) -> AsyncIterator[OtherInstances]:
    """Start other instances on the broker; kill them afterwards."""
    instances = OtherInstances(mosquitto)
    try:
        yield instances
    finally:
        await instances.kill_all()


@pytest.fixture
async def liveness_broker(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, mosquitto: MosquittoServer
) -> str:
    """Add the broker as a target that publishes this instance's state."""
    return await add_broker(
        hass, loaded_entry, mosquitto.anonymous_port, publish_state=True
    )


async def retained(mosquitto: MosquittoServer, topic: str) -> bytes | None:
    """Return the message retained on ``topic``, as a new subscriber gets it."""
    async with aiomqtt.Client(mosquitto.host, mosquitto.anonymous_port) as client:
        await client.subscribe(topic, qos=1)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(RETAINED_WAIT_S):
                async for message in client.messages:
                    assert isinstance(message.payload, bytes)
                    return message.payload
    return None


async def publish_retained(
    mosquitto: MosquittoServer, messages: list[tuple[str, bytes]]
) -> None:
    """Publish ``messages`` retained, in order, from one client."""
    async with aiomqtt.Client(mosquitto.host, mosquitto.anonymous_port) as client:
        for topic, payload in messages:
            await client.publish(topic, payload, qos=1, retain=True)


def payload_of(instance: str, status: HealthStatus, **fields: Any) -> bytes:
    """Return a valid state message of an instance with a one-minute interval."""
    values = json.loads(report(instance, f"Home {instance}", status).to_payload())
    return json.dumps({**values, "interval_s": 60.0, **fields}).encode()


def instance_status(
    hass: HomeAssistant, entry: MockConfigEntry, instance: str
) -> State | None:
    """Return the status sensor of another instance's component, if it exists."""
    unique_id = f"{entry.entry_id}_instance_{instance}_status"
    entity_id = er.async_get(hass).async_get_entity_id("sensor", DOMAIN, unique_id)
    return None if entity_id is None else hass.states.get(entity_id)


async def wait_for_instance(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    instance: str,
    wanted: str,
    seconds: float,
) -> State:
    """Wait (no refresh asked) until an instance's component shows ``wanted``."""
    deadline = time.monotonic() + seconds
    state = None
    while time.monotonic() < deadline:
        await hass.async_block_till_done()
        state = instance_status(hass, entry, instance)
        if state is not None and state.state == wanted:
            return state
        await asyncio.sleep(0.05)
    pytest.fail(f"instance {instance} shows {state}, expected {wanted}")


def instance_components(entry: MockConfigEntry) -> set[str]:
    """Return the component ids of the other instances the entry watches."""
    return {cid for cid in entry.runtime_data.data.components if "instance_" in cid}


async def own_state(
    hass: HomeAssistant, entry: MockConfigEntry, mosquitto: MosquittoServer
) -> dict[str, Any]:
    """Run a cycle; return this instance's retained state once it is that cycle's."""
    await refresh(hass, entry)
    cycle_started = entry.runtime_data.data.cycle_started
    topic = state_topic(entry.runtime_data.fleet.instance_id)
    for _ in range(50):
        payload = await retained(mosquitto, topic)
        if payload is not None and payload != OFFLINE_PAYLOAD.encode():
            state: dict[str, Any] = json.loads(payload)
            if datetime.fromisoformat(state["at"]) >= cycle_started:
                return state
        await asyncio.sleep(0.1)
    pytest.fail(f"no state of this cycle retained on {topic}")


async def test_each_cycle_retains_this_instances_name_status_and_score(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    mosquitto: MosquittoServer,
    liveness_broker: str,
) -> None:
    """The retained state says what the system sensors say, under the location name."""
    assert loaded_entry.subentries[liveness_broker].data["publish_state"] is True

    state = await own_state(hass, loaded_entry, mosquitto)

    overall = hass.states.get(entity_id_of(hass, loaded_entry, "system_overall_status"))
    score = hass.states.get(entity_id_of(hass, loaded_entry, "system_health_score"))
    assert overall is not None
    assert score is not None
    assert state["id"] == loaded_entry.runtime_data.fleet.instance_id
    assert state["name"] == hass.config.location_name
    assert state["status"] == overall.state
    assert state["score"] == pytest.approx(float(score.state), abs=0.05)


async def test_the_instance_name_option_names_the_published_state(
    hass: HomeAssistant, options: dict[str, Any], mosquitto: MosquittoServer
) -> None:
    """With an instance name set, other instances see that name."""
    entry = health_monitor_entry(options={**options, "instance_name": "Cabin"})
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await add_broker(hass, entry, mosquitto.anonymous_port, publish_state=True)

    state = await own_state(hass, entry, mosquitto)

    assert state["name"] == "Cabin"


async def test_a_broker_without_publish_state_publishes_and_hears_no_state(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, mosquitto: MosquittoServer
) -> None:
    """The option is off by default: nothing of this instance goes to the broker."""
    await publish_retained(
        mosquitto, [(state_topic(OTHER), payload_of(OTHER, HealthStatus.HEALTHY))]
    )
    sid = await add_broker(hass, loaded_entry, mosquitto.anonymous_port)
    await refresh(hass, loaded_entry)

    assert loaded_entry.subentries[sid].data["publish_state"] is False
    own = state_topic(loaded_entry.runtime_data.fleet.instance_id)
    assert await retained(mosquitto, own) is None
    assert instance_components(loaded_entry) == set()


async def test_a_clean_stop_retains_offline(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    mosquitto: MosquittoServer,
    liveness_broker: str,
) -> None:
    """Unloading the entry says offline: no last will fires on a clean disconnect."""
    await own_state(hass, loaded_entry, mosquitto)
    topic = state_topic(loaded_entry.runtime_data.fleet.instance_id)

    assert await hass.config_entries.async_unload(loaded_entry.entry_id)

    assert await retained(mosquitto, topic) == OFFLINE_PAYLOAD.encode()


async def test_home_assistant_stopping_retains_offline(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    mosquitto: MosquittoServer,
    liveness_broker: str,
) -> None:
    """Home Assistant stopping (it unloads no entry) says offline as well."""
    await own_state(hass, loaded_entry, mosquitto)
    topic = state_topic(loaded_entry.runtime_data.fleet.instance_id)

    await hass.async_stop()

    assert await retained(mosquitto, topic) == OFFLINE_PAYLOAD.encode()


async def test_a_killed_instance_is_critical_within_five_seconds(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    liveness_broker: str,
    other_instances: OtherInstances,
) -> None:
    """SIGKILL of the other instance: its last will makes it critical, pushed."""
    process = await other_instances.start(OTHER, "Cabin", HealthStatus.DEGRADED)
    shown = await wait_for_instance(
        hass, loaded_entry, OTHER, "degraded", APPEAR_TIMEOUT_S
    )
    assert "Cabin reports degraded" in shown.attributes["message"]

    os.kill(process.pid, signal.SIGKILL)
    killed_at = time.monotonic()
    state = await wait_for_instance(
        hass, loaded_entry, OTHER, "critical", OFFLINE_BOUND_S
    )
    seconds = time.monotonic() - killed_at

    print(f"SIGKILL to critical: {seconds:.3f} s")  # noqa: T201 - the measured figure
    assert state.attributes["message"].startswith("Instance offline: Cabin")


async def test_a_restarted_instance_shows_its_reported_status_again(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    liveness_broker: str,
    other_instances: OtherInstances,
) -> None:
    """After its last will, a new process of the instance brings the component back."""
    process = await other_instances.start(OTHER, "Cabin", HealthStatus.DEGRADED)
    await wait_for_instance(hass, loaded_entry, OTHER, "degraded", APPEAR_TIMEOUT_S)
    os.kill(process.pid, signal.SIGKILL)
    await wait_for_instance(hass, loaded_entry, OTHER, "critical", OFFLINE_BOUND_S)

    await other_instances.start(OTHER, "Cabin", HealthStatus.WARNING)

    state = await wait_for_instance(
        hass, loaded_entry, OTHER, "warning", APPEAR_TIMEOUT_S
    )
    assert "Cabin reports warning" in state.attributes["message"]
    assert instance_components(loaded_entry) == {f"instance_{OTHER}"}


async def test_unusable_state_messages_make_no_component_and_break_none(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    mosquitto: MosquittoServer,
    liveness_broker: str,
) -> None:
    """Too large, not JSON, a NaN score, another id or no id: ignored, others stay."""
    await publish_retained(
        mosquitto, [(state_topic("good"), payload_of("good", HealthStatus.HEALTHY))]
    )
    await wait_for_instance(hass, loaded_entry, "good", "healthy", 10)

    await publish_retained(
        mosquitto,
        [
            (
                state_topic("large"),
                payload_of("large", HealthStatus.HEALTHY, padding="x" * 5000),
            ),
            (state_topic("notjson"), b"{not json"),
            (
                state_topic("nan"),
                payload_of("nan", HealthStatus.HEALTHY, score=float("nan")),
            ),
            (state_topic("liar"), payload_of("other", HealthStatus.HEALTHY)),
            (state_topic("x" * 65), payload_of("x" * 65, HealthStatus.HEALTHY)),
            (state_topic("two words"), payload_of("two words", HealthStatus.HEALTHY)),
            (state_topic("good"), b"{not json"),
            # Published last: once it shows, everything above was taken.
            (state_topic("marker"), payload_of("marker", HealthStatus.WARNING)),
        ],
    )
    await wait_for_instance(hass, loaded_entry, "marker", "warning", 10)

    assert instance_components(loaded_entry) == {"instance_good", "instance_marker"}
    good = instance_status(hass, loaded_entry, "good")
    assert good is not None
    assert good.state == "healthy"
    assert "Home good reports healthy" in good.attributes["message"]


async def test_a_cleared_state_removes_the_instance(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    mosquitto: MosquittoServer,
    liveness_broker: str,
) -> None:
    """An empty retained state is an instance that left: its component goes."""
    await publish_retained(
        mosquitto, [(state_topic("leaver"), payload_of("leaver", HealthStatus.HEALTHY))]
    )
    await wait_for_instance(hass, loaded_entry, "leaver", "healthy", 10)

    await publish_retained(mosquitto, [(state_topic("leaver"), b"")])

    for _ in range(100):
        await hass.async_block_till_done()
        if instance_status(hass, loaded_entry, "leaver") is None:
            break
        await asyncio.sleep(0.05)
    assert instance_status(hass, loaded_entry, "leaver") is None
    assert instance_components(loaded_entry) == set()


async def test_a_lost_broker_keeps_what_was_heard_of_the_others(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    mosquitto: MosquittoServer,
    liveness_broker: str,
) -> None:
    """Losing the broker is the broker's fault: the broker is critical, not the others."""
    await publish_retained(
        mosquitto, [(state_topic("good"), payload_of("good", HealthStatus.HEALTHY))]
    )
    await wait_for_instance(hass, loaded_entry, "good", "healthy", 10)

    mosquitto.stop()
    await wait_for_status(hass, loaded_entry, liveness_broker, "critical")
    await refresh(hass, loaded_entry)

    good = instance_status(hass, loaded_entry, "good")
    assert good is not None
    assert good.state == "healthy"
