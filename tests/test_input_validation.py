"""Bad input never reaches storage: forms, services and what is read back.

Every number is finite and in range, every text bounded and free of control
characters, disk paths are existing folders; a bad value gets a translated
error and changes nothing. Stored settings that are not valid fall back to
their defaults with a repair issue, and the rest keeps working.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
import json
from pathlib import Path
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
import voluptuous as vol

from custom_components.health_monitor.const import (
    CONF_CHECKS,
    CONF_CPU_CRITICAL,
    CONF_CPU_WARNING,
    CONF_DISK_PATHS,
    CONF_FAILURE_THRESHOLD,
    CONF_GRACE_PERIOD,
    CONF_HISTORY_SIZE,
    CONF_INCIDENT_THRESHOLD,
    CONF_MEMORY_WARNING,
    CONF_NOTIFY_ACTION,
    CONF_UPDATE_INTERVAL,
    DOMAIN,
)
from custom_components.health_monitor.engine.incidents import incident_to_dict
from custom_components.health_monitor.options import NUMBER_OPTIONS
from custom_components.health_monitor.settings import MonitorSettings
from custom_components.health_monitor.targets import TARGET_KINDS
from custom_components.health_monitor.targets.base import INVALID_SETTINGS_MESSAGE
from custom_components.health_monitor.validation import (
    INVALID_CHARACTERS,
    NOT_A_NUMBER,
    NOT_TEXT,
    NOT_WHOLE_NUMBER,
    OUT_OF_RANGE,
    TOO_LONG,
    TOO_MANY_PATHS,
)
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResult, FlowResultType
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component

from .entries import health_monitor_entry
from .targets.flows import submit_target_form
from .targets.target_entities import refresh, status
from .tcp_service import TARGET, TcpService, service_entry

EN = json.loads(
    (
        Path(__file__).parent.parent
        / "custom_components"
        / "health_monitor"
        / "translations"
        / "en.json"
    ).read_text(encoding="utf-8")
)
MEGABYTE = 1_000_000
NUMBER_KEYS = list(NUMBER_OPTIONS)
FIELD_ERRORS = {
    NOT_A_NUMBER,
    OUT_OF_RANGE,
    NOT_WHOLE_NUMBER,
    NOT_TEXT,
    TOO_LONG,
    INVALID_CHARACTERS,
}


def _settings_issue(
    hass: HomeAssistant, entry: MockConfigEntry
) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(
        DOMAIN, f"{entry.entry_id}_invalid_settings"
    )


def _defaults(form: FlowResult) -> dict[str, Any]:
    """Return the values a form is pre-filled with."""
    return {
        str(key): key.default()
        for key in form["data_schema"].schema
        if key.default is not vol.UNDEFINED
    }


async def _submit_options(
    hass: HomeAssistant, entry: MockConfigEntry, **changes: Any
) -> FlowResult:
    """Open the options form and submit its own defaults with ``changes``."""
    result = await hass.config_entries.options.async_init(entry.entry_id)
    defaults = _defaults(result)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**defaults, **changes}
    )
    await hass.async_block_till_done()
    return result


# --- Translations -------------------------------------------------------------


def test_every_field_error_has_a_text_in_every_form() -> None:
    """Options and every target form translate each number and text error."""
    assert set(EN["options"]["error"]) >= FIELD_ERRORS | {TOO_MANY_PATHS}
    assert TOO_MANY_PATHS in EN["config"]["error"]
    for subentry_type in TARGET_KINDS:
        assert set(EN["config_subentries"][subentry_type]["error"]) >= FIELD_ERRORS


def test_every_service_input_error_has_a_text() -> None:
    """The errors of bad service input are translated."""
    assert set(EN["exceptions"]) >= {
        NOT_TEXT,
        TOO_LONG,
        INVALID_CHARACTERS,
        "hours_out_of_range",
        "unknown_update_status",
    }


# --- Options form ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "error"),
    [
        pytest.param("NaN", NOT_A_NUMBER, id="NaN text"),
        pytest.param(float("nan"), NOT_A_NUMBER, id="NaN number"),
        pytest.param("inf", NOT_A_NUMBER, id="infinity"),
        pytest.param("-inf", NOT_A_NUMBER, id="minus infinity"),
        pytest.param("abc", NOT_A_NUMBER, id="text"),
        pytest.param(1e308, OUT_OF_RANGE, id="above its range"),
        pytest.param(-1, OUT_OF_RANGE, id="below its range"),
    ],
)
@pytest.mark.parametrize("key", NUMBER_KEYS)
async def test_bad_number_in_an_option_is_a_field_error_and_saves_nothing(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    key: str,
    value: Any,
    error: str,
) -> None:
    """Each numeric option answers NaN, infinity, text and out-of-range values on its field."""
    before = dict(loaded_entry.options)
    result = await _submit_options(hass, loaded_entry, **{key: value})
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {key: error}
    assert dict(loaded_entry.options) == before


async def test_nan_sent_to_the_options_api_is_a_field_error_not_a_server_error(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    """The frontend's own request path answers NaN in a whole-number option with a form."""
    assert await async_setup_component(hass, "config", {})
    client = await hass_client()
    response = await client.post(
        "/api/config/config_entries/options/flow",
        json={"handler": loaded_entry.entry_id},
    )
    form = await response.json()
    values = {
        field["name"]: field["default"]
        for field in form["data_schema"]
        if "default" in field
    }
    response = await client.post(
        f"/api/config/config_entries/options/flow/{form['flow_id']}",
        json={**values, CONF_HISTORY_SIZE: "NaN"},
    )
    assert response.status == 200
    result = await response.json()
    assert result["type"] == "form"
    assert result["errors"] == {CONF_HISTORY_SIZE: NOT_A_NUMBER}
    assert CONF_HISTORY_SIZE not in loaded_entry.options


@pytest.mark.parametrize(
    "key", [CONF_UPDATE_INTERVAL, CONF_HISTORY_SIZE, CONF_FAILURE_THRESHOLD]
)
async def test_whole_number_option_refuses_a_fraction(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, key: str
) -> None:
    """Counts and intervals are whole numbers."""
    result = await _submit_options(hass, loaded_entry, **{key: 20.5})
    assert result["errors"] == {key: NOT_WHOLE_NUMBER}
    assert key not in loaded_entry.options


async def test_failure_threshold_and_grace_period_are_saved_and_used(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """The two incident options reach the incident rules after the reload."""
    result = await _submit_options(
        hass, loaded_entry, **{CONF_FAILURE_THRESHOLD: 3, CONF_GRACE_PERIOD: 0}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert loaded_entry.options[CONF_FAILURE_THRESHOLD] == 3
    assert loaded_entry.options[CONF_GRACE_PERIOD] == 0
    settings = loaded_entry.runtime_data.settings
    assert settings.incidents.failure_threshold == 3
    assert settings.grace_period == 0


async def test_options_form_offers_the_incident_options_with_their_defaults(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """A new entry shows 2 failing checks and 120 s of start-up grace."""
    result = await hass.config_entries.options.async_init(loaded_entry.entry_id)
    defaults = _defaults(result)
    assert defaults[CONF_FAILURE_THRESHOLD] == 2
    assert defaults[CONF_GRACE_PERIOD] == 120


@pytest.mark.parametrize(
    ("action", "error"),
    [
        pytest.param("notify." + "x" * 300, TOO_LONG, id="over 255 characters"),
        pytest.param("notify.\x00notify", INVALID_CHARACTERS, id="control character"),
    ],
)
async def test_bad_notify_action_text_is_a_field_error(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, action: str, error: str
) -> None:
    """The notify action is at most 255 characters, without control characters."""
    result = await _submit_options(hass, loaded_entry, **{CONF_NOTIFY_ACTION: action})
    assert result["errors"] == {CONF_NOTIFY_ACTION: error}
    assert CONF_NOTIFY_ACTION not in loaded_entry.options


async def _submit_reconfigure(
    hass: HomeAssistant, entry: MockConfigEntry, **changes: Any
) -> FlowResult:
    """Open the reconfigure form and submit one check with ``changes``."""
    result = await entry.start_reconfigure_flow(hass)
    return await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_CHECKS: ["event_loop"], **changes}
    )


@pytest.mark.parametrize(
    "submit", [_submit_options, _submit_reconfigure], ids=["options", "reconfigure"]
)
@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/no/such/folder", id="missing folder"),
        pytest.param("/etc/passwd", id="a file"),
        pytest.param("config", id="relative path"),
        pytest.param("/\x00", id="NUL byte"),
    ],
)
async def test_disk_path_that_is_not_an_absolute_folder_is_refused(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    submit: Callable[..., Awaitable[FlowResult]],
    path: str,
) -> None:
    """A missing folder, a file, a relative path or a NUL byte is not a folder to watch."""
    before = dict(loaded_entry.options)
    result = await submit(hass, loaded_entry, **{CONF_DISK_PATHS: [path]})
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_DISK_PATHS: "invalid_path"}
    assert dict(loaded_entry.options) == before


async def test_more_than_32_disk_paths_are_refused(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """A list of paths is bounded too."""
    paths = [hass.config.config_dir] * 33
    result = await _submit_options(hass, loaded_entry, **{CONF_DISK_PATHS: paths})
    assert result["errors"] == {CONF_DISK_PATHS: TOO_MANY_PATHS}


# --- Stored options -------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "invalid"),
    [
        ({CONF_CPU_WARNING: None}, {CONF_CPU_WARNING}),
        ({CONF_CPU_WARNING: "NaN"}, {CONF_CPU_WARNING}),
        ({CONF_CPU_WARNING: float("inf")}, {CONF_CPU_WARNING}),
        ({CONF_HISTORY_SIZE: "lots"}, {CONF_HISTORY_SIZE}),
        ({CONF_HISTORY_SIZE: 10.5}, {CONF_HISTORY_SIZE}),
        ({CONF_UPDATE_INTERVAL: 1e308}, {CONF_UPDATE_INTERVAL}),
        ({CONF_FAILURE_THRESHOLD: 0}, {CONF_FAILURE_THRESHOLD}),
        (
            {CONF_CPU_WARNING: 90, CONF_CPU_CRITICAL: 80},
            {CONF_CPU_WARNING, CONF_CPU_CRITICAL},
        ),
        ({CONF_CHECKS: ["event_loop", "no_such_check"]}, {CONF_CHECKS}),
        ({CONF_CHECKS: "event_loop"}, {CONF_CHECKS}),
        ({CONF_DISK_PATHS: [None, "/"]}, {CONF_DISK_PATHS}),
        ({CONF_INCIDENT_THRESHOLD: "nope"}, {CONF_INCIDENT_THRESHOLD}),
        ({CONF_NOTIFY_ACTION: "notify.\x00"}, {CONF_NOTIFY_ACTION}),
        ({CONF_NOTIFY_ACTION: ["notify.notify"]}, {CONF_NOTIFY_ACTION}),
    ],
)
def test_stored_garbage_takes_the_default_and_is_named(
    options: dict[str, Any], invalid: set[str]
) -> None:
    """Reading settings never raises; each unusable value is its default and listed."""
    settings = MonitorSettings.from_options(options, "/config")
    defaults = MonitorSettings.from_options({}, "/config")
    assert settings.invalid_options == invalid
    assert settings.cpu == defaults.cpu
    assert settings.history_size == defaults.history_size
    assert settings.update_interval == defaults.update_interval
    assert settings.incidents == defaults.incidents
    assert settings.notify_action is None


def test_unknown_check_names_are_dropped_and_the_rest_kept() -> None:
    """One unknown name does not stop the known checks."""
    settings = MonitorSettings.from_options(
        {CONF_CHECKS: ["event_loop", "no_such_check"]}, "/config"
    )
    assert {str(check) for check in settings.checks} == {"event_loop"}


def test_missing_options_take_their_defaults_silently() -> None:
    """An entry from before an option existed is valid, with the option's default."""
    settings = MonitorSettings.from_options({}, "/config")
    assert settings.invalid_options == frozenset()
    assert settings.incidents.failure_threshold == 2
    assert settings.grace_period == 120
    assert settings.disk_paths == ("/config",)


@pytest.fixture
def garbage_options(options: dict[str, Any]) -> dict[str, Any]:
    """Options as a hand edit or an older version may have left them."""
    return {
        **options,
        CONF_CPU_WARNING: None,
        CONF_MEMORY_WARNING: "NaN",
        CONF_HISTORY_SIZE: "lots",
        CONF_CHECKS: [*options[CONF_CHECKS], "no_such_check"],
    }


async def test_invalid_stored_options_raise_a_repair_issue_and_the_entry_loads(
    hass: HomeAssistant, garbage_options: dict[str, Any]
) -> None:
    """The entry sets up with defaults for the bad values and names them in an issue."""
    entry = health_monitor_entry(options=garbage_options)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    assert entry.state is ConfigEntryState.LOADED
    issue = _settings_issue(hass, entry)
    assert issue is not None
    assert not issue.is_fixable
    assert issue.translation_key == "invalid_settings"
    assert issue.translation_placeholders == {
        "options": "checks, cpu_warning, history_size, memory_warning"
    }
    assert "{options}" in EN["issues"]["invalid_settings"]["description"]
    assert entry.runtime_data.settings.cpu.warning == 70
    assert {check.component_id for check in entry.runtime_data.checks} == {
        "system_resources",
        "ha_process",
        "event_loop",
    }


async def test_saving_the_options_form_fixes_stored_options_and_removes_the_issue(
    hass: HomeAssistant, garbage_options: dict[str, Any]
) -> None:
    """The form shows defaults in place of bad values; saving it clears the issue."""
    entry = health_monitor_entry(options=garbage_options)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    result = await _submit_options(hass, entry)

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options[CONF_CPU_WARNING] == 70
    assert entry.options[CONF_HISTORY_SIZE] == 1000
    assert "no_such_check" not in entry.options[CONF_CHECKS]
    assert entry.state is ConfigEntryState.LOADED
    assert _settings_issue(hass, entry) is None


# --- Target forms ---------------------------------------------------------------


def _network_input(**changes: Any) -> dict[str, Any]:
    return {
        "host": "127.0.0.1",
        "port": 9,
        "latency_warning_ms": 200,
        "latency_critical_ms": 1000,
        **changes,
    }


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"port": "NaN"}, {"port": NOT_A_NUMBER}),
        ({"port": float("inf")}, {"port": NOT_A_NUMBER}),
        ({"port": 70000}, {"port": OUT_OF_RANGE}),
        ({"port": 0}, {"port": OUT_OF_RANGE}),
        ({"port": 80.5}, {"port": NOT_WHOLE_NUMBER}),
        ({"latency_warning_ms": "NaN"}, {"latency_warning_ms": NOT_A_NUMBER}),
        ({"latency_critical_ms": 1e308}, {"latency_critical_ms": OUT_OF_RANGE}),
        ({"host": "127.0.0.1\x00"}, {"host": INVALID_CHARACTERS}),
        ({"host": "a" * 254}, {"host": TOO_LONG}),
    ],
    ids=[
        "port NaN",
        "port infinite",
        "port above 65535",
        "port 0",
        "port fraction",
        "warning NaN",
        "critical above its range",
        "host NUL byte",
        "host over 253 characters",
    ],
)
async def test_bad_network_target_input_is_a_field_error_and_adds_nothing(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    changes: dict[str, Any],
    errors: dict[str, str],
) -> None:
    """Port, host and latency levels are checked before any connection is tried."""
    result = await submit_target_form(
        hass, loaded_entry, "network", _network_input(**changes)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == errors
    assert not loaded_entry.subentries


def _database_input(**changes: Any) -> dict[str, Any]:
    return {
        "host": "127.0.0.1",
        "port": 5432,
        "database": "homeassistant",
        "username": "monitor",
        "password": "secret",
        "ssl_mode": "disable",
        "latency_warning_ms": 100,
        "latency_critical_ms": 1000,
        **changes,
    }


async def test_megabyte_database_name_is_refused_at_once(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """A 1 MB database name is a field error, found before anything connects."""
    result = await submit_target_form(
        hass, loaded_entry, "database", _database_input(database="d" * MEGABYTE)
    )
    assert result["errors"] == {"database": TOO_LONG}
    assert not loaded_entry.subentries


@pytest.mark.parametrize("field", ["database", "username"])
async def test_postgres_names_are_limited_to_63_bytes(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, field: str
) -> None:
    """32 two-byte letters are 64 bytes: more than PostgreSQL keeps of a name."""
    result = await submit_target_form(
        hass, loaded_entry, "database", _database_input(**{field: "é" * 32})
    )
    assert result["errors"] == {field: TOO_LONG}


def _http_endpoint_input(**changes: Any) -> dict[str, Any]:
    return {
        "url": "http://127.0.0.1:9/health",
        "method": "GET",
        "expected_status": "200-299",
        "timeout": 10,
        "verify_ssl": True,
        "latency_warning_ms": 1000,
        "latency_critical_ms": 3000,
        **changes,
    }


def _mqtt_broker_input(**changes: Any) -> dict[str, Any]:
    return {
        "host": "127.0.0.1",
        "port": 1883,
        "tls": False,
        "latency_warning_ms": 250,
        "latency_critical_ms": 1000,
        **changes,
    }


TARGET_INPUTS = {
    "network": _network_input,
    "database": _database_input,
    "http_endpoint": _http_endpoint_input,
    "mqtt_broker": _mqtt_broker_input,
}


@pytest.mark.parametrize(
    ("warning", "critical"), [(500, 500), (800, 500)], ids=["equal", "above"]
)
@pytest.mark.parametrize("kind", list(TARGET_INPUTS))
async def test_latency_warning_not_below_critical_is_refused_before_connecting(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    kind: str,
    warning: int,
    critical: int,
) -> None:
    """Every kind's latency warning level must be below its critical level.

    The address is one nobody answers on: the levels are refused before it is tried.
    """
    user_input = TARGET_INPUTS[kind](
        latency_warning_ms=warning, latency_critical_ms=critical
    )
    result = await submit_target_form(hass, loaded_entry, kind, user_input)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"latency_warning_ms": "warning_not_below_critical"}
    assert not loaded_entry.subentries


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"timeout": "NaN"}, {"timeout": NOT_A_NUMBER}),
        ({"timeout": 0.5}, {"timeout": OUT_OF_RANGE}),
        ({"url": "http://example.com/" + "a" * 2048}, {"url": TOO_LONG}),
        ({"body": "ok\x00"}, {"body": INVALID_CHARACTERS}),
        ({"expected_status": "200," * 100}, {"expected_status": TOO_LONG}),
    ],
    ids=[
        "timeout NaN",
        "timeout below its range",
        "url over 2048 characters",
        "body NUL byte",
        "status codes too long",
    ],
)
async def test_bad_http_endpoint_input_is_a_field_error(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    changes: dict[str, Any],
    errors: dict[str, str],
) -> None:
    """Timeout, address, body text and status codes are bounded."""
    result = await submit_target_form(
        hass, loaded_entry, "http_endpoint", _http_endpoint_input(**changes)
    )
    assert result["errors"] == errors
    assert not loaded_entry.subentries


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"port": -1}, {"port": OUT_OF_RANGE}),
        ({"password": "p" * 1025}, {"password": TOO_LONG}),
        ({"username": "user\nname"}, {"username": INVALID_CHARACTERS}),
    ],
    ids=["port negative", "password over 1024 characters", "username newline"],
)
async def test_bad_mqtt_broker_input_is_a_field_error(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    changes: dict[str, Any],
    errors: dict[str, str],
) -> None:
    """Port, user name and password of a broker are bounded."""
    result = await submit_target_form(
        hass, loaded_entry, "mqtt_broker", _mqtt_broker_input(**changes)
    )
    assert result["errors"] == errors
    assert not loaded_entry.subentries


# --- Stored targets -------------------------------------------------------------


@pytest.mark.usefixtures("socket_enabled")
@pytest.mark.parametrize(
    "bad",
    [
        {"port": "NaN"},
        {"port": 70000},
        {"latency_warning_ms": float("nan")},
        {"host": "127.0.0.1\x00"},
    ],
)
async def test_invalid_stored_target_asks_for_reconfiguring_and_others_keep_working(
    hass: HomeAssistant, bad: dict[str, Any]
) -> None:
    """A stored target outside the form's limits shows it needs reconfiguring."""
    service = TcpService()
    await service.start()
    good = {
        "host": "127.0.0.1",
        "port": service.port,
        "latency_warning_ms": 5000,
        "latency_critical_ms": 10000,
    }
    entry = health_monitor_entry(
        options={CONF_CHECKS: [], CONF_DISK_PATHS: ["/"]},
        subentries_data=[
            {
                "data": good,
                "subentry_id": TARGET,
                "subentry_type": "network",
                "title": "Service",
                "unique_id": "service",
            },
            {
                "data": {**good, **bad},
                "subentry_id": "broken_target",
                "subentry_type": "network",
                "title": "Broken",
                "unique_id": "broken",
            },
        ],
    )
    entry.add_to_hass(hass)
    try:
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        await refresh(hass, entry)

        assert entry.state is ConfigEntryState.LOADED
        broken_state = status(hass, entry, "broken_target")
        assert broken_state.state == "critical"
        assert broken_state.attributes["message"] == INVALID_SETTINGS_MESSAGE
        assert status(hass, entry, TARGET).state == "healthy"
    finally:
        await hass.config_entries.async_unload(entry.entry_id)
        await service.stop()


# --- Services -------------------------------------------------------------------


@pytest.fixture
async def service_entry_loaded(hass: HomeAssistant) -> MockConfigEntry:
    """Return an entry watching a stopped TCP service; its incident opens at once."""
    service = TcpService()
    await service.start()
    await service.stop()
    entry = service_entry(service.port, **{CONF_FAILURE_THRESHOLD: 1})
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def _call(hass: HomeAssistant, service: str, data: dict[str, Any]) -> Any:
    return await hass.services.async_call(
        DOMAIN, service, data, blocking=True, return_response=service.startswith("get")
    )


@pytest.mark.usefixtures("socket_enabled")
@pytest.mark.parametrize(
    "hours", ["NaN", float("nan"), "inf", 1e308, -1, 0, 0.5, 8761, "abc", [1]]
)
async def test_get_incidents_refuses_hours_outside_1_to_8760(
    hass: HomeAssistant, service_entry_loaded: MockConfigEntry, hours: Any
) -> None:
    """The error names the range the service accepts, and the service keeps to it."""
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, "get_incidents", {"hours": hours})
    assert err.value.translation_key == "hours_out_of_range"
    assert err.value.translation_placeholders["min"] == "1"
    assert err.value.translation_placeholders["max"] == "8760"


@pytest.mark.usefixtures("socket_enabled")
@pytest.mark.parametrize("hours", [1, 8760, "24"])
async def test_get_incidents_accepts_hours_within_its_range(
    hass: HomeAssistant, service_entry_loaded: MockConfigEntry, hours: Any
) -> None:
    """Both ends of the documented range work (the open incident is found)."""
    result = await _call(hass, "get_incidents", {"status": "all", "hours": hours})
    assert result["count"] == 1


@pytest.mark.usefixtures("socket_enabled")
@pytest.mark.parametrize("hours", ["abc", "inf", 0.5, 169, [24]])
async def test_get_component_history_refuses_hours_outside_1_to_168(
    hass: HomeAssistant, service_entry_loaded: MockConfigEntry, hours: Any
) -> None:
    """Text, infinity and values outside 1–168 are translated errors."""
    with pytest.raises(ServiceValidationError) as err:
        await _call(
            hass, "get_component_history", {"component": TARGET, "hours": hours}
        )
    assert err.value.translation_key == "hours_out_of_range"
    assert err.value.translation_placeholders["max"] == "168"


@pytest.mark.usefixtures("socket_enabled")
@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"note": "n" * 2001}, TOO_LONG),
        ({"note": "looked\x00into it"}, INVALID_CHARACTERS),
        ({"note": {"text": "hi"}}, NOT_TEXT),
        ({"incident_id": "I" * MEGABYTE}, TOO_LONG),
    ],
)
async def test_bad_acknowledge_input_is_refused_and_changes_nothing(
    hass: HomeAssistant,
    service_entry_loaded: MockConfigEntry,
    data: dict[str, Any],
    key: str,
) -> None:
    """Notes are at most 2000 characters of text; ids are short."""
    await refresh(hass, service_entry_loaded)
    incidents = service_entry_loaded.runtime_data.incidents
    incident = incidents.incident_for(TARGET)
    assert incident is not None
    before = incident_to_dict(incident)

    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, "acknowledge", {"incident_id": incident.id, **data})

    assert err.value.translation_key == key
    assert len(str(err.value.translation_placeholders)) < 100
    assert incident_to_dict(incidents.get(incident.id)) == before


@pytest.mark.usefixtures("socket_enabled")
async def test_multiline_note_is_accepted(
    hass: HomeAssistant, service_entry_loaded: MockConfigEntry
) -> None:
    """Line breaks and tabs are fine in a note."""
    await refresh(hass, service_entry_loaded)
    incidents = service_entry_loaded.runtime_data.incidents
    incident = incidents.incident_for(TARGET)
    assert incident is not None
    await _call(
        hass, "acknowledge", {"incident_id": incident.id, "note": "line 1\n\tline 2"}
    )
    assert incidents.get(incident.id).status == "acknowledged"


@pytest.mark.usefixtures("socket_enabled")
async def test_update_incident_refuses_an_unknown_status_with_a_translated_error(
    hass: HomeAssistant, service_entry_loaded: MockConfigEntry
) -> None:
    """Only investigating and in_progress can be set."""
    await refresh(hass, service_entry_loaded)
    incident = service_entry_loaded.runtime_data.incidents.incident_for(TARGET)
    assert incident is not None
    with pytest.raises(ServiceValidationError) as err:
        await _call(
            hass, "update_incident", {"incident_id": incident.id, "status": "closed"}
        )
    assert err.value.translation_key == "unknown_update_status"


@pytest.mark.usefixtures("socket_enabled")
async def test_repair_flow_refuses_an_over_long_note_and_changes_nothing(
    hass: HomeAssistant,
    service_entry_loaded: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    """The acknowledge form of the Repairs page shows a field error for a 1 MB note."""
    assert await async_setup_component(hass, "repairs", {})
    incident = service_entry_loaded.runtime_data.incidents.incident_for(TARGET)
    assert incident is not None
    client = await hass_client()
    response = await client.post(
        "/api/repairs/issues/fix",
        json={
            "handler": DOMAIN,
            "issue_id": f"{service_entry_loaded.entry_id}_{incident.id}",
        },
    )
    flow = await response.json()
    await client.post(
        f"/api/repairs/issues/fix/{flow['flow_id']}",
        json={"next_step_id": "acknowledge"},
    )
    response = await client.post(
        f"/api/repairs/issues/fix/{flow['flow_id']}", json={"note": "n" * MEGABYTE}
    )

    flow = await response.json()
    assert flow["type"] == "form"
    assert flow["errors"] == {"note": TOO_LONG}
    assert incident.status == "new"
