"""Bad input in every form and action: a translated error, and nothing changes.

Property-based: for each field of each form (options, reconfigure, each kind
of target, the repair fix flow) and each action field, Hypothesis draws bad
values (NaN, infinities, huge, negative and out-of-range numbers, text with
control characters, overlong text, wrong types) while the other fields hold
good values, against real servers, so a bad value that slipped through would
create or change something. Each must give an error whose key is a
translation of that form (or of the integration's exceptions, for actions)
and leave the entry, its targets and the incidents as they were.

A form field that is text refuses lists and mappings in Home Assistant's own
schema (``InvalidData``), before the integration sees them; no form can send
them, so that refusal counts, as long as nothing changes.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
import json
from pathlib import Path
import signal
from types import FrameType
from typing import Any

from hypothesis import strategies as st
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import voluptuous as vol

from custom_components.health_monitor.const import DOMAIN
from homeassistant.components import mqtt
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResult, FlowResultType, InvalidData
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.selector import EntitySelector, NumberSelector, TextSelector
from homeassistant.setup import async_setup_component
from tests.targets.http_servers import HttpServer, free_port, http_server
from tests.targets.postgres_server import (
    APP_DATABASE,
    MONITOR_PASSWORD,
    MONITOR_USER,
    PostgresServer,
)

from .bad_values import (
    EXAMPLES_PER_FIELD,
    NOTE_CONTROLS,
    bad_numbers,
    bad_paths,
    bad_texts,
    run_property,
    wrong_path_types,
    wrong_types,
)
from .figures import FIGURES
from .installation import LEVELS, Installation, network, watch
from .servers import Broker

TRANSLATIONS = json.loads(
    (
        Path(__file__).parents[2]
        / "custom_components"
        / "health_monitor"
        / "translations"
        / "en.json"
    ).read_text(encoding="utf-8")
)
EXCEPTION_KEYS = frozenset(TRANSLATIONS["exceptions"])
MEGABYTE = "m" * 1_000_000
# A form or action taking longer than this on a megabyte of text hangs.
HANG_SECONDS = 20
# Fields whose error may be reported on their partner (warning below critical).
PARTNERS = {
    "latency_warning_ms": "latency_critical_ms",
    "latency_critical_ms": "latency_warning_ms",
    **{
        f"{name}_{level}": f"{name}_{other}"
        for name in ("cpu", "memory", "disk")
        for level, other in (("warning", "critical"), ("critical", "warning"))
    },
}


class Hang(BaseException):
    """Raised in the event loop when a submission takes too long."""


@contextmanager
def hang_guard(seconds: float) -> Iterator[None]:
    """Interrupt the event loop (even a regular expression) after ``seconds``."""

    def interrupt(_signum: int, _frame: FrameType | None) -> None:
        raise Hang(f"no answer within {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass
class Form:
    """A form as the UI drives it: open, submit once, then close."""

    name: str
    start: Callable[[], Awaitable[FlowResult]]
    configure: Callable[[str, dict[str, Any]], Awaitable[FlowResult]]
    abort: Callable[[str], None]
    error_keys: frozenset[str]
    state: Callable[[], Any]
    # Good values of every field; None takes the form's own defaults.
    good: dict[str, Any] | None = None
    skip: frozenset[str] = field(default_factory=frozenset)

    async def fields(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """Return the form's fields (key -> selector) and good input."""
        result = await self.start()
        assert result["type"] is FlowResultType.FORM, result
        self.abort(result["flow_id"])
        schema: vol.Schema = result["data_schema"]
        selectors = {
            str(marker.schema): value for marker, value in schema.schema.items()
        }
        good = dict(self.good or {})
        if self.good is None:
            for marker in schema.schema:
                if marker.default is not vol.UNDEFINED:
                    good[str(marker.schema)] = marker.default()
        return selectors, good

    async def submit(self, user_input: dict[str, Any]) -> FlowResult | None:
        """Submit once; None when Home Assistant's schema refused the input."""
        result = await self.start()
        flow_id = result["flow_id"]
        try:
            result = await self.configure(flow_id, user_input)
        except InvalidData:
            self.abort(flow_id)
            return None
        if result["type"] is FlowResultType.FORM:
            self.abort(flow_id)
        return result


def strategy_for(selector: Any) -> st.SearchStrategy[tuple[str, Any]] | None:
    """Return bad values of a field, tagged "typed" or "wrong_type"."""
    if isinstance(selector, NumberSelector):
        config = selector.config
        return st.tuples(st.just("typed"), bad_numbers(config["min"], config["max"]))
    if isinstance(selector, TextSelector) and selector.config.get("multiple"):
        return st.one_of(
            st.tuples(st.just("typed"), bad_paths()),
            st.tuples(st.just("wrong_type"), wrong_path_types()),
        )
    if isinstance(selector, TextSelector | EntitySelector):
        return st.one_of(
            st.tuples(st.just("typed"), bad_texts()),
            st.tuples(st.just("wrong_type"), wrong_types()),
        )
    return None


def rejected(
    result: FlowResult | None, key: str, kind: str, error_keys: frozenset[str]
) -> bool:
    """Whether the form refused the value with a translated error on its field."""
    if result is None:
        return kind == "wrong_type"
    if result["type"] is not FlowResultType.FORM:
        return False
    errors = result.get("errors") or {}
    on_field = {key, PARTNERS.get(key)} & set(errors)
    return bool(on_field) and all(errors[k] in error_keys for k in on_field)


async def assert_form_refuses_bad_values(hass: HomeAssistant, form: Form) -> None:
    """Assert the property of the module doc for every field of ``form``."""
    selectors, good = await form.fields()
    strategies = {
        key: strategy
        for key, selector in selectors.items()
        if key not in form.skip and (strategy := strategy_for(selector)) is not None
    }
    assert strategies, form.name
    before = form.state()

    async def check(example: tuple[str, tuple[str, Any]]) -> None:
        key, (kind, value) = example
        result = await form.submit({**good, key: value})
        refused = rejected(result, key, kind, form.error_keys)
        FIGURES.bad_input(f"{form.name}.{key}", value, rejected=refused)
        assert refused, (key, value, result and result.get("errors"), result)
        assert form.state() == before, (key, value)

    examples = st.sampled_from(sorted(strategies)).flatmap(
        lambda key: st.tuples(st.just(key), strategies[key])
    )
    await run_property(hass, examples, check, EXAMPLES_PER_FIELD * len(strategies))


async def megabyte_accepted_by(form: Form) -> list[str]:
    """Return the text fields of ``form`` that do not refuse a megabyte at once.

    Refusing means a translated error within seconds and nothing changed.
    """
    selectors, good = await form.fields()
    before = form.state()
    texts = [
        key
        for key, selector in selectors.items()
        if isinstance(selector, TextSelector | EntitySelector) and key not in form.skip
    ]
    assert texts, form.name
    accepted: list[str] = []
    for key in texts:
        multiple = isinstance(selector := selectors[key], TextSelector) and (
            selector.config.get("multiple")
        )
        value: Any = [MEGABYTE] if multiple else MEGABYTE
        with hang_guard(HANG_SECONDS):
            result = await form.submit({**good, key: value})
        refused = rejected(result, key, "typed", form.error_keys)
        refused = refused and form.state() == before
        FIGURES.bad_input(f"{form.name}.{key}", "1 MB", rejected=refused)
        if not refused:
            accepted.append(f"{form.name}.{key}: {result and result.get('errors')}")
    return accepted


# --- The forms -----------------------------------------------------------


def entry_state(installation: Installation) -> Callable[[], Any]:
    """Return what a form of the entry could change: options and targets."""
    entry = installation.entry

    def state() -> Any:
        return (
            dict(entry.options),
            {
                sid: (sub.subentry_type, sub.title, dict(sub.data))
                for sid, sub in entry.subentries.items()
            },
            entry.state,
        )

    return state


def options_form(installation: Installation) -> Form:
    """Return the options form of the entry."""
    hass, entry = installation.hass, installation.entry
    manager = hass.config_entries.options
    return Form(
        "options",
        lambda: manager.async_init(entry.entry_id),
        manager.async_configure,
        manager.async_abort,
        frozenset(TRANSLATIONS["options"]["error"]),
        entry_state(installation),
    )


def reconfigure_form(installation: Installation) -> Form:
    """Return the reconfigure form (what to watch) of the entry."""
    hass, entry = installation.hass, installation.entry
    manager = hass.config_entries.flow
    return Form(
        "reconfigure",
        lambda: entry.start_reconfigure_flow(hass),
        manager.async_configure,
        manager.async_abort,
        frozenset(TRANSLATIONS["config"]["error"]),
        entry_state(installation),
    )


def target_form(installation: Installation, kind: str, good: dict[str, Any]) -> Form:
    """Return the add form of a kind of target, with good values for a real one."""
    hass, entry = installation.hass, installation.entry
    manager = hass.config_entries.subentries
    return Form(
        kind,
        lambda: manager.async_init((entry.entry_id, kind), context={"source": "user"}),
        manager.async_configure,
        manager.async_abort,
        frozenset(TRANSLATIONS["config_subentries"][kind]["error"]),
        entry_state(installation),
        good={**LEVELS, **good},
    )


@pytest.fixture
async def installation(
    hass: HomeAssistant, hass_storage: dict[str, Any], bystander_port: int
) -> Installation:
    """Health Monitor watching the process and a TCP service, with good options."""
    return await watch(
        hass,
        hass_storage,
        [network("bystander", "127.0.0.1", bystander_port)],
        checks=["ha_process"],
    )


@pytest.fixture
async def endpoint() -> AsyncGenerator[HttpServer]:
    """Serve /health over plain HTTP."""
    async with http_server() as running:
        yield running


@pytest.fixture
def forms(
    installation: Installation,
    bystander_port: int,
    endpoint: HttpServer,
    broker: Broker,
    postgres: PostgresServer,
) -> dict[str, Form]:
    """Every form of the entry, each with good values for a real target."""
    return {
        "options": options_form(installation),
        "reconfigure": reconfigure_form(installation),
        "network": target_form(
            installation, "network", {"host": "127.0.0.1", "port": bystander_port}
        ),
        "http_endpoint": target_form(
            installation,
            "http_endpoint",
            {
                "url": endpoint.url,
                "method": "GET",
                "expected_status": "200-299",
                "timeout": 5,
                "verify_ssl": True,
            },
        ),
        "mqtt_broker": target_form(
            installation,
            "mqtt_broker",
            {
                "host": broker.host,
                "port": broker.password_port,
                "username": broker.username,
                "password": broker.password,
                "tls": False,
            },
        ),
        "database": target_form(
            installation,
            "database",
            {
                "host": postgres.host,
                "port": postgres.port,
                "database": APP_DATABASE,
                "username": MONITOR_USER,
                "password": MONITOR_PASSWORD,
                "ssl_mode": "disable",
            },
        ),
    }


@pytest.mark.parametrize(
    "form_name",
    ["options", "reconfigure", "network", "http_endpoint", "mqtt_broker", "database"],
)
async def test_every_form_field_refuses_bad_values(
    hass: HomeAssistant, forms: dict[str, Form], form_name: str
) -> None:
    """Each bad value in each field: a translated field error, nothing saved."""
    await assert_form_refuses_bad_values(hass, forms[form_name])


async def test_home_assistant_mqtt_form_refuses_bad_values(
    hass: HomeAssistant,
    installation: Installation,
    broker: Broker,
    mock_hass_config: None,
) -> None:
    """The form of Home Assistant's own MQTT connection, against a real broker."""
    mqtt_entry = MockConfigEntry(
        domain=mqtt.DOMAIN, data={"broker": broker.host, "port": broker.anonymous_port}
    )
    mqtt_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mqtt_entry.entry_id)
    async with asyncio.timeout(30):
        while not mqtt.is_connected(hass):
            await asyncio.sleep(0.1)
    await assert_form_refuses_bad_values(hass, target_form(installation, "ha_mqtt", {}))
    assert await hass.config_entries.async_unload(mqtt_entry.entry_id)


async def test_a_megabyte_in_every_form_text_field_is_refused_at_once(
    hass: HomeAssistant, forms: dict[str, Form]
) -> None:
    """A megabyte of text in any text field is refused within seconds, nothing saved."""
    accepted = [
        key for form in forms.values() for key in await megabyte_accepted_by(form)
    ]
    assert accepted == []


async def test_first_setup_form_refuses_bad_disk_paths(hass: HomeAssistant) -> None:
    """The form of a new installation refuses bad disk paths; no entry is made."""
    manager = hass.config_entries.flow
    form = Form(
        "user",
        lambda: manager.async_init(DOMAIN, context={"source": "user"}),
        manager.async_configure,
        manager.async_abort,
        frozenset(TRANSLATIONS["config"]["error"]),
        lambda: hass.config_entries.async_entries(DOMAIN),
    )
    await assert_form_refuses_bad_values(hass, form)
    assert await megabyte_accepted_by(form) == []


# --- The repair fix flow ----------------------------------------------------


@pytest.fixture
async def incident(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> tuple[Installation, str]:
    """Watch a port nobody listens on until its incident opens; return its id."""
    installation = await watch(
        hass, hass_storage, [network("down", "127.0.0.1", free_port())]
    )
    await installation.cycle()
    await installation.cycle()
    (opened,) = await installation.incidents("down")
    return installation, str(opened["id"])


async def test_repair_fix_flow_refuses_bad_notes(
    hass: HomeAssistant, incident: tuple[Installation, str]
) -> None:
    """The note of the Repairs fix flow refuses bad text; the incident stays new."""
    installation, incident_id = incident
    assert await async_setup_component(hass, "repairs", {})
    from homeassistant.components.repairs import (  # noqa: PLC0415 - set up first
        repairs_flow_manager,
    )

    manager = repairs_flow_manager(hass)
    assert manager is not None
    issue_id = f"{installation.entry.entry_id}_{incident_id}"

    async def start() -> FlowResult:
        result = await manager.async_init(DOMAIN, data={"issue_id": issue_id})
        return await manager.async_configure(
            result["flow_id"], {"next_step_id": "acknowledge"}
        )

    async def incidents_now() -> Any:
        return await installation.incidents()

    before = await incidents_now()
    snapshot: list[Any] = [before]
    form = Form(
        "repair",
        start,
        manager.async_configure,
        manager.async_abort,
        frozenset(TRANSLATIONS["issues"]["incident"]["fix_flow"].get("error", {})),
        lambda: snapshot[0],
        good={},
    )

    async def check(example: tuple[str, Any]) -> None:
        kind, value = example
        result = await form.submit({"note": value})
        refused = rejected(result, "note", kind, form.error_keys)
        FIGURES.bad_input("repair.note", value, rejected=refused)
        assert refused, (value, result)
        assert await incidents_now() == before, value

    examples = st.one_of(
        st.tuples(st.just("typed"), bad_texts(NOTE_CONTROLS)),
        st.tuples(st.just("wrong_type"), wrong_types()),
    )
    await run_property(hass, examples, check, EXAMPLES_PER_FIELD * 2)
    with hang_guard(HANG_SECONDS):
        result = await form.submit({"note": MEGABYTE})
    FIGURES.bad_input(
        "repair.note",
        "1 MB",
        rejected=rejected(result, "note", "typed", form.error_keys),
    )
    assert rejected(result, "note", "typed", form.error_keys)
    assert await incidents_now() == before


# --- Actions ------------------------------------------------------------------


def _words_except(*allowed: str) -> st.SearchStrategy[str]:
    return st.text(min_size=1, max_size=12).filter(
        lambda text: text.strip() not in allowed
    )


ACTIONS: dict[tuple[str, str], st.SearchStrategy[Any]] = {
    ("acknowledge", "incident_id"): st.one_of(
        _words_except(), bad_texts(), wrong_types()
    ),
    ("acknowledge", "note"): st.one_of(bad_texts(NOTE_CONTROLS), wrong_types()),
    ("resolve", "note"): st.one_of(bad_texts(NOTE_CONTROLS), wrong_types()),
    ("update_incident", "status"): st.one_of(
        _words_except("investigating", "in_progress"), bad_texts(), wrong_types()
    ),
    ("update_incident", "note"): st.one_of(bad_texts(NOTE_CONTROLS), wrong_types()),
    ("get_component_history", "component"): st.one_of(
        _words_except("down"), bad_texts(), wrong_types()
    ),
    ("get_component_history", "hours"): bad_numbers(1, 168),
    ("get_incidents", "status"): st.one_of(
        _words_except(
            "active",
            "all",
            "new",
            "acknowledged",
            "investigating",
            "in_progress",
            "resolved",
            "closed",
        ),
        bad_texts(),
        wrong_types(),
    ),
    ("get_incidents", "hours"): bad_numbers(1, 8760),
}
RESPONSE_ONLY = frozenset({"get_component_history", "get_incidents"})


def good_action_data(service: str, incident_id: str) -> dict[str, Any]:
    """Return good data of an action on the open incident."""
    return {
        "acknowledge": {"incident_id": incident_id},
        "resolve": {"incident_id": incident_id},
        "update_incident": {"incident_id": incident_id, "status": "investigating"},
        "get_component_history": {"component": "down", "hours": 24},
        "get_incidents": {"status": "all"},
    }[service]


async def refused_by_action(
    hass: HomeAssistant, service: str, data: dict[str, Any]
) -> ServiceValidationError | None:
    """Call the action; return its translated refusal, None if it was accepted."""
    try:
        await hass.services.async_call(
            DOMAIN,
            service,
            data,
            blocking=True,
            return_response=service in RESPONSE_ONLY,
        )
    except ServiceValidationError as err:
        return err
    return None


async def test_every_action_field_refuses_bad_values(
    hass: HomeAssistant, incident: tuple[Installation, str]
) -> None:
    """Each bad value in each action field: a translated error, the incident unchanged."""
    installation, incident_id = incident
    before = await installation.incidents()

    async def check(example: tuple[tuple[str, str], Any]) -> None:
        (service, key), value = example
        data = {**good_action_data(service, incident_id), key: value}
        error = await refused_by_action(hass, service, data)
        refused = (
            error is not None
            and error.translation_domain == DOMAIN
            and error.translation_key in EXCEPTION_KEYS
        )
        FIGURES.bad_input(f"{service}.{key}", value, rejected=refused)
        assert refused, (service, key, value, error)
        assert await installation.incidents() == before, (service, key, value)

    examples = st.sampled_from(sorted(ACTIONS)).flatmap(
        lambda place: st.tuples(st.just(place), ACTIONS[place])
    )
    await run_property(hass, examples, check, EXAMPLES_PER_FIELD * len(ACTIONS))


async def test_a_megabyte_in_every_action_text_field_is_refused_at_once(
    hass: HomeAssistant, incident: tuple[Installation, str]
) -> None:
    """A megabyte of text in any action's text field: a translated error within seconds."""
    installation, incident_id = incident
    before = await installation.incidents()
    texts = [place for place in ACTIONS if place[1] != "hours"]
    for service, key in texts:
        data = {**good_action_data(service, incident_id), key: MEGABYTE}
        with hang_guard(HANG_SECONDS):
            error = await refused_by_action(hass, service, data)
        refused = error is not None and error.translation_key in EXCEPTION_KEYS
        FIGURES.bad_input(f"{service}.{key}", "1 MB", rejected=refused)
        assert refused, (service, key, error)
        assert await installation.incidents() == before, (service, key)
