"""Fleet database targets: this instance's history in the user's PostgreSQL/TimescaleDB.

The probe (and asyncpg) is imported only once a fleet database target exists.
"""

from __future__ import annotations

from ...const import FLEET_DATABASE_KIND
from ...engine.models import ComponentType
from ..kind import PASSWORD, TargetKind
from .sensors import SENSORS

FLEET_DATABASE = TargetKind.of(
    FLEET_DATABASE_KIND,
    ComponentType.FLEET_DATABASE,
    __name__,
    SENSORS,
    secret_keys=PASSWORD,
)
