"""What the integration needs to know about one kind of target."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
import importlib
import logging
from typing import Any, Protocol, Self, cast

import voluptuous as vol

from homeassistant.config_entries import ConfigSubentry
from homeassistant.const import CONF_NAME, CONF_PASSWORD
from homeassistant.core import HomeAssistant
from homeassistant.helpers.importlib import async_import_module

from ..descriptions import ComponentSensorDescription
from ..engine.models import ComponentType
from ..validation import FieldLimit, check_fields
from .base import Fault, InvalidTargetCheck, TargetCheck, TargetError
from .maintenance_fields import (
    maintenance_errors,
    maintenance_fields,
    normalize_maintenance,
)
from .names import NAME, name_field, normalize_name, shown_name, target_name

_LOGGER = logging.getLogger(__name__)

type FormValues = Mapping[str, Any]

# The secret of the kinds that log in with a password.
PASSWORD = frozenset({CONF_PASSWORD})


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
    def CHECK(self) -> type[TargetCheck]:  # noqa: N802 - a module constant
        """The check of a stored target."""

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

    What every start needs (the subentry type, the component type, the
    sensors, which settings are secret) is here; the form and the probe live
    in the kind's ``form`` module (named by ``form_module``), imported only
    once a target of the kind exists or is being added: a driver such as
    asyncpg or aiomqtt is not loaded for nothing. :meth:`async_load` imports
    it off the event loop; the attributes below read it.

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
    ``abort_reason`` (optional in the form module) returns why the kind
    cannot be added now (e.g. what it watches is not set up), or None.
    """

    subentry_type: str
    component_type: ComponentType
    form_module: str
    sensors: tuple[ComponentSensorDescription, ...] = ()
    secret_keys: frozenset[str] = frozenset()

    @classmethod
    def of(
        cls,
        subentry_type: str,
        component_type: ComponentType,
        package: str,
        sensors: tuple[ComponentSensorDescription, ...] = (),
        *,
        secret_keys: frozenset[str] = frozenset(),
    ) -> Self:
        """Return the kind whose form module is ``package``.form."""
        return cls(
            subentry_type=subentry_type,
            component_type=component_type,
            form_module=f"{package}.form",
            sensors=sensors,
            secret_keys=secret_keys,
        )

    async def async_load(self, hass: HomeAssistant) -> None:
        """Import the kind's form and probe (and driver) in the import executor."""
        await async_import_module(hass, self.form_module)

    @property
    def form(self) -> TargetForm:
        """Return the kind's form module (loaded by :meth:`async_load` first)."""
        module: Any = importlib.import_module(self.form_module)
        return cast("TargetForm", module)

    @property
    def check_class(self) -> type[TargetCheck]:
        """Return the check of a stored target."""
        return self.form.CHECK

    @property
    def limits(self) -> Mapping[str, FieldLimit]:
        """Return the limits of each number and text field."""
        return self.form.LIMITS

    @property
    def names_itself(self) -> bool:
        """Return whether the kind's own form has the name field (entity checks)."""
        return CONF_NAME in self.limits

    @property
    def schema(self) -> Callable[[FormValues], vol.Schema]:
        """Return the builder of the form.

        Every kind starts with the name (unless its form has its own) and
        ends with the maintenance window.
        """
        form_schema = self.form.schema
        names_itself = self.names_itself

        def schema(values: FormValues) -> vol.Schema:
            name = {} if names_itself else name_field(values)
            return vol.Schema(
                {**name, **form_schema(values).schema, **maintenance_fields(values)}
            )

        return schema

    @property
    def validate(
        self,
    ) -> Callable[[HomeAssistant, dict[str, Any]], Awaitable[dict[str, str]]]:
        """Return the validation by a real connection."""
        return self.form.async_validate

    def title(self, data: FormValues) -> str:
        """Return the name of a target (checked data): given, or derived."""
        return target_name(data, self.form.title)

    def shown_name(self, subentry: ConfigSubentry) -> str | None:
        """Return the name a reconfigure form shows (see :func:`.names.shown_name`)."""
        return None if self.names_itself else shown_name(subentry, self.form.title)

    @property
    def unique_id(self) -> Callable[[FormValues], str]:
        """Return what tells two targets apart."""
        return self.form.unique_id

    @property
    def normalize(self) -> Callable[[dict[str, Any]], dict[str, Any]]:
        """Return what turns form input into the data to store."""
        form_normalize = self.form.normalize
        if self.names_itself:
            return lambda data: normalize_maintenance(form_normalize(data))
        return lambda data: normalize_name(normalize_maintenance(form_normalize(data)))

    @property
    def rules(self) -> Callable[[FormValues], dict[str, str]]:
        """Return the field errors found without connecting."""
        return self.form.rules

    @property
    def abort_reason(self) -> Callable[[HomeAssistant], str | None] | None:
        """Return why the kind cannot be added now, if the form says."""
        reason: Callable[[HomeAssistant], str | None] | None = getattr(
            self.form, "abort_reason", None
        )
        return reason

    def check(self, data: FormValues) -> tuple[dict[str, Any], dict[str, str]]:
        """Return ``data`` with its numbers and texts checked, and field errors.

        Nothing connects: this is what every form input and every stored
        target must pass before it is used.
        """
        limits = self.limits if self.names_itself else {**self.limits, CONF_NAME: NAME}
        checked, errors = check_fields(data, limits)
        if errors:
            return checked, errors
        return checked, {**maintenance_errors(checked), **self.rules(checked)}

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
