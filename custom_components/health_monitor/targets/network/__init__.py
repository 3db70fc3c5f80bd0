"""Network targets: a host that resolves and, with a port, accepts TCP."""

from __future__ import annotations

from ...engine.models import ComponentType
from ..kind import TargetKind
from . import form
from .probe import NetworkCheck
from .sensors import SENSORS

NETWORK = TargetKind(
    subentry_type="network",
    component_type=ComponentType.NETWORK,
    check_class=NetworkCheck,
    schema=form.schema,
    validate=form.async_validate,
    title=form.title,
    unique_id=form.unique_id,
    normalize=form.normalize,
    limits=form.LIMITS,
    rules=form.rules,
    sensors=SENSORS,
)
