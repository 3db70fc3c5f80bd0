"""HTTP endpoint targets against real aiohttp servers on loopback."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
import json
import logging
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import voluptuous as vol

from custom_components.health_monitor.const import DOMAIN
from custom_components.health_monitor.engine.models import HealthStatus
from custom_components.health_monitor.engine.runner import run_check
from custom_components.health_monitor.targets.http_endpoint.probe import (
    SUCCESS_WINDOW,
    HttpEndpointCheck,
)
from homeassistant.config_entries import ConfigSubentry
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResult, FlowResultType
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from tests.lanes import find_device

from .flows import submit_target_form
from .http_servers import HttpServer, free_port, http_server, self_signed_context
from .target_entities import refresh, sensor, status

pytestmark = pytest.mark.usefixtures("socket_enabled")

SUBENTRY_TYPE = "http_endpoint"
PASSWORD = "s3cr3t-Pa55word"  # noqa: S105 - the secret the tests look for


@pytest.fixture
async def endpoint() -> AsyncGenerator[HttpServer]:
    """Serve /health over plain HTTP."""
    async with http_server() as server:
        yield server


def endpoint_input(url: str, **overrides: Any) -> dict[str, Any]:
    """Return form input for ``url``: GET, 200 expected, generous limits."""
    return {
        "url": url,
        "method": "GET",
        "expected_status": "200",
        "timeout": 10,
        "verify_ssl": True,
        "latency_warning_ms": 5000,
        "latency_critical_ms": 10000,
        **overrides,
    }


async def submit(
    hass: HomeAssistant, entry: MockConfigEntry, user_input: dict[str, Any]
) -> FlowResult:
    """Fill in the add form once and return the result."""
    return await submit_target_form(hass, entry, SUBENTRY_TYPE, user_input)


async def add_endpoint(
    hass: HomeAssistant, entry: MockConfigEntry, url: str, **overrides: Any
) -> str:
    """Add an endpoint through the form; return its subentry id."""
    result = await submit(hass, entry, endpoint_input(url, **overrides))
    assert result["type"] is FlowResultType.CREATE_ENTRY, result.get("errors")
    return only_endpoint(entry)


def only_endpoint(entry: MockConfigEntry) -> str:
    """Return the id of the entry's single endpoint."""
    (subentry_id,) = [
        sid
        for sid, sub in entry.subentries.items()
        if sub.subentry_type == SUBENTRY_TYPE
    ]
    return subentry_id


async def add_stored_endpoint(
    hass: HomeAssistant, entry: MockConfigEntry, title: str, data: dict[str, Any]
) -> str:
    """Store an endpoint as an earlier version or another tool could have."""
    subentry = ConfigSubentry(
        data=MappingProxyType(data),
        subentry_type=SUBENTRY_TYPE,
        title=title,
        unique_id=title,
    )
    hass.config_entries.async_add_subentry(entry, subentry)
    await hass.async_block_till_done()
    return subentry.subentry_id


async def test_endpoint_answering_200_is_added_and_healthy(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, endpoint: HttpServer
) -> None:
    """A reachable endpoint is saved under its address and reports its metrics."""
    result = await submit(hass, loaded_entry, endpoint_input(endpoint.url))

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == endpoint.url.removeprefix(f"{endpoint.scheme}://")
    sid = only_endpoint(loaded_entry)
    assert status(hass, loaded_entry, sid).state == "healthy"
    assert sensor(hass, loaded_entry, sid, "status_code").state == "200"
    assert float(sensor(hass, loaded_entry, sid, "success_rate").state) == 100.0
    response_time = sensor(hass, loaded_entry, sid, "response_time")
    assert float(response_time.state) > 0
    assert response_time.attributes["unit_of_measurement"] == "ms"
    assert sensor(hass, loaded_entry, sid, "certificate_days").state == "unknown"


async def test_status_code_sensor_is_diagnostic(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, endpoint: HttpServer
) -> None:
    """The status code is a diagnostic entity of the endpoint's device."""
    sid = await add_endpoint(hass, loaded_entry, endpoint.url)

    entity_id = sensor(hass, loaded_entry, sid, "status_code").entity_id
    entity = er.async_get(hass).async_get(entity_id)
    assert entity is not None
    assert entity.entity_category is EntityCategory.DIAGNOSTIC
    assert entity.config_subentry_id == sid


async def test_endpoint_answering_500_is_refused_by_the_form(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, endpoint: HttpServer
) -> None:
    """An unexpected status code is a field error and nothing is saved."""
    endpoint.status = 500

    result = await submit(hass, loaded_entry, endpoint_input(endpoint.url))

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"expected_status": "unexpected_status"}
    assert not loaded_entry.subentries


async def test_endpoint_answering_401_is_refused_as_invalid_auth(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, endpoint: HttpServer
) -> None:
    """An endpoint that wants credentials is reported as such."""
    endpoint.status = 401

    result = await submit(hass, loaded_entry, endpoint_input(endpoint.url))

    assert result["errors"] == {"base": "invalid_auth"}


async def test_endpoint_starting_to_answer_500_becomes_critical(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, endpoint: HttpServer
) -> None:
    """An unexpected status code makes the endpoint critical and says which code."""
    sid = await add_endpoint(hass, loaded_entry, endpoint.url)
    endpoint.status = 500

    await refresh(hass, loaded_entry)

    state = status(hass, loaded_entry, sid)
    assert state.state == "critical"
    assert "unexpected status 500" in state.attributes["message"]
    assert sensor(hass, loaded_entry, sid, "status_code").state == "500"


async def test_listed_status_codes_and_ranges_count_as_up(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, endpoint: HttpServer
) -> None:
    """A code listed in "200-299, 301" is healthy; redirects are not followed."""
    endpoint.status = 301
    sid = await add_endpoint(
        hass, loaded_entry, endpoint.url, expected_status="200-299, 301"
    )

    assert status(hass, loaded_entry, sid).state == "healthy"
    assert sensor(hass, loaded_entry, sid, "status_code").state == "301"


@pytest.mark.parametrize(
    "codes", ["abc", "200-", "99", "600", "299-200", "200;301", ""]
)
async def test_malformed_status_codes_are_refused(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    endpoint: HttpServer,
    codes: str,
) -> None:
    """Expected codes must be 100-599, single or as ranges, comma separated."""
    result = await submit(
        hass, loaded_entry, endpoint_input(endpoint.url, expected_status=codes)
    )

    assert result["errors"] == {"expected_status": "invalid_status_codes"}
    assert endpoint.methods == []


async def test_endpoint_slower_than_its_timeout_is_critical(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, endpoint: HttpServer
) -> None:
    """No answer within the target's timeout makes it critical within one cycle."""
    sid = await add_endpoint(hass, loaded_entry, endpoint.url, timeout=1)
    endpoint.slow = True

    await refresh(hass, loaded_entry)

    state = status(hass, loaded_entry, sid)
    assert state.state == "critical"
    assert "no response within 1 s" in state.attributes["message"]


async def test_endpoint_slower_than_its_timeout_is_refused_by_the_form(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, endpoint: HttpServer
) -> None:
    """The form reports a timeout and saves nothing."""
    endpoint.slow = True

    result = await submit(hass, loaded_entry, endpoint_input(endpoint.url, timeout=1))

    assert result["errors"] == {"base": "timeout"}
    assert not loaded_entry.subentries


async def test_slow_answer_is_a_warning_then_degraded(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, endpoint: HttpServer
) -> None:
    """Latency at the warning level warns; at the critical level it degrades."""
    endpoint.delay = 0.3
    sid = await add_endpoint(
        hass,
        loaded_entry,
        endpoint.url,
        latency_warning_ms=200,
        latency_critical_ms=60000,
    )
    assert status(hass, loaded_entry, sid).state == "warning"

    result = await hass.config_entries.subentries.async_init(
        (loaded_entry.entry_id, SUBENTRY_TYPE),
        context={"source": "reconfigure", "subentry_id": sid},
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        endpoint_input(endpoint.url, latency_warning_ms=100, latency_critical_ms=200),
    )
    await hass.async_block_till_done()

    assert result["reason"] == "reconfigure_successful"
    assert status(hass, loaded_entry, sid).state == "degraded"


async def test_refused_port_is_refused_by_the_form(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """Nobody listening is cannot_connect on the address field."""
    url = f"http://127.0.0.1:{free_port()}/health"

    result = await submit(hass, loaded_entry, endpoint_input(url))

    assert result["errors"] == {"url": "cannot_connect"}
    assert not loaded_entry.subentries


async def test_stopped_endpoint_becomes_critical_and_recovers(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, tmp_path: Path
) -> None:
    """A server that goes away is critical next cycle; back on its port, healthy."""
    async with http_server() as server:
        sid = await add_endpoint(hass, loaded_entry, server.url)
        port = server.port
    await refresh(hass, loaded_entry)

    state = status(hass, loaded_entry, sid)
    assert state.state == "critical"
    assert "cannot connect" in state.attributes["message"]
    assert status(hass, loaded_entry, "event_loop").state != "critical"

    async with http_server(port=port):
        await refresh(hass, loaded_entry)
        assert status(hass, loaded_entry, sid).state == "healthy"


async def test_body_text_present_is_healthy(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, endpoint: HttpServer
) -> None:
    """The expected text in the response keeps the endpoint healthy."""
    sid = await add_endpoint(hass, loaded_entry, endpoint.url, body="systems go")

    assert status(hass, loaded_entry, sid).state == "healthy"


async def test_body_text_missing_is_refused_by_the_form(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, endpoint: HttpServer
) -> None:
    """A response without the expected text is a field error on the text."""
    result = await submit(
        hass, loaded_entry, endpoint_input(endpoint.url, body="maintenance")
    )

    assert result["errors"] == {"body": "body_not_found"}


async def test_body_text_disappearing_makes_the_endpoint_critical(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, endpoint: HttpServer
) -> None:
    """The endpoint is critical once its response lacks the expected text."""
    sid = await add_endpoint(hass, loaded_entry, endpoint.url, body="systems go")
    endpoint.body = "status: maintenance"

    await refresh(hass, loaded_entry)

    state = status(hass, loaded_entry, sid)
    assert state.state == "critical"
    assert "does not contain the expected text" in state.attributes["message"]


async def test_head_request_is_healthy(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, endpoint: HttpServer
) -> None:
    """The HEAD method asks with HEAD and a good answer is healthy."""
    sid = await add_endpoint(hass, loaded_entry, endpoint.url, method="HEAD")

    assert status(hass, loaded_entry, sid).state == "healthy"
    assert set(endpoint.methods) == {"HEAD"}


async def test_head_with_body_text_is_refused(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, endpoint: HttpServer
) -> None:
    """A HEAD answer has no body to search, so the form refuses the text."""
    result = await submit(
        hass,
        loaded_entry,
        endpoint_input(endpoint.url, method="HEAD", body="systems go"),
    )

    assert result["errors"] == {"body": "body_requires_get"}
    assert endpoint.methods == []


async def test_self_signed_certificate_is_refused_when_verified(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, tmp_path: Path
) -> None:
    """With verification on, a self-signed certificate is a TLS error on the address."""
    async with http_server(self_signed_context(tmp_path, 30)) as server:
        result = await submit(hass, loaded_entry, endpoint_input(server.url))

    assert result["errors"] == {"url": "tls_failed"}
    assert not loaded_entry.subentries


async def test_self_signed_certificate_makes_a_verified_endpoint_critical(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, tmp_path: Path
) -> None:
    """A verified endpoint serving a self-signed certificate is critical and says why."""
    async with http_server(self_signed_context(tmp_path, 30)) as server:
        data = endpoint_input(server.url, timeout=10.0)
        sid = await add_stored_endpoint(hass, loaded_entry, server.url, data)

        state = status(hass, loaded_entry, sid)
        assert state.state == "critical"
        assert "TLS certificate verify failed" in state.attributes["message"]
        assert "self-signed" in state.attributes["message"]
        # The expiry is still read, so an expired certificate would show why.
        days = float(sensor(hass, loaded_entry, sid, "certificate_days").state)
        assert days == pytest.approx(30, abs=0.1)


async def test_unverified_self_signed_endpoint_is_healthy_with_days_left(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, tmp_path: Path
) -> None:
    """Without verification the endpoint is healthy and shows its certificate's days left."""
    async with http_server(self_signed_context(tmp_path, 30)) as server:
        sid = await add_endpoint(hass, loaded_entry, server.url, verify_ssl=False)

        assert status(hass, loaded_entry, sid).state == "healthy"
        days = sensor(hass, loaded_entry, sid, "certificate_days")
        assert float(days.state) == pytest.approx(30, abs=0.1)
        assert days.attributes["unit_of_measurement"] == "d"
        assert days.attributes["device_class"] == "duration"

        await refresh(hass, loaded_entry)
        days = sensor(hass, loaded_entry, sid, "certificate_days")
        assert float(days.state) == pytest.approx(30, abs=0.1)


@pytest.mark.parametrize(
    ("valid_days", "expected"), [(10, "warning"), (2, "degraded"), (14.5, "healthy")]
)
async def test_certificate_close_to_expiry_lowers_the_status(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    tmp_path: Path,
    valid_days: float,
    expected: str,
) -> None:
    """Under 14 days left is a warning, under 3 days degraded."""
    async with http_server(self_signed_context(tmp_path, valid_days)) as server:
        sid = await add_endpoint(hass, loaded_entry, server.url, verify_ssl=False)

        state = status(hass, loaded_entry, sid)
        assert state.state == expected
        assert "certificate expires in" in state.attributes["message"]


async def test_endpoint_answering_again_is_healthy_while_its_success_rate_stays_low(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, endpoint: HttpServer
) -> None:
    """The status follows the current answer; the success rate is a metric."""
    sid = await add_endpoint(hass, loaded_entry, endpoint.url)
    endpoint.status = 503
    for _ in range(4):
        await refresh(hass, loaded_entry)
    assert status(hass, loaded_entry, sid).state == "critical"
    endpoint.status = 200

    await refresh(hass, loaded_entry)

    state = status(hass, loaded_entry, sid)
    assert state.state == "healthy", state.attributes["message"]
    assert float(sensor(hass, loaded_entry, sid, "success_rate").state) == (
        pytest.approx(100 * 2 / 6, abs=0.1)
    )


def endpoint_check(
    hass: HomeAssistant, url: str, **overrides: Any
) -> HttpEndpointCheck:
    """Return a check of ``url`` as a stored target would have it."""
    return HttpEndpointCheck(
        hass, "endpoint", "Endpoint", endpoint_input(url, **overrides)
    )


async def test_success_rate_window_survives_a_restart_through_its_stored_state(
    hass: HomeAssistant, endpoint: HttpServer
) -> None:
    """What export_state gives, stored as JSON, restores the same success rate."""
    before = endpoint_check(hass, endpoint.url)
    for answer in (200, 503, 503, 200):
        endpoint.status = answer
        await before.async_check()
    stored = json.loads(json.dumps(before.export_state()))

    after = endpoint_check(hass, endpoint.url)
    after.restore_state(stored)

    assert after.success_rate == before.success_rate == 50.0
    result = await after.async_check()
    assert result.metrics["success_rate"] == 60.0
    assert result.metrics["success_rate_checks"] == 5


async def test_restored_outcomes_are_older_than_those_of_checks_since_the_start(
    hass: HomeAssistant, endpoint: HttpServer
) -> None:
    """A window restored late keeps the newest outcomes, within its size."""
    check = endpoint_check(hass, endpoint.url)
    endpoint.status = 503
    await check.async_check()

    check.restore_state({"outcomes": [True] * SUCCESS_WINDOW})

    assert check.export_state()["outcomes"] == [True] * (SUCCESS_WINDOW - 1) + [False]


@pytest.mark.parametrize(
    "stored",
    [
        None,
        "outcomes",
        [True, False],
        {},
        {"outcomes": None},
        {"outcomes": "TTFF"},
        {"outcomes": {"0": True}},
        {"outcomes": [1, 0, 1]},
        {"outcomes": [True, None]},
        {"outcomes": [True, "false"]},
        {"outcomes": [False] * 100_000},
    ],
)
async def test_stored_state_that_is_not_a_list_of_outcomes_is_ignored(
    hass: HomeAssistant, endpoint: HttpServer, stored: Any
) -> None:
    """Garbage from storage changes nothing: the rate is that of the checks made."""
    check = endpoint_check(hass, endpoint.url)
    await check.async_check()

    check.restore_state(stored)

    assert check.success_rate == 100.0
    assert check.export_state() == {"outcomes": [True]}


async def test_check_of_an_endpoint_that_hangs_returns_within_the_check_timeout(
    hass: HomeAssistant, endpoint: HttpServer
) -> None:
    """A request that hangs past the check timeout ends there, not at its own timeout."""
    check = endpoint_check(hass, endpoint.url, timeout=30)
    endpoint.slow = True

    async with asyncio.timeout(5):
        result = await run_check(check, 1.0)

    assert result.status is HealthStatus.CRITICAL
    assert result.message == "No answer within 1 s"


@pytest.mark.parametrize(
    "url",
    [
        "ftp://127.0.0.1/health",
        "127.0.0.1/health",
        "http://",
        "https:///health",
        "not a url",
        "http://[::1/health",
    ],
)
async def test_addresses_other_than_http_are_refused(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, url: str
) -> None:
    """Only full http:// and https:// addresses are accepted."""
    result = await submit(hass, loaded_entry, endpoint_input(url))

    assert result["errors"] == {"url": "invalid_url"}
    assert not loaded_entry.subentries


async def test_credentials_in_the_address_are_refused_and_never_shown(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    endpoint: HttpServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The form refuses user:password@ and does not echo the password back."""
    caplog.set_level(logging.DEBUG)
    url = f"http://monitor:{PASSWORD}@127.0.0.1:{endpoint.port}/health"

    result = await submit(hass, loaded_entry, endpoint_input(url))

    assert result["errors"] == {"url": "credentials_in_url"}
    assert PASSWORD not in repr(result)
    assert PASSWORD not in caplog.text
    assert not loaded_entry.subentries
    assert endpoint.methods == []


async def test_stored_credentials_never_reach_messages_attributes_or_logs(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An endpoint stored with a password in its address never shows the password."""
    caplog.set_level(logging.DEBUG)
    port = free_port()
    url = f"https://monitor:{PASSWORD}@127.0.0.1:{port}/health"
    sid = await add_stored_endpoint(
        hass, loaded_entry, f"https://127.0.0.1:{port}/health", endpoint_input(url)
    )
    await refresh(hass, loaded_entry)

    state = status(hass, loaded_entry, sid)
    assert state.state == "critical"
    assert f"https://127.0.0.1:{port}/health" in state.attributes["message"]
    for entity_state in hass.states.async_all():
        assert PASSWORD not in repr(entity_state)
    device = find_device(
        hass, loaded_entry.entry_id, (DOMAIN, f"{loaded_entry.entry_id}_{sid}")
    )
    assert device is not None
    assert PASSWORD not in repr(device)
    assert PASSWORD not in caplog.text


async def test_recovery_script_must_be_an_existing_script(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, endpoint: HttpServer
) -> None:
    """An unknown recovery script is a field error; an existing one is saved."""
    assert await async_setup_component(
        hass, "script", {"script": {"restart_endpoint": {"sequence": []}}}
    )
    refused = await submit(
        hass,
        loaded_entry,
        endpoint_input(endpoint.url, recovery_script="script.does_not_exist"),
    )
    assert refused["errors"] == {"recovery_script": "invalid_recovery_script"}

    sid = await add_endpoint(
        hass, loaded_entry, endpoint.url, recovery_script="script.restart_endpoint"
    )

    assert loaded_entry.subentries[sid].data["recovery_script"] == (
        "script.restart_endpoint"
    )


async def test_same_address_twice_is_already_configured(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, endpoint: HttpServer
) -> None:
    """The same endpoint (up to letter case of the host) cannot be added twice."""
    await add_endpoint(hass, loaded_entry, endpoint.url)

    result = await submit(
        hass,
        loaded_entry,
        endpoint_input(endpoint.url.replace("http://", "HTTP://"), method="HEAD"),
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_reconfigure_changes_what_is_expected(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, endpoint: HttpServer
) -> None:
    """Reconfiguring shows the stored values and applies the new ones."""
    sid = await add_endpoint(hass, loaded_entry, endpoint.url)
    endpoint.status = 204
    await refresh(hass, loaded_entry)
    assert status(hass, loaded_entry, sid).state == "critical"

    result = await hass.config_entries.subentries.async_init(
        (loaded_entry.entry_id, SUBENTRY_TYPE),
        context={"source": "reconfigure", "subentry_id": sid},
    )
    assert result["type"] is FlowResultType.FORM
    defaults = {
        str(key): key.default()
        for key in result["data_schema"].schema
        if key.default is not vol.UNDEFINED
    }
    assert defaults["url"] == endpoint.url
    assert defaults["expected_status"] == "200"
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], endpoint_input(endpoint.url, expected_status="200-204")
    )
    await hass.async_block_till_done()

    assert result["reason"] == "reconfigure_successful"
    assert loaded_entry.subentries[sid].data["expected_status"] == "200-204"
    assert status(hass, loaded_entry, sid).state == "healthy"


async def test_removing_an_endpoint_removes_its_device_and_entities(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, endpoint: HttpServer
) -> None:
    """A removed endpoint leaves no device or entity behind."""
    sid = await add_endpoint(hass, loaded_entry, endpoint.url)
    entity_id = status(hass, loaded_entry, sid).entity_id

    assert hass.config_entries.async_remove_subentry(loaded_entry, sid)
    await hass.async_block_till_done()

    assert er.async_get(hass).async_get(entity_id) is None
    assert (
        find_device(
            hass, loaded_entry.entry_id, (DOMAIN, f"{loaded_entry.entry_id}_{sid}")
        )
        is None
    )


async def test_https_address_of_a_plain_http_server_is_refused(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, endpoint: HttpServer
) -> None:
    """A server that does not speak TLS fails the TLS handshake."""
    url = endpoint.url.replace("http://", "https://")

    result = await submit(hass, loaded_entry, endpoint_input(url, verify_ssl=False))

    assert result["errors"] == {"url": "tls_failed"}


async def test_server_hanging_up_without_an_answer_is_refused(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """A server that closes the connection without answering cannot be added."""

    async def hang_up(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.close()

    server = await asyncio.start_server(hang_up, "127.0.0.1", 0)
    try:
        port = server.sockets[0].getsockname()[1]
        result = await submit(
            hass, loaded_entry, endpoint_input(f"http://127.0.0.1:{port}/health")
        )
    finally:
        server.close()
        await server.wait_closed()

    assert result["errors"] == {"url": "cannot_connect"}
