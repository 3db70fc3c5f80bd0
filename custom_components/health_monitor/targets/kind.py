"""What the integration needs to know about one kind of target."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
import logging
from typing import Any, Protocol, Self

import voluptuous as vol

from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import HomeAssistant

from ..descriptions import ComponentSensorDescription
from ..engine.models import ComponentType
from ..validation import FieldLimit, check_fields
from .base import Fault, InvalidTargetCheck, TargetCheck, TargetError

_LOGGER = logging.getLogger(__name__)

type FormValues = Mapping[str, Any]


def _no_rules(data: FormValues) -> dict[str, str]:
    return {}


def required_errors(
    data: Mapping[str, Any], required: Mapping[str, str]
) -> dict[str, str]:
    """Return the error of the first field of ``required`` that is empty.

    ``required`` maps each field that must not be empty to the error it shows.
    """
    for key, error in required.items():
        if not data.get(key):
            return {key: error}
    return {}


async def async_validate_target(
    check: TargetCheck, timeout: float, fault_fields: Mapping[Fault, str]
) -> dict[str, str]:
    """Observe a target once for a config form; return field errors.

    ``fault_fields`` names the form field of each fault; a failure without
    one (or without a fault) is an error of the whole form (``base``).
    """
    try:
        async with asyncio.timeout(timeout):
            await check.async_check_or_raise()
    except TargetError as err:
        field_name = "base" if err.fault is None else fault_fields.get(err.fault)
        return {field_name or "base": err.reason}
    except TimeoutError:
        return {"base": "timeout"}
    except Exception:  # noqa: BLE001 - the form shows "unknown" rather than failing
        return {"base": "unknown"}
    finally:
        await check.async_close()
    return {}


def _create_check(
    check_class: type[TargetCheck],
    hass: HomeAssistant,
    subentry: ConfigSubentry,
    update_interval: float | None,
) -> TargetCheck:
    """Return the check of a configured target, never raising for its settings."""
    check: TargetCheck
    try:
        check = check_class.from_subentry(hass, subentry)
    except (KeyError, TypeError, ValueError):
        _LOGGER.error("Target %s has invalid settings; reconfigure it", subentry.title)
        check = InvalidTargetCheck.from_subentry(hass, subentry)
        check.component_type = check_class.component_type
    check.update_interval = update_interval
    return check


class TargetForm(Protocol):
    """What a kind's ``form`` module provides (see :class:`TargetKind`)."""

    @property
    def LIMITS(self) -> Mapping[str, FieldLimit]:  # noqa: N802 - a module constant
        """Bound each number and text field."""

    def schema(self, values: FormValues) -> vol.Schema:
        """Build the form."""

    async def async_validate(
        self, hass: HomeAssistant, data: dict[str, Any]
    ) -> dict[str, str]:
        """Connect for real; return field errors."""

    def title(self, data: FormValues) -> str:
        """Name the target."""

    def unique_id(self, data: FormValues) -> str:
        """Tell two targets apart."""

    def normalize(self, data: dict[str, Any]) -> dict[str, Any]:
        """Turn form input into the data to store."""

    def rules(self, data: FormValues) -> dict[str, str]:
        """Return the field errors found without connecting."""


@dataclass(frozen=True, slots=True)
class TargetKind:
    """A kind of target: form, validation, check and sensors.

    ``schema`` builds the form from the current values (defaults when adding,
    the stored values when reconfiguring; secrets are never pre-filled).
    ``normalize`` turns form input into the data to store (trimmed text,
    empty optional fields dropped); it never raises. ``limits`` bounds each
    number and text field, and ``rules`` returns the field errors found
    without connecting (e.g. warning level not below critical): both apply to
    form input and to stored data. ``validate`` connects for real and
    returns field errors keyed by field (or ``base``) with values among
    cannot_connect, invalid_auth, invalid_url, timeout and unknown.
    ``unique_id`` tells two targets apart so the same one is not added twice.
    ``abort_reason`` returns why the kind cannot be added now (e.g. what it
    watches is not set up), or None when it can.
    """

    subentry_type: str
    component_type: ComponentType
    check_class: type[TargetCheck]
    schema: Callable[[FormValues], vol.Schema]
    validate: Callable[[HomeAssistant, dict[str, Any]], Awaitable[dict[str, str]]]
    title: Callable[[FormValues], str]
    unique_id: Callable[[FormValues], str]
    normalize: Callable[[dict[str, Any]], dict[str, Any]] = dict
    limits: Mapping[str, FieldLimit] = field(default_factory=dict)
    rules: Callable[[FormValues], dict[str, str]] = _no_rules
    sensors: tuple[ComponentSensorDescription, ...] = ()
    secret_keys: frozenset[str] = frozenset()
    abort_reason: Callable[[HomeAssistant], str | None] | None = None

    @classmethod
    def of(
        cls,
        subentry_type: str,
        check_class: type[TargetCheck],
        form: TargetForm,
        sensors: tuple[ComponentSensorDescription, ...] = (),
        *,
        secret_keys: frozenset[str] = frozenset(),
    ) -> Self:
        """Return the kind made of a probe, a form module and sensors."""
        return cls(
            subentry_type=subentry_type,
            component_type=check_class.component_type,
            check_class=check_class,
            schema=form.schema,
            validate=form.async_validate,
            title=form.title,
            unique_id=form.unique_id,
            normalize=form.normalize,
            limits=form.LIMITS,
            rules=form.rules,
            sensors=sensors,
            secret_keys=secret_keys,
        )

    def check(self, data: FormValues) -> tuple[dict[str, Any], dict[str, str]]:
        """Return ``data`` with its numbers and texts checked, and field errors.

        Nothing connects: this is what every form input and every stored
        target must pass before it is used.
        """
        checked, errors = check_fields(data, self.limits)
        if errors:
            return checked, errors
        return checked, self.rules(checked)

    def create_check(
        self,
        hass: HomeAssistant,
        subentry: ConfigSubentry,
        *,
        update_interval: float | None = None,
    ) -> TargetCheck:
        """Return the check of a stored target, never raising for its settings.

        Stored settings outside the form's limits (edited by hand, or from an
        older version) make the target show as needing reconfiguration.
        """
        _, errors = self.check(subentry.data)
        if not errors:
            return _create_check(self.check_class, hass, subentry, update_interval)
        _LOGGER.error(
            "Target %s has invalid settings (%s); reconfigure it",
            subentry.title[:100],
            ", ".join(sorted(errors)),
        )
        check = InvalidTargetCheck.from_subentry(hass, subentry)
        check.component_type = self.component_type
        check.update_interval = update_interval
        return check
