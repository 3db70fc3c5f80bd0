"""HTTP endpoints: status code, body, response time and certificate expiry."""

from __future__ import annotations

from ..kind import TargetKind
from . import form
from .probe import HttpEndpointCheck
from .sensors import SENSORS

HTTP_ENDPOINT = TargetKind.of("http_endpoint", HttpEndpointCheck, form, SENSORS)
