"""The configured targets of an entry, copied to tell which ones changed."""

from __future__ import annotations

from typing import Any, NamedTuple

from homeassistant.config_entries import ConfigEntry, ConfigSubentry

from . import TARGET_KINDS


class TargetConfig(NamedTuple):
    """What a target's check is built from, to tell which targets changed."""

    kind: str
    title: str
    data: dict[str, Any]

    @classmethod
    def of(cls, subentry: ConfigSubentry) -> TargetConfig:
        """Copy the subentry (Home Assistant updates subentries in place)."""
        return cls(subentry.subentry_type, subentry.title, dict(subentry.data))


def target_configs(entry: ConfigEntry) -> dict[str, TargetConfig]:
    """Return the configured targets of ``entry`` by subentry id, in order."""
    return {
        subentry_id: TargetConfig.of(subentry)
        for subentry_id, subentry in entry.subentries.items()
        if subentry.subentry_type in TARGET_KINDS
    }
