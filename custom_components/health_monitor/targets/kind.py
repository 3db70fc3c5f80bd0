"""What the integration needs to know about one kind of target."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import voluptuous as vol

from homeassistant.core import HomeAssistant

from ..checks.target import TargetCheck
from ..descriptions import ComponentSensorDescription
from ..engine.models import ComponentType

type FormValues = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class TargetKind:
    """A kind of target: form, validation, check and sensors.

    ``schema`` builds the form from the current values (defaults when adding,
    the stored values when reconfiguring; secrets are never pre-filled).
    ``normalize`` turns form input into stored data (trimmed text, whole
    numbers) before it is validated.
    ``validate`` connects for real and returns field errors keyed by field
    (or ``base``) with values among cannot_connect, invalid_auth,
    invalid_url, timeout and unknown. ``unique_id`` tells two targets apart
    so the same one is not added twice. ``unavailable`` returns an abort
    reason when the kind cannot be added now (e.g. what it watches is not set
    up), or None.
    """

    subentry_type: str
    component_type: ComponentType
    check_class: type[TargetCheck]
    schema: Callable[[FormValues], vol.Schema]
    validate: Callable[[HomeAssistant, dict[str, Any]], Awaitable[dict[str, str]]]
    title: Callable[[FormValues], str]
    unique_id: Callable[[FormValues], str]
    normalize: Callable[[dict[str, Any]], dict[str, Any]] = dict
    sensors: tuple[ComponentSensorDescription, ...] = ()
    secret_keys: frozenset[str] = frozenset()
    unavailable: Callable[[HomeAssistant], str | None] | None = None
