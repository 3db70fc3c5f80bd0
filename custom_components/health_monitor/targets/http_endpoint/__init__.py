"""HTTP endpoints: status code, body, response time and certificate expiry."""

from __future__ import annotations

from ...engine.models import ComponentType
from ..kind import TargetKind
from .sensors import SENSORS

HTTP_ENDPOINT = TargetKind.of(
    "http_endpoint", ComponentType.HTTP_ENDPOINT, __name__, SENSORS
)
