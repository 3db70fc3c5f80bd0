"""HTTP endpoints: status code, body, response time and certificate expiry."""

from __future__ import annotations

from ...engine.models import ComponentType
from ..kind import TargetKind
from . import form
from .probe import HttpEndpointCheck
from .sensors import SENSORS

HTTP_ENDPOINT = TargetKind(
    subentry_type="http_endpoint",
    component_type=ComponentType.HTTP_ENDPOINT,
    check_class=HttpEndpointCheck,
    schema=form.schema,
    validate=form.async_validate,
    title=form.title,
    unique_id=form.unique_id,
    normalize=form.normalize,
    limits=form.LIMITS,
    rules=form.rules,
    sensors=SENSORS,
)
