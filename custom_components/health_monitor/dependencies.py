"""Which targets depend on which: chosen on a target's form, and implied where obvious.

A target's parents are the targets it cannot work without (see
``engine.dependencies`` and the tracker's suppression). They come from:

- the target's own form ("depends on": other targets);
- its host: a target on a host depends on every network target for that
  host (a database on ``nas.local`` on the network target ``nas.local``);
- Home Assistant's MQTT connection depends on the MQTT broker target with
  the broker's address;
- connectivity: a network target marked as the internet connection is the
  parent of every target on a host outside the home (a public address or
  name).

Forms refuse a choice that would make a cycle, counting the implied edges.
"""

from __future__ import annotations

from collections.abc import Mapping
import ipaddress
import logging
from typing import Any, Final
from urllib.parse import urlsplit

import voluptuous as vol

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_HOST, CONF_PORT, CONF_URL
from homeassistant.core import HomeAssistant
from homeassistant.helpers.selector import (
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
)

from .engine.dependencies import find_cycle

_LOGGER = logging.getLogger(__name__)

CONF_DEPENDS_ON: Final = "depends_on"
# On a network target: this target is the internet connection.
CONF_CONNECTIVITY: Final = "connectivity"

NETWORK: Final = "network"
MQTT_BROKER: Final = "mqtt_broker"
HA_MQTT: Final = "ha_mqtt"
DEFAULT_MQTT_PORT: Final = 1883
# Far more than anyone picks; bounds what a form or a stored entry may hold.
MAX_DEPENDENCIES: Final = 50
# The id a target being added has while the form checks for cycles.
NEW_TARGET: Final = "new target"

# Names that never leave the home network.
_LOCAL_SUFFIXES: Final = (
    ".local",
    ".lan",
    ".home",
    ".internal",
    ".localdomain",
    ".home.arpa",
)


class DependencyError(ValueError):
    """A choice of parents the form refuses; ``reason`` is its translation key."""

    def __init__(self, reason: str) -> None:
        """Name the reason."""
        super().__init__(reason)
        self.reason = reason


def target_host(kind: str, data: Mapping[str, Any]) -> str | None:
    """Return the host a target talks to (lower case), if it has one."""
    if CONF_URL in data:
        try:
            host = urlsplit(str(data[CONF_URL])).hostname
        except ValueError:
            return None
    else:
        host = data.get(CONF_HOST)
    if not isinstance(host, str) or not host:
        return None
    return host.strip().lower().rstrip(".") or None


def is_local_host(host: str) -> bool:
    """Whether ``host`` is in the home: a private address, or a name with no public domain."""
    try:
        return not ipaddress.ip_address(host.strip("[]")).is_global
    except ValueError:
        pass
    return host == "localhost" or "." not in host or host.endswith(_LOCAL_SUFFIXES)


def chosen_parents(data: Mapping[str, Any]) -> list[str]:
    """Return the parents stored on a target's form; a damaged value is ignored."""
    value = data.get(CONF_DEPENDS_ON)
    if value is None:
        return []
    if (
        not isinstance(value, list)
        or len(value) > MAX_DEPENDENCIES
        or not all(isinstance(item, str) and 0 < len(item) <= 64 for item in value)
    ):
        _LOGGER.warning("Ignoring unreadable dependencies of a target")
        return []
    return list(value)


def is_connectivity(kind: str, data: Mapping[str, Any]) -> bool:
    """Whether the target is the network target marked as the internet connection."""
    return kind == NETWORK and data.get(CONF_CONNECTIVITY) is True


def _ha_mqtt_address(hass: HomeAssistant) -> tuple[str, int] | None:
    """Return the broker address of Home Assistant's MQTT integration, if set up."""
    for entry in hass.config_entries.async_entries("mqtt"):
        broker = entry.data.get("broker")
        port = entry.data.get(CONF_PORT, DEFAULT_MQTT_PORT)
        if isinstance(broker, str) and broker and isinstance(port, int):
            return broker.strip().lower().rstrip("."), port
    return None


def dependency_edges(
    hass: HomeAssistant, targets: Mapping[str, tuple[str, Mapping[str, Any]]]
) -> dict[str, set[str]]:
    """Return every target's parents, chosen and implied.

    ``targets`` maps each target's component id to its kind and settings.
    A chosen parent that is no longer a target is left out.
    """
    network_by_host: dict[str, set[str]] = {}
    brokers: dict[tuple[str, int], set[str]] = {}
    connectivity: set[str] = set()
    for component_id, (kind, data) in targets.items():
        host = target_host(kind, data)
        if kind == NETWORK and host:
            network_by_host.setdefault(host, set()).add(component_id)
        port = data.get(CONF_PORT, DEFAULT_MQTT_PORT)
        if kind == MQTT_BROKER and host and isinstance(port, int):
            brokers.setdefault((host, port), set()).add(component_id)
        if is_connectivity(kind, data):
            connectivity.add(component_id)
    mqtt_address = (
        _ha_mqtt_address(hass)
        if any(kind == HA_MQTT for kind, _ in targets.values())
        else None
    )
    edges: dict[str, set[str]] = {}
    for component_id, (kind, data) in targets.items():
        parents = {p for p in chosen_parents(data) if p in targets}
        host = target_host(kind, data)
        if host and kind != NETWORK:
            parents |= network_by_host.get(host, set())
        if kind == HA_MQTT and mqtt_address is not None:
            parents |= brokers.get(mqtt_address, set())
        if host and not is_local_host(host) and component_id not in connectivity:
            parents |= connectivity
        parents.discard(component_id)
        if parents:
            edges[component_id] = parents
    return edges


def entry_targets(
    entry: ConfigEntry, target_kinds: Mapping[str, Any]
) -> dict[str, tuple[str, Mapping[str, Any]]]:
    """Return the entry's targets: component id -> (kind, settings)."""
    return {
        subentry_id: (subentry.subentry_type, subentry.data)
        for subentry_id, subentry in entry.subentries.items()
        if subentry.subentry_type in target_kinds
    }


def check_dependencies(
    hass: HomeAssistant,
    targets: Mapping[str, tuple[str, Mapping[str, Any]]],
    component_id: str,
    kind: str,
    data: Mapping[str, Any],
) -> list[str]:
    """Return the target's chosen parents if they are valid; raise DependencyError.

    ``targets`` are the entry's targets before the change; ``component_id``
    the target being saved (:data:`NEW_TARGET` when it is being added).
    Refused: a value that is not a short list of targets, and any choice
    that makes a cycle with the others, implied edges included.
    """
    value = data.get(CONF_DEPENDS_ON) or []
    if not isinstance(value, list) or len(value) > MAX_DEPENDENCIES:
        raise DependencyError("invalid_dependencies")
    if any(not isinstance(item, str) or item not in targets for item in value):
        raise DependencyError("unknown_dependency")
    if component_id in value:
        raise DependencyError("dependency_cycle")
    changed = {**targets, component_id: (kind, data)}
    cycle = find_cycle(dependency_edges(hass, changed))
    if cycle is not None and component_id in cycle:
        raise DependencyError("dependency_cycle")
    return list(dict.fromkeys(value))


def dependency_field(
    targets: Mapping[str, tuple[str, Mapping[str, Any]]],
    titles: Mapping[str, str],
    component_id: str | None,
    values: Mapping[str, Any],
) -> dict[vol.Marker, Any]:
    """Return the "depends on" field: a pick of the entry's other targets."""
    options = [
        SelectOptionDict(value=other, label=titles.get(other, other))
        for other in targets
        if other != component_id
    ]
    chosen = values.get(CONF_DEPENDS_ON)
    return {
        vol.Optional(
            CONF_DEPENDS_ON,
            description={"suggested_value": chosen} if chosen else None,
        ): SelectSelector(SelectSelectorConfig(options=options, multiple=True))
    }
