"""Database targets: a PostgreSQL (or TimescaleDB) server.

The probe (and asyncpg) is imported only once a database target exists.
"""

from __future__ import annotations

from ...engine.models import ComponentType
from ..kind import PASSWORD, TargetKind
from .sensors import SENSORS

DATABASE = TargetKind.of(
    "database", ComponentType.DATABASE, __name__, SENSORS, secret_keys=PASSWORD
)
