"""Distinctive passwords on every target never leave the config entry.

A database role, a broker user and an endpoint address each carry a
password seen nowhere else; the targets then go through the faults that
produce the most text (stopped servers, refused logins, incidents, repair
issues, notifications). The passwords must not appear in states,
attributes, events, action responses, diagnostics, repair issues, form
results, notifications, the log at debug level, or any stored file but the
config entries.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import asdict
import json
import logging
import secrets
from typing import Any

import pytest
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.health_monitor.const import DOMAIN
from homeassistant.const import MATCH_ALL
from homeassistant.core import Event, HomeAssistant, ServiceCall
from homeassistant.data_entry_flow import FlowResult, FlowResultType
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from tests.targets.http_servers import HttpServer, http_server
from tests.targets.postgres_server import PostgresServer

from .installation import LEVELS, Installation, Target, endpoint, watch
from .servers import Broker

DATABASE = "secret_database"
BROKER = "secret_broker"
ENDPOINT = "secret_endpoint"
ROLE = "keeper"
PG_SECRET = f"Pg-{secrets.token_hex(6)}-keeper"
PG_ROTATED = f"Pg-{secrets.token_hex(6)}-rotated"
HTTP_SECRET = f"Http-{secrets.token_hex(6)}-basic"
MQTT_WRONG = f"Mqtt-{secrets.token_hex(6)}-wrong"
STORED_ELSEWHERE_OK = "core.config_entries"


@pytest.fixture
async def keeper(
    hass: HomeAssistant, postgres: PostgresServer
) -> AsyncGenerator[PostgresServer]:
    """Create a role with a distinctive password; drop it afterwards."""
    await hass.async_add_executor_job(
        postgres.psql, f"CREATE ROLE {ROLE} LOGIN PASSWORD '{PG_SECRET}'"
    )
    yield postgres
    if not postgres.running:
        await hass.async_add_executor_job(postgres.start)
    terminate = (
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = "
    )
    await hass.async_add_executor_job(postgres.psql, f"{terminate}'{ROLE}'")
    await hass.async_add_executor_job(postgres.psql, f"DROP ROLE {ROLE}")


@pytest.fixture
async def endpoint_server() -> AsyncGenerator[HttpServer]:
    """Serve /health over plain HTTP."""
    async with http_server() as running:
        yield running


async def submit_target(
    installation: Installation, kind: str, user_input: dict[str, Any]
) -> FlowResult:
    """Fill in a target's add form once."""
    hass, entry = installation.hass, installation.entry
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, kind), context={"source": "user"}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {**LEVELS, **user_input}
    )
    await hass.async_block_till_done()
    return result


async def test_passwords_appear_nowhere_but_in_the_config_entry(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    hass_client: ClientSessionGenerator,
    caplog: pytest.LogCaptureFixture,
    keeper: PostgresServer,
    broker: Broker,
    endpoint_server: HttpServer,
) -> None:
    """Through faults, incidents, repairs and notifications, no password leaks."""
    caplog.set_level(logging.DEBUG)
    assert await async_setup_component(hass, "diagnostics", {})
    seen: list[str] = []
    notifications: list[ServiceCall] = []

    async def capture(call: ServiceCall) -> None:
        notifications.append(call)

    hass.services.async_register("notify", "capture", capture)
    events: list[Event] = []
    hass.bus.async_listen(MATCH_ALL, events.append)

    installation = await watch(
        hass,
        hass_storage,
        [
            Target(
                DATABASE,
                "database",
                {
                    "host": keeper.host,
                    "port": keeper.port,
                    "database": "postgres",
                    "username": ROLE,
                    "password": PG_SECRET,
                    "ssl_mode": "disable",
                },
            ),
            Target(
                BROKER,
                "mqtt_broker",
                {
                    "host": broker.host,
                    "port": broker.password_port,
                    "username": broker.username,
                    "password": broker.password,
                    "tls": False,
                },
            ),
            endpoint(ENDPOINT, endpoint_server.url),
        ],
        notify_action="notify.capture",
    )
    await installation.cycle()
    for sid in (DATABASE, BROKER, ENDPOINT):
        assert installation.status(sid).state == "healthy", sid

    # Forms: a password in an address, and refused logins.
    seen.append(
        str(
            await submit_target(
                installation,
                "http_endpoint",
                {
                    "url": endpoint_server.url.replace(
                        "http://", f"http://watcher:{HTTP_SECRET}@"
                    ),
                    "method": "GET",
                    "expected_status": "200",
                    "timeout": 5,
                    "verify_ssl": True,
                },
            )
        )
    )
    wrong_login = await submit_target(
        installation,
        "mqtt_broker",
        {
            "host": broker.host,
            "port": broker.password_port,
            "username": broker.username,
            "password": MQTT_WRONG,
            "tls": False,
        },
    )
    assert wrong_login["type"] is FlowResultType.FORM
    seen.append(str(wrong_login))

    # Faults: a stopped server, a rotated password, a stopped broker.
    await hass.async_add_executor_job(keeper.stop)
    await hass.async_add_executor_job(broker.stop)
    await installation.cycle()
    await installation.cycle()
    await hass.async_add_executor_job(keeper.start)
    await hass.async_add_executor_job(keeper.set_password, PG_ROTATED, ROLE)
    await installation.cycle()
    await installation.cycle()
    assert installation.status(DATABASE).state == "critical"
    assert installation.status(BROKER).state == "critical"
    incidents = await installation.incidents()
    assert {DATABASE, BROKER} <= {i["component_id"] for i in incidents}
    for incident in incidents:
        response = await hass.services.async_call(
            DOMAIN,
            "acknowledge",
            {"incident_id": incident["id"]},
            blocking=True,
            return_response=True,
        )
        seen.append(str(response))
    await hass.async_add_executor_job(keeper.set_password, PG_SECRET, ROLE)
    await hass.async_add_executor_job(broker.start)
    await installation.cycle()
    await installation.saved_within_a_second()

    # Every surface, read as a user or an integration would.
    for service, data in (
        ("get_health", {}),
        ("get_incidents", {"status": "all"}),
        ("get_statistics", {}),
        *(
            ("get_component_history", {"component": sid, "hours": 1})
            for sid in (DATABASE, BROKER, ENDPOINT)
        ),
    ):
        seen.append(
            str(
                await hass.services.async_call(
                    DOMAIN, service, data, blocking=True, return_response=True
                )
            )
        )
    seen.append(
        json.dumps(
            await get_diagnostics_for_config_entry(
                hass, hass_client, installation.entry
            )
        )
    )
    seen.extend(str(state.as_dict()) for state in hass.states.async_all())
    seen.extend(str(event.as_dict()) for event in events)
    seen.extend(str(asdict(issue)) for issue in ir.async_get(hass).issues.values())
    seen.extend(str(call.data) for call in notifications)
    seen.extend(
        json.dumps(data, default=str)
        for key, data in hass_storage.items()
        if key != STORED_ELSEWHERE_OK
    )
    seen.append(caplog.text)
    assert notifications, "no notification was sent"

    for password in (PG_SECRET, PG_ROTATED, broker.password, HTTP_SECRET, MQTT_WRONG):
        leaks = [text[:200] for text in seen if password in text]
        assert leaks == [], password
    await installation.unload()
