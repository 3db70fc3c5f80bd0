"""Database targets: a PostgreSQL (or TimescaleDB) server."""

from __future__ import annotations

from homeassistant.const import CONF_PASSWORD

from ..kind import TargetKind
from . import form
from .probe import DatabaseCheck
from .sensors import SENSORS

DATABASE = TargetKind.of(
    "database", DatabaseCheck, form, SENSORS, secret_keys=frozenset({CONF_PASSWORD})
)
