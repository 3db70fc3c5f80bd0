"""The entry's two switches: monitoring (polling) and incident response (recovery).

The coordinator owns them; they are stored with the incidents (keys
``monitoring_enabled`` and ``response_enabled``) so a choice survives a restart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

STORED_KEYS = {
    "monitoring": "monitoring_enabled",
    "incident_response": "response_enabled",
}


@dataclass
class Controls:
    """Whether the checks run, and whether automated recovery actions may run."""

    monitoring: bool = True
    incident_response: bool = True

    def export(self) -> dict[str, bool]:
        """Return the stored form."""
        return {key: getattr(self, name) for name, key in STORED_KEYS.items()}

    def restore(self, data: Mapping[str, Any]) -> list[str]:
        """Read the stored form; name the keys that could not be read.

        A value that is not a boolean leaves the switch on: a damaged file
        must not silently stop monitoring or recovery.
        """
        skipped: list[str] = []
        for name, key in STORED_KEYS.items():
            value = data.get(key, True)
            if not isinstance(value, bool):
                skipped.append(key)
                value = True
            setattr(self, name, value)
        return skipped
