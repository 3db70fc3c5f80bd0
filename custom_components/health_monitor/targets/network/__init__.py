"""Network targets: a host that resolves and, with a port, accepts TCP."""

from __future__ import annotations

from ...engine.models import ComponentType
from ..kind import TargetKind
from .sensors import SENSORS

NETWORK = TargetKind.of("network", ComponentType.NETWORK, __name__, SENSORS)
