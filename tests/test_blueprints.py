"""The automation blueprints, imported into a real Home Assistant and run."""

from __future__ import annotations

import asyncio
from datetime import timedelta
import json
from pathlib import Path
import shutil
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.health_monitor.const import DOMAIN, EVENT_INCIDENT
from custom_components.health_monitor.engine.incidents import Incident
from homeassistant.components.automation.config import AUTOMATION_BLUEPRINT_SCHEMA
from homeassistant.components.blueprint.models import Blueprint
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.setup import async_setup_component
from homeassistant.util import yaml as yaml_util

from .tcp_service import TARGET, TcpService, service_entry
from .test_incident_events import cycle, record_service, set_up

pytestmark = pytest.mark.usefixtures("socket_enabled", "blueprints")

ROOT = Path(__file__).parent.parent
SOURCE = ROOT / "blueprints" / "automation" / "health_monitor"
NOTIFICATIONS = "health_monitor/incident_notifications.yaml"
CRITICAL_SCRIPT = "health_monitor/critical_component_script.yaml"
ESCALATION = "health_monitor/unacknowledged_escalation.yaml"


@pytest.fixture
def blueprints(hass: HomeAssistant, tmp_path: Path) -> None:
    """Put the blueprints where Home Assistant imports them to (a private config dir)."""
    hass.config.config_dir = str(tmp_path)
    folder = Path(hass.config.path("blueprints/automation/health_monitor"))
    folder.mkdir(parents=True)
    for path in SOURCE.glob("*.yaml"):
        shutil.copy(path, folder)


async def use_blueprint(hass: HomeAssistant, path: str, **inputs: Any) -> None:
    """Set up one automation from the blueprint at ``path`` with ``inputs``."""
    config = {"automation": [{"use_blueprint": {"path": path, "input": inputs}}]}
    assert await async_setup_component(hass, "automation", config)
    await hass.async_block_till_done()
    (state,) = hass.states.async_all("automation")
    assert state.state == "on", state.attributes


async def open_incident(
    hass: HomeAssistant, service: TcpService, **options: Any
) -> tuple[MockConfigEntry, Incident]:
    """Watch the service, stop it and run cycles until its incident opens."""
    entry = await set_up(hass, service_entry(service.port, **options))
    await service.stop()
    await cycle(hass, entry, 2)
    incident = entry.runtime_data.incidents.incident_for(TARGET)
    assert incident is not None
    return entry, incident


async def press(hass: HomeAssistant, action: str) -> None:
    """Press a notification button on the phone, as the Companion app reports it."""
    hass.bus.async_fire(
        "mobile_app_notification_action", {"action": action, "reply_text": None}
    )
    # The pressed button's run acts; the event it causes queues one more run.
    await hass.async_block_till_done()
    await hass.async_block_till_done()


def buttons(call: ServiceCall) -> list[dict[str, str]]:
    """Return the buttons of a notification."""
    actions: list[dict[str, str]] = call.data["data"]["actions"]
    return actions


def test_every_blueprint_is_valid_and_needs_the_oldest_supported_version() -> None:
    """Each file passes Home Assistant's blueprint schema; min_version is hacs.json's."""
    minimum = json.loads((ROOT / "hacs.json").read_text(encoding="utf-8"))
    paths = sorted(SOURCE.glob("*.yaml"))
    assert [path.name for path in paths] == [
        "critical_component_script.yaml",
        "incident_notifications.yaml",
        "unacknowledged_escalation.yaml",
    ]
    for path in paths:
        blueprint = Blueprint(
            yaml_util.load_yaml_dict(path),
            expected_domain="automation",
            schema=AUTOMATION_BLUEPRINT_SCHEMA,
        )
        assert (
            blueprint.metadata["homeassistant"]["min_version"]
            == (minimum["homeassistant"])
        )
        assert blueprint.metadata["source_url"].endswith(path.name)


async def test_an_opened_incident_notifies_the_phone_with_buttons(
    hass: HomeAssistant, service: TcpService
) -> None:
    """Acknowledge and Resolve carry the incident id; the tag is the id."""
    phone = record_service(hass, "notify", "mobile_app_phone")
    await use_blueprint(hass, NOTIFICATIONS, notify_action="notify.mobile_app_phone")

    _, incident = await open_incident(hass, service)

    (call,) = phone
    assert call.data["title"] == "Service is critical"
    assert incident.id in call.data["message"]
    assert call.data["data"]["tag"] == incident.id
    assert buttons(call) == [
        {"action": f"HM_ACK_{incident.id}", "title": "Acknowledge"},
        {"action": f"HM_RESOLVE_{incident.id}", "title": "Resolve"},
    ]


async def test_acknowledge_button_acknowledges_the_incident(
    hass: HomeAssistant, service: TcpService
) -> None:
    """The Companion app's action event acknowledges through the action."""
    phone = record_service(hass, "notify", "mobile_app_phone")
    await use_blueprint(hass, NOTIFICATIONS, notify_action="notify.mobile_app_phone")
    _, incident = await open_incident(hass, service)

    await press(hass, buttons(phone[0])[0]["action"])

    assert incident.status == "acknowledged"
    assert incident.timeline[-1].details["note"] == "Acknowledged from a notification"


async def test_resolve_button_resolves_and_the_phone_is_told_without_buttons(
    hass: HomeAssistant, service: TcpService
) -> None:
    """Resolving from the phone is told like any resolution, with no buttons left."""
    phone = record_service(hass, "notify", "mobile_app_phone")
    await use_blueprint(hass, NOTIFICATIONS, notify_action="notify.mobile_app_phone")
    _, incident = await open_incident(hass, service)

    await press(hass, buttons(phone[0])[1]["action"])

    assert incident.status == "resolved"
    assert len(phone) == 2
    assert buttons(phone[1]) == []
    assert phone[1].data["data"]["tag"] == incident.id


async def test_other_buttons_and_unknown_incidents_change_nothing(
    hass: HomeAssistant, service: TcpService
) -> None:
    """A button of another automation is ignored; a stale id is no failure."""
    phone = record_service(hass, "notify", "mobile_app_phone")
    await use_blueprint(hass, NOTIFICATIONS, notify_action="notify.mobile_app_phone")
    _, incident = await open_incident(hass, service)

    for action in ("OPEN_GARAGE", "HM_ACK_INC-19990101-0001", "HM_ACK_" + "x" * 5000):
        await press(hass, action)

    assert incident.status == "new"
    (state,) = hass.states.async_all("automation")
    assert state.state == "on"
    assert len(phone) == 1


async def test_quiet_events_and_unchosen_severities_send_nothing(
    hass: HomeAssistant, service: TcpService
) -> None:
    """A quiet event (suppressed, flapping, maintenance) and a filtered severity are skipped."""
    phone = record_service(hass, "notify", "mobile_app_phone")
    await use_blueprint(
        hass,
        NOTIFICATIONS,
        notify_action="notify.mobile_app_phone",
        severities=["emergency"],
    )
    await open_incident(hass, service)
    hass.bus.async_fire(
        EVENT_INCIDENT,
        {
            "type": "opened",
            "incident_id": "INC-20261128-0009",
            "component_name": "Child",
            "severity": "emergency",
            "title": "Child is critical",
            "quiet": True,
        },
    )
    await hass.async_block_till_done()

    assert phone == []


async def test_chosen_status_sensor_turning_critical_runs_the_script_once(
    hass: HomeAssistant, service: TcpService
) -> None:
    """The status sensor triggers at the first critical check; the incident adds no run."""
    ran = record_service(hass, "test", "record")
    await set_up_script(hass)
    entry = await set_up(hass, service_entry(service.port))
    await use_blueprint(
        hass,
        CRITICAL_SCRIPT,
        status_entities=["sensor.service_status"],
        critical_script="script.on_critical",
    )

    await service.stop()
    await cycle(hass, entry)
    assert [call.data for call in ran] == [
        {
            "component": "Service",
            "entity_id": "sensor.service_status",
            "incident_id": None,
            "severity": "critical",
        }
    ]
    await cycle(hass, entry)
    assert entry.runtime_data.incidents.incident_for(TARGET) is not None
    assert len(ran) == 1


async def test_without_sensors_a_critical_incident_of_any_component_runs_the_script(
    hass: HomeAssistant, service: TcpService
) -> None:
    """With no sensors chosen, every component counts, through its incident."""
    ran = record_service(hass, "test", "record")
    await set_up_script(hass)
    await use_blueprint(hass, CRITICAL_SCRIPT, critical_script="script.on_critical")

    _, incident = await open_incident(hass, service)

    assert [call.data for call in ran] == [
        {
            "component": "Service",
            "entity_id": None,
            "incident_id": incident.id,
            "severity": "critical",
        }
    ]


async def set_up_script(hass: HomeAssistant) -> None:
    """Add script.on_critical, which records the variables it is given."""
    sequence = {
        "action": "test.record",
        "data": {
            "component": "{{ component }}",
            "entity_id": "{{ entity_id }}",
            "incident_id": "{{ incident_id }}",
            "severity": "{{ severity }}",
        },
    }
    config = {"script": {"on_critical": {"sequence": [sequence]}}}
    assert await async_setup_component(hass, "script", config)


async def start_waiting(
    hass: HomeAssistant, service: TcpService
) -> tuple[MockConfigEntry, Incident]:
    """Open the service's incident; the escalation blueprint starts its wait.

    A waiting run is a task that ``async_block_till_done`` would wait for:
    from here on the test lets the loop run until the runs it expects.
    """
    entry = await set_up(hass, service_entry(service.port))
    await service.stop()
    await cycle(hass, entry)
    await entry.runtime_data.async_refresh()
    await runs_waiting(hass, 1)
    incident = entry.runtime_data.incidents.incident_for(TARGET)
    assert incident is not None
    return entry, incident


async def runs_waiting(hass: HomeAssistant, count: int) -> None:
    """Let the loop run until ``count`` runs of the automation are under way."""
    for _ in range(1000):
        (state,) = hass.states.async_all("automation")
        if state.attributes.get("current", 0) == count:
            break
        await asyncio.sleep(0)
    else:
        pytest.fail(f"the automation never had {count} runs: {state.attributes}")
    if count == 0:
        await hass.async_block_till_done()


async def wait(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    delta: timedelta,
    *,
    still_waiting: int,
) -> None:
    """Let ``delta`` pass, firing the timers due, until ``still_waiting`` runs wait."""
    freezer.tick(delta)
    async_fire_time_changed(hass)
    await runs_waiting(hass, still_waiting)


async def use_escalation(hass: HomeAssistant) -> list[ServiceCall]:
    """Set up the escalation blueprint (10 minutes); return the colleague's calls."""
    colleague = record_service(hass, "notify", "mobile_app_colleague")
    await use_blueprint(
        hass,
        ESCALATION,
        delay_minutes=10,
        notify_action="notify.mobile_app_colleague",
    )
    return colleague


async def test_an_unacknowledged_incident_reaches_the_second_notifier_after_the_wait(
    hass: HomeAssistant, service: TcpService, freezer: FrozenDateTimeFactory
) -> None:
    """Nothing before the wait is over; one escalation when it is."""
    colleague = await use_escalation(hass)
    _, incident = await start_waiting(hass, service)

    await wait(hass, freezer, timedelta(minutes=9, seconds=59), still_waiting=1)
    assert colleague == []
    await wait(hass, freezer, timedelta(seconds=2), still_waiting=0)

    (call,) = colleague
    assert call.data["title"] == "Not acknowledged: Service is critical"
    assert incident.id in call.data["message"]
    assert "10 min" in call.data["message"]


@pytest.mark.parametrize("action", ["acknowledge", "resolve"])
async def test_an_incident_acknowledged_or_resolved_in_time_is_not_escalated(
    hass: HomeAssistant,
    service: TcpService,
    freezer: FrozenDateTimeFactory,
    action: str,
) -> None:
    """Acting within the wait keeps the second notifier quiet."""
    colleague = await use_escalation(hass)
    _, incident = await start_waiting(hass, service)

    await wait(hass, freezer, timedelta(minutes=5), still_waiting=1)
    await hass.services.async_call(DOMAIN, action, {"incident_id": incident.id})
    await wait(hass, freezer, timedelta(minutes=6), still_waiting=0)

    assert incident.status != "new"
    assert colleague == []
