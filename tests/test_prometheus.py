"""Home Assistant's prometheus integration exports the health a user alerts on.

HA names a sensor's gauge after its device class and unit (``homeassistant_sensor_duration_ms``),
with no device class after its unit (``homeassistant_sensor_unit_percent``), with neither
``homeassistant_sensor_state``; a binary sensor's is ``homeassistant_binary_sensor_state``
(0/1). Each series is labelled ``entity``, ``domain`` and ``friendly_name``. An enum sensor's
text (a component's status) is not a number and has no value series. The names are the same
in HA 2025.4 and 2026.10.
"""

from __future__ import annotations

from pathlib import Path
import re
from typing import Any

import prometheus_client
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
import yaml

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component

from .targets.target_entities import entity_id_of, number, refresh
from .tcp_service import TcpService, services_entry

pytestmark = pytest.mark.usefixtures("socket_enabled")

ROOT = Path(__file__).parents[1]
DOCS = ROOT / "docs" / "prometheus"

# The entry's components: a service that answers and one that stopped.
UP, DOWN = "target_0", "target_1"


@pytest.fixture
async def prometheus(hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch) -> None:
    """Set up HA's prometheus integration as documented (only Health Monitor's entities).

    Its gauges go to a registry of this test's own: HA adds them to prometheus_client's
    process-wide registry, which refuses the same gauge from the next test's Home Assistant.
    """
    monkeypatch.setattr(
        prometheus_client,
        "REGISTRY",
        prometheus_client.CollectorRegistry(auto_describe=True),
    )
    config = _documented("configuration.yaml")
    assert await async_setup_component(hass, "prometheus", config)


@pytest.fixture
async def entry(
    hass: HomeAssistant, prometheus: None, service: TcpService
) -> MockConfigEntry:
    """Health Monitor watching two services; the second stopped and has an open incident."""
    stopping = TcpService()
    await stopping.start()
    entry = services_entry([service, stopping])
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    await stopping.stop()
    await refresh(hass, entry)
    await refresh(hass, entry)
    return entry


@pytest.fixture
async def scraped(
    entry: MockConfigEntry, hass_client: ClientSessionGenerator
) -> list[Sample]:
    """Return every sample ``/api/prometheus`` answers, as Prometheus would read them."""
    client = await hass_client()
    response = await client.get("/api/prometheus")
    assert response.status == 200
    text = await response.text()
    return [
        sample
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    ]


def _documented(name: str) -> Any:
    return yaml.safe_load((DOCS / name).read_text(encoding="utf-8"))


def _value(samples: list[Sample], metric: str, entity_id: str) -> float:
    [value] = [
        sample.value
        for sample in samples
        if sample.name == metric and sample.labels.get("entity") == entity_id
    ]
    return value


async def test_health_score_is_a_percent_gauge(
    hass: HomeAssistant, entry: MockConfigEntry, scraped: list[Sample]
) -> None:
    """The score gauge is the score sensor's value, lowered by the stopped service."""
    score = entity_id_of(hass, entry, "system_health_score")
    assert score == "sensor.health_monitor_health_score"
    value = _value(scraped, "homeassistant_sensor_unit_percent", score)
    assert value == number(hass, score)
    assert value < 100


async def test_status_counts_are_gauges_per_status(
    hass: HomeAssistant, entry: MockConfigEntry, scraped: list[Sample]
) -> None:
    """How many components are in each status: the stopped service is the critical one."""
    for status, components in (("healthy", 1), ("degraded", 0), ("critical", 1)):
        entity_id = entity_id_of(hass, entry, f"system_{status}_components")
        assert _value(scraped, "homeassistant_sensor_state", entity_id) == components


async def test_a_component_with_an_open_incident_is_1(
    hass: HomeAssistant, entry: MockConfigEntry, scraped: list[Sample]
) -> None:
    """Each component's problem sensor is a 0/1 gauge: 1 for the stopped service."""
    down = entity_id_of(hass, entry, f"{DOWN}_incident", "binary_sensor")
    up = entity_id_of(hass, entry, f"{UP}_incident", "binary_sensor")
    assert _value(scraped, "homeassistant_binary_sensor_state", down) == 1
    assert _value(scraped, "homeassistant_binary_sensor_state", up) == 0


async def test_response_time_is_exported_in_milliseconds(
    hass: HomeAssistant, entry: MockConfigEntry, scraped: list[Sample]
) -> None:
    """The answering service's response time gauge is its sensor's value in ms."""
    response_time = entity_id_of(hass, entry, f"{UP}_response_time")
    assert hass.states.get(response_time).attributes["unit_of_measurement"] == "ms"  # type: ignore[union-attr]
    value = _value(scraped, "homeassistant_sensor_duration_ms", response_time)
    assert value == number(hass, response_time)


async def test_open_incidents_are_counted(
    hass: HomeAssistant, entry: MockConfigEntry, scraped: list[Sample]
) -> None:
    """The open incident count is exported: the stopped service's incident."""
    open_incidents = entity_id_of(hass, entry, "system_open_incidents")
    assert _value(scraped, "homeassistant_sensor_state", open_incidents) == 1


# A selector in PromQL: a metric name and its label matchers.
_SELECTOR = re.compile(r"([a-zA-Z_:][\w:]*)\{([^}]*)\}")
_MATCHER = re.compile(r'(\w+)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"')
# What may follow a backslash in a PromQL string (Go's escapes): "\." is an error,
# "\\." a regex's dot.
_ESCAPED = frozenset("abfnrtv\\'\"xuU01234567")


def _matches(labels: dict[str, str], matchers: str) -> bool:
    """Return whether ``labels`` satisfy every matcher (PromQL regexes are anchored)."""
    for label, operator, quoted in _MATCHER.findall(matchers):
        assert set(re.findall(r"\\(.)", quoted)) <= _ESCAPED, f"bad escape: {quoted}"
        wanted = quoted.encode().decode("unicode_escape")
        value = labels.get(label, "")
        matched = (
            re.fullmatch(wanted, value) is not None
            if operator in ("=~", "!~")
            else value == wanted
        )
        if matched != (operator in ("=", "=~")):
            return False
    return True


def _rules() -> list[dict[str, Any]]:
    document = _documented("health_monitor_rules.yml")
    return [rule for group in document["groups"] for rule in group["rules"]]


async def test_documented_alert_rules_select_exported_series(
    scraped: list[Sample],
) -> None:
    """Every series the example alert rules read is one Home Assistant exports."""
    rules = _rules()
    assert {rule["alert"] for rule in rules} >= {
        "HealthMonitorScoreLow",
        "HealthMonitorComponentIncident",
    }
    for rule in rules:
        expr = rule["expr"]
        selectors = _SELECTOR.findall(expr)
        # Every metric the rule names is in a selector checked below.
        assert {name for name, _ in selectors} == set(
            re.findall(r"\bhomeassistant_\w+", expr)
        ), expr
        for name, matchers in selectors:
            assert any(
                sample.name == name and _matches(sample.labels, matchers)
                for sample in scraped
            ), f"{rule['alert']}: {name}{{{matchers}}} selects nothing"


def test_readme_shows_the_tested_configuration_and_rules() -> None:
    """The README's Prometheus examples are the files these tests check."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Prometheus\n", 1)[1].split("\n## ", 1)[0]
    examples = [
        yaml.safe_load(block)
        for block in re.findall(r"```yaml\n(.*?)```", section, re.DOTALL)
    ]
    assert _documented("configuration.yaml") in examples
    [shown] = [example for example in examples if "groups" in example]
    rules = _rules()
    for group in shown["groups"]:
        assert group["rules"], group
        for rule in group["rules"]:
            assert rule in rules, rule["alert"]
