"""Durable state: on disk within a second, flushed on stop, unreadable files kept.

These tests use real files under a fresh config folder's ``.storage``: the
integration's stores read and write them with Home Assistant's own Store,
as in a running installation.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
import json
from pathlib import Path
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.health_monitor.const import DOMAIN
from custom_components.health_monitor.engine.incidents import (
    Incident,
    IncidentSettings,
    IncidentTracker,
)
from custom_components.health_monitor.engine.models import (
    ComponentHealth,
    ComponentType,
    HealthStatus,
)
from custom_components.health_monitor.snapshot_store import (
    SnapshotStore,
    _VersionedStore,
    history_store_key,
    incident_id_store_key,
    incident_store_key,
)
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir

from .tcp_service import TARGET, TcpService, service_entry

pytestmark = pytest.mark.usefixtures("socket_enabled")

# Taken before the test plugin swaps the Store's file access for a dict.
_REAL_FILE_ACCESS = {
    name: getattr(_VersionedStore, name)
    for name in ("_async_load", "_async_write_data", "async_remove")
}
INCIDENT_RESPONSE = "switch.health_monitor_incident_response"
STORED_AT = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
STORED_INCIDENTS = 32


@pytest.fixture
def storage_dir(hass: HomeAssistant, tmp_path: Path) -> Generator[Path]:
    """Give the integration's stores real files in a fresh config folder."""
    hass.config.config_dir = str(tmp_path)
    with ExitStack() as stack:
        for name, real in _REAL_FILE_ACCESS.items():
            stack.enter_context(patch.object(_VersionedStore, name, real))
        yield tmp_path / ".storage"


async def _set_up(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED


async def _cycle(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    await entry.runtime_data.async_refresh()
    await hass.async_block_till_done()


async def _open_incident(hass: HomeAssistant, entry: MockConfigEntry) -> Incident:
    """Run cycles until the stopped service has an incident (after the threshold)."""
    for _ in range(5):
        await _cycle(hass, entry)
        incident = entry.runtime_data.incidents.incident_for(TARGET)
        if incident is not None:
            return incident
    raise AssertionError("no incident opened")


def _tick(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float) -> None:
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)


def _read(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_bytes())
    return data


def _stored_incident(path: Path, incident_id: str) -> dict[str, Any]:
    incidents = _read(path)["data"]["tracker"]["incidents"]
    return next(incident for incident in incidents if incident["id"] == incident_id)


def _incidents_file(entry: MockConfigEntry, **data: Any) -> dict[str, Any]:
    """Return an incidents file with 32 incidents, INC-20250301-0001 to -0032."""
    tracker = IncidentTracker(IncidentSettings(failure_threshold=1))
    for number in range(STORED_INCIDENTS):
        tracker.observe(
            ComponentHealth(
                component_id=f"old_target_{number}",
                name=f"Old target {number}",
                component_type=ComponentType.NETWORK,
                status=HealthStatus.CRITICAL,
                message="Connection refused",
            ),
            STORED_AT,
        )
    return {
        "version": 1,
        "minor_version": 1,
        "key": incident_store_key(entry.entry_id),
        "data": {
            "tracker": tracker.export(),
            "monitoring_enabled": True,
            "response_enabled": True,
            **data,
        },
    }


def _storage_issue(issue_registry: ir.IssueRegistry, path: Path) -> ir.IssueEntry:
    (issue,) = [
        issue
        for (domain, _), issue in issue_registry.issues.items()
        if domain == DOMAIN
        and (issue.translation_placeholders or {}).get("file") == str(path)
    ]
    return issue


# Within a second, and on stop


async def test_an_acknowledgement_is_on_disk_one_second_later_without_a_shutdown(
    hass: HomeAssistant,
    storage_dir: Path,
    service: TcpService,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A power cut a second after acknowledging loses nothing."""
    entry = service_entry(service.port)
    await _set_up(hass, entry)
    await service.stop()
    incident = await _open_incident(hass, entry)
    await hass.services.async_call(
        DOMAIN,
        "acknowledge",
        {"incident_id": incident.id, "note": "on it"},
        blocking=True,
    )

    _tick(hass, freezer, 1)
    await hass.async_block_till_done()

    # The power goes: whatever is on disk now is all the next start has.
    incidents_file = storage_dir / incident_store_key(entry.entry_id)
    stored = _stored_incident(incidents_file, incident.id)
    assert stored["status"] == "acknowledged"
    assert stored["timeline"][-1]["details"]["note"] == "on it"
    on_disk = {path: path.read_bytes() for path in storage_dir.iterdir()}

    assert await hass.config_entries.async_unload(entry.entry_id)
    for path, content in on_disk.items():
        path.write_bytes(content)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    restored = entry.runtime_data.incidents.get(incident.id)
    assert restored.status == "acknowledged"
    assert restored.timeline[-1].details["note"] == "on it"


async def test_a_switch_change_is_on_disk_one_second_later(
    hass: HomeAssistant,
    storage_dir: Path,
    service: TcpService,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Turning incident response off is stored within a second."""
    entry = service_entry(service.port)
    await _set_up(hass, entry)

    await hass.services.async_call(
        "switch", "turn_off", {"entity_id": INCIDENT_RESPONSE}, blocking=True
    )
    _tick(hass, freezer, 1)
    await hass.async_block_till_done()

    stored = _read(storage_dir / incident_store_key(entry.entry_id))
    assert stored["data"]["response_enabled"] is False


async def test_the_last_history_entry_before_a_stop_is_on_disk(
    hass: HomeAssistant,
    storage_dir: Path,
    service: TcpService,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Stopping Home Assistant writes the histories, unloaded or not."""
    entry = service_entry(service.port)
    await _set_up(hass, entry)
    _tick(hass, freezer, 5)
    await _cycle(hass, entry)
    last = entry.runtime_data.monitor.history(TARGET)
    assert last is not None
    last_checked = list(last)[-1].timestamp

    await hass.async_stop()

    stored = _read(storage_dir / history_store_key(entry.entry_id))
    history = stored["data"]["histories"][TARGET]
    assert len(history["status"]) == 2
    newest = history["first_checked_us"] + history["checked_after_us"][-1]
    assert newest == (last_checked - EPOCH) // timedelta(microseconds=1)


async def test_each_history_is_written_on_one_line_and_read_back(
    hass: HomeAssistant, storage_dir: Path, service: TcpService
) -> None:
    """The histories file stays small and a reload finds every check in it."""
    entry = service_entry(service.port)
    await _set_up(hass, entry)
    await _cycle(hass, entry)
    before = list(entry.runtime_data.monitor.history(TARGET) or [])

    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()

    history_file = storage_dir / history_store_key(entry.entry_id)
    lines = history_file.read_text().splitlines()
    (line,) = [line for line in lines if f'"{TARGET}": {{"first_checked_us"' in line]
    assert line.rstrip(",").endswith("]}")
    assert _read(history_file)["version"] == 2
    after = list(entry.runtime_data.monitor.history(TARGET) or [])
    assert after[: len(before)] == before


async def test_a_history_file_of_version_1_is_read_and_rewritten_as_columns(
    hass: HomeAssistant, storage_dir: Path, service: TcpService
) -> None:
    """Histories kept as entry lists come back, and are saved as columns."""
    entry = service_entry(service.port)
    entries = [
        {
            "timestamp": (STORED_AT + timedelta(minutes=minute)).isoformat(),
            "status": "critical" if minute == 1 else "healthy",
            "response_time_ms": None if minute == 1 else 1.5,
            "message": "refused" if minute == 1 else "reachable",
        }
        for minute in range(3)
    ]
    history_file = _history_file(storage_dir, entry, 1, entries)

    await _set_up(hass, entry)
    history = entry.runtime_data.monitor.history(TARGET)
    assert history is not None
    assert [item.as_dict() for item in history][:3] == entries
    assert await hass.config_entries.async_unload(entry.entry_id)

    stored = _read(history_file)
    assert stored["version"] == 2
    columns = stored["data"]["histories"][TARGET]
    assert columns["status"].startswith("hch")
    assert columns["messages"][:2] == ["reachable", "refused"]
    assert columns["response_time_ms"][:3] == [1.5, None, 1.5]


def _history_file(
    storage_dir: Path, entry: MockConfigEntry, version: int, history: Any
) -> Path:
    """Write a histories file with the target's history as ``version`` kept it."""
    path = storage_dir / history_store_key(entry.entry_id)
    storage_dir.mkdir()
    path.write_text(
        json.dumps(
            {
                "version": version,
                "minor_version": 1,
                "key": path.name,
                "data": {"histories": {TARGET: history}},
            }
        )
    )
    return path


async def test_damaged_history_columns_are_kept_and_reported(
    hass: HomeAssistant,
    issue_registry: ir.IssueRegistry,
    storage_dir: Path,
    service: TcpService,
) -> None:
    """A check that cannot be read is left out, the file kept, an issue raised."""
    entry = service_entry(service.port)
    columns = {
        "first_checked_us": (STORED_AT - EPOCH) // timedelta(microseconds=1),
        "checked_after_us": [0, 60_000_000],
        "status": "h?",
        "response_time_ms": [1.0, 2.0],
        "message": [0, 0],
        "messages": ["reachable"],
    }
    history_file = _history_file(storage_dir, entry, 2, columns)
    original = history_file.read_text()

    await _set_up(hass, entry)

    history = entry.runtime_data.monitor.history(TARGET)
    assert history is not None
    assert next(iter(history)).timestamp == STORED_AT
    issue = _storage_issue(issue_registry, history_file)
    assert issue.translation_key == "storage_partly_unreadable"
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["skipped"] == "1"
    (backup,) = storage_dir.glob(f"{history_file.name}.corrupt-*")
    assert backup.read_text() == original


async def test_removing_the_entry_deletes_its_files_but_keeps_backups(
    hass: HomeAssistant, storage_dir: Path, service: TcpService
) -> None:
    """Histories, incidents and the id counter go; a backup stays the user's."""
    entry = service_entry(service.port)
    storage_dir.mkdir()
    (storage_dir / incident_store_key(entry.entry_id)).write_text("{")
    await _set_up(hass, entry)
    await service.stop()
    await _open_incident(hass, entry)
    assert await hass.config_entries.async_unload(entry.entry_id)
    keys = {
        history_store_key(entry.entry_id),
        incident_store_key(entry.entry_id),
        incident_id_store_key(entry.entry_id),
    }
    assert keys <= {path.name for path in storage_dir.iterdir()}

    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()

    (backup,) = storage_dir.iterdir()
    assert backup.name.startswith(f"{incident_store_key(entry.entry_id)}.corrupt-")
    assert backup.read_text() == "{"


# Files that cannot be read


def _newer_version(file: dict[str, Any]) -> bytes:
    file["version"] = 99
    return json.dumps(file).encode()


def _tracker_not_a_mapping(file: dict[str, Any]) -> bytes:
    file["data"]["tracker"] = [file["data"]["tracker"]]
    return json.dumps(file).encode()


def _truncated(file: dict[str, Any]) -> bytes:
    text = json.dumps(file).encode()
    # The newest incidents are near the end: they are cut off.
    return text[: len(text) * 2 // 3]


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        (_newer_version, "storage_newer_version"),
        (_tracker_not_a_mapping, "storage_partly_unreadable"),
        (_truncated, "storage_unreadable"),
    ],
)
async def test_an_unreadable_incidents_file_is_kept_and_reported(
    hass: HomeAssistant,
    storage_dir: Path,
    service: TcpService,
    issue_registry: ir.IssueRegistry,
    freezer: FrozenDateTimeFactory,
    damage: Callable[[dict[str, Any]], bytes],
    problem: str,
) -> None:
    """Setup goes on, the file is kept as it was, an issue says so, ids go on."""
    freezer.move_to(STORED_AT + timedelta(hours=1))
    entry = service_entry(service.port)
    incidents_file = storage_dir / incident_store_key(entry.entry_id)
    original = damage(_incidents_file(entry))
    storage_dir.mkdir()
    incidents_file.write_bytes(original)
    # The last id handed out, as the previous run kept it beside the incidents.
    (storage_dir / incident_id_store_key(entry.entry_id)).write_text(
        json.dumps(
            {"version": 1, "minor_version": 1, "data": {"last_id": "INC-20250301-0032"}}
        )
    )

    await _set_up(hass, entry)

    (backup,) = storage_dir.glob(f"{incidents_file.name}.corrupt-*")
    assert backup.read_bytes() == original
    issue = _storage_issue(issue_registry, incidents_file)
    assert issue.translation_key == problem
    assert issue.severity is ir.IssueSeverity.WARNING
    assert not issue.is_fixable
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["backup"] == str(backup)
    await service.stop()
    incident = await _open_incident(hass, entry)
    assert incident.id == "INC-20250301-0033"


@pytest.mark.parametrize("damage", [_newer_version, _tracker_not_a_mapping])
async def test_ids_go_on_after_the_highest_one_in_an_unreadable_file(
    hass: HomeAssistant,
    storage_dir: Path,
    service: TcpService,
    freezer: FrozenDateTimeFactory,
    damage: Callable[[dict[str, Any]], bytes],
) -> None:
    """Without the separate id counter, the ids are found in the file's text."""
    freezer.move_to(STORED_AT + timedelta(hours=1))
    entry = service_entry(service.port)
    storage_dir.mkdir()
    (storage_dir / incident_store_key(entry.entry_id)).write_bytes(
        damage(_incidents_file(entry))
    )

    await _set_up(hass, entry)
    await service.stop()
    incident = await _open_incident(hass, entry)

    assert incident.id == "INC-20250301-0033"


async def test_a_partly_unreadable_file_keeps_every_readable_incident(
    hass: HomeAssistant,
    storage_dir: Path,
    service: TcpService,
    issue_registry: ir.IssueRegistry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """One incident with a broken field is left out; the other 31 are back."""
    freezer.move_to(STORED_AT + timedelta(hours=1))
    entry = service_entry(service.port)
    file = _incidents_file(entry)
    file["data"]["tracker"]["incidents"][-1]["severity"] = "apocalyptic"
    del file["data"]["tracker"]["ids"]
    storage_dir.mkdir()
    incidents_file = storage_dir / incident_store_key(entry.entry_id)
    incidents_file.write_text(json.dumps(file))

    await _set_up(hass, entry)

    incidents = entry.runtime_data.incidents
    for number in range(1, STORED_INCIDENTS):
        assert incidents.get(f"INC-20250301-{number:04d}").component_id == (
            f"old_target_{number - 1}"
        )
    issue = _storage_issue(issue_registry, incidents_file)
    assert issue.translation_key == "storage_partly_unreadable"
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["skipped"] == "1"
    (backup,) = storage_dir.glob(f"{incidents_file.name}.corrupt-*")
    assert _read(backup) == file
    # The unreadable incident's id is not handed out again.
    await service.stop()
    incident = await _open_incident(hass, entry)
    assert incident.id == "INC-20250301-0033"


async def test_a_null_response_enabled_keeps_incident_response_on(
    hass: HomeAssistant,
    storage_dir: Path,
    service: TcpService,
    issue_registry: ir.IssueRegistry,
) -> None:
    """A value that is not on or off falls back to on, and is reported."""
    entry = service_entry(service.port)
    storage_dir.mkdir()
    incidents_file = storage_dir / incident_store_key(entry.entry_id)
    incidents_file.write_text(json.dumps(_incidents_file(entry, response_enabled=None)))

    await _set_up(hass, entry)

    assert entry.runtime_data.controls.incident_response is True
    assert hass.states.get(INCIDENT_RESPONSE).state == "on"  # type: ignore[union-attr]
    issue = _storage_issue(issue_registry, incidents_file)
    assert issue.translation_key == "storage_partly_unreadable"


async def test_a_file_that_was_not_read_is_never_written(
    hass: HomeAssistant, storage_dir: Path, freezer: FrozenDateTimeFactory
) -> None:
    """A setup that fails before reading its file leaves the file as it was."""
    key = "health_monitor.failed_setup.incidents"
    storage_dir.mkdir()
    original = json.dumps({"version": 99, "data": {"future": True}}).encode()
    (storage_dir / key).write_bytes(original)
    store = SnapshotStore(hass, key, lambda: {"tracker": {}}, 1)

    store.async_schedule_save()
    await store.async_flush()
    _tick(hass, freezer, 1)
    await hass.async_block_till_done()

    assert (storage_dir / key).read_bytes() == original
