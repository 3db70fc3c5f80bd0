"""Database targets: a PostgreSQL (or TimescaleDB) server."""

from __future__ import annotations

from homeassistant.const import CONF_PASSWORD

from ...engine.models import ComponentType
from ..kind import TargetKind
from . import form
from .probe import DatabaseCheck
from .sensors import SENSORS

DATABASE = TargetKind(
    subentry_type="database",
    component_type=ComponentType.DATABASE,
    check_class=DatabaseCheck,
    schema=form.schema,
    validate=form.async_validate,
    title=form.title,
    unique_id=form.unique_id,
    normalize=form.normalize,
    limits=form.LIMITS,
    rules=form.rules,
    secret_keys=frozenset({CONF_PASSWORD}),
    sensors=SENSORS,
)
