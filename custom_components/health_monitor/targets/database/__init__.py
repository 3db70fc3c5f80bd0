"""Database targets: a PostgreSQL (or TimescaleDB) server.

The probe (and asyncpg) is imported only once a database target exists.
"""

from __future__ import annotations

from homeassistant.const import CONF_PASSWORD

from ...engine.models import ComponentType
from ..kind import TargetKind
from .sensors import SENSORS

DATABASE = TargetKind.of(
    "database",
    ComponentType.DATABASE,
    __name__,
    SENSORS,
    secret_keys=frozenset({CONF_PASSWORD}),
)
