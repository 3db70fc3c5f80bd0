"""Network targets: a host that resolves and, with a port, accepts TCP."""

from __future__ import annotations

from ..kind import TargetKind
from . import form
from .probe import NetworkCheck
from .sensors import SENSORS

NETWORK = TargetKind.of("network", NetworkCheck, form, SENSORS)
