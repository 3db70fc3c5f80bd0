"""Repair issues for open incidents, and their fix flow (acknowledge, investigate, resolve)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

import voluptuous as vol

from homeassistant import data_entry_flow
from homeassistant.components.repairs import RepairsFlow
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.selector import TextSelector, TextSelectorConfig

from .const import DOMAIN
from .engine.incidents import (
    Incident,
    IncidentStatus,
    IncidentTransitionError,
    Severity,
)
from .engine.incidents.acknowledgement import MAX_EXPIRES_IN, MIN_EXPIRES_IN
from .validation import (
    NOTE,
    DurationLimit,
    InvalidValueError,
    StepCheckedDurationSelector,
)

ISSUE_SEVERITY = {
    Severity.INFO: ir.IssueSeverity.WARNING,
    Severity.MINOR: ir.IssueSeverity.WARNING,
    Severity.MAJOR: ir.IssueSeverity.ERROR,
    Severity.CRITICAL: ir.IssueSeverity.CRITICAL,
    Severity.EMERGENCY: ir.IssueSeverity.CRITICAL,
}
CONF_NOTE = "note"
CONF_EXPIRES_IN = "expires_in"
EXPIRES_IN = DurationLimit(MIN_EXPIRES_IN, MAX_EXPIRES_IN)
_TIME_FORMAT = "%Y-%m-%d %H:%M UTC"
REPAIRS_ACTOR = "Repairs"
INVALID_SETTINGS_ISSUE = "invalid_settings"


def _issue_id(entry_id: str, incident_id: str) -> str:
    return f"{entry_id}_{incident_id}"


def incident_placeholders(
    incident: Incident, maintenance_until: datetime | None = None
) -> dict[str, str]:
    """Return the texts an incident's issue and fix flow show.

    ``notes`` says what keeps the incident quiet: flapping, maintenance.
    """
    notes = ""
    if incident.flapping:
        notes += ", flapping (no notifications until it is stable)"
    if maintenance_until is not None:
        notes += f", in maintenance until {maintenance_until.strftime(_TIME_FORMAT)}"
    return {
        "component": incident.component_name,
        "severity": incident.severity.value,
        "status": incident.status.value.replace("_", " "),
        "message": incident.description,
        "incident_id": incident.id,
        "opened_at": incident.created_at.strftime(_TIME_FORMAT),
        # Always present (placeholders keep the same keys); empty without expiry.
        "acknowledged_until": ""
        if incident.acknowledged_until is None
        else f", acknowledged until {incident.acknowledged_until.strftime(_TIME_FORMAT)}",
        "notes": notes,
    }


@callback
def _async_sync_issue(
    hass: HomeAssistant, issue_id: str, present: bool, **issue: Any
) -> None:
    """Create (or update) the issue while ``present``; delete it otherwise."""
    if not present:
        ir.async_delete_issue(hass, DOMAIN, issue_id)
        return
    ir.async_create_issue(hass, DOMAIN, issue_id, is_persistent=False, **issue)


@callback
def async_sync_incident_issue(
    hass: HomeAssistant,
    entry_id: str,
    incident: Incident,
    maintenance_until: datetime | None = None,
) -> None:
    """Show an open incident as a repair issue; remove it once resolved.

    A suppressed incident has none: its parent's issue is the one to act on.
    """
    _async_sync_issue(
        hass,
        _issue_id(entry_id, incident.id),
        incident.is_open and incident.suppressed_by is None,
        is_fixable=True,
        severity=ISSUE_SEVERITY[incident.severity],
        translation_key="incident",
        translation_placeholders=incident_placeholders(incident, maintenance_until),
        data={"entry_id": entry_id, "incident_id": incident.id},
    )


@callback
def async_delete_incident_issues(hass: HomeAssistant, entry_id: str) -> None:
    """Remove every repair issue of an entry (unload, removal)."""
    registry = ir.async_get(hass)
    prefix = f"{entry_id}_"
    for domain, issue_id in list(registry.issues):
        if domain == DOMAIN and issue_id.startswith(prefix):
            ir.async_delete_issue(hass, DOMAIN, issue_id)


@callback
def async_sync_settings_issue(
    hass: HomeAssistant, entry_id: str, invalid_options: Collection[str]
) -> None:
    """Name the stored options that took their defaults; no issue when none did.

    The issue leads to Configure and Reconfigure, whose forms show the
    defaults in place of the invalid values; saving them reloads the entry,
    which removes the issue.
    """
    _async_sync_issue(
        hass,
        _issue_id(entry_id, INVALID_SETTINGS_ISSUE),
        bool(invalid_options),
        is_fixable=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key=INVALID_SETTINGS_ISSUE,
        translation_placeholders={"options": ", ".join(sorted(invalid_options))},
    )


# The status each step of the fix flow brings the incident to.
_STEP_STATUS = {
    "acknowledge": IncidentStatus.ACKNOWLEDGED,
    "investigating": IncidentStatus.INVESTIGATING,
    "resolve": IncidentStatus.RESOLVED,
}
_NOTE_SCHEMA = vol.Schema(
    {vol.Optional(CONF_NOTE): TextSelector(TextSelectorConfig(multiline=True))}
)
_ACKNOWLEDGE_SCHEMA = _NOTE_SCHEMA.extend(
    {vol.Optional(CONF_EXPIRES_IN): StepCheckedDurationSelector({"enable_day": True})}
)


class IncidentRepairFlow(RepairsFlow):
    """Work an incident from the Repairs page."""

    def __init__(self, entry_id: str, incident_id: str) -> None:
        """Handle the incident ``incident_id`` of the entry ``entry_id``."""
        self._entry_id = entry_id
        self._incident_id = incident_id

    def _incident(self) -> Incident | None:
        entry = self.hass.config_entries.async_get_entry(self._entry_id)
        if entry is None or entry.state is not ConfigEntryState.LOADED:
            return None
        incidents = entry.runtime_data.incidents.list_incidents()
        return next((i for i in incidents if i.id == self._incident_id), None)

    def _placeholders(self, incident: Incident) -> dict[str, str]:
        entry = self.hass.config_entries.async_get_entry(self._entry_id)
        assert entry is not None
        until = entry.runtime_data.incidents.maintenance_until(incident.component_id)
        return incident_placeholders(incident, until)

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> data_entry_flow.FlowResult:
        """Offer what can be done with the incident now."""
        incident = self._incident()
        if incident is None:
            return self.async_abort(reason="incident_not_open")
        options = ["resolve"]
        if incident.status is IncidentStatus.NEW:
            options.insert(0, "acknowledge")
        elif incident.status is IncidentStatus.ACKNOWLEDGED:
            options.insert(0, "investigating")
        return self.async_show_menu(
            step_id="init",
            menu_options=options,
            description_placeholders=self._placeholders(incident),
        )

    async def async_step_acknowledge(
        self, user_input: dict[str, Any] | None = None
    ) -> data_entry_flow.FlowResult:
        """Acknowledge the incident (stops escalation); the issue stays until resolved."""
        return await self._async_change("acknowledge", user_input)

    async def async_step_investigating(
        self, user_input: dict[str, Any] | None = None
    ) -> data_entry_flow.FlowResult:
        """Mark the incident as being investigated."""
        return await self._async_change("investigating", user_input)

    async def async_step_resolve(
        self, user_input: dict[str, Any] | None = None
    ) -> data_entry_flow.FlowResult:
        """Resolve the incident with a note; the issue goes away."""
        return await self._async_change("resolve", user_input)

    async def _async_change(
        self, step_id: str, user_input: dict[str, Any] | None
    ) -> data_entry_flow.FlowResult:
        incident = self._incident()
        if incident is None:
            return self.async_abort(reason="incident_not_open")
        schema = _ACKNOWLEDGE_SCHEMA if step_id == "acknowledge" else _NOTE_SCHEMA
        errors: dict[str, str] = {}
        if user_input is not None:
            try:
                note = NOTE(user_input.get(CONF_NOTE) or "") or None
            except InvalidValueError as err:
                errors[CONF_NOTE] = err.reason
            expires_in = None
            if user_input.get(CONF_EXPIRES_IN) not in (None, {}):
                try:
                    expires_in = EXPIRES_IN(user_input[CONF_EXPIRES_IN])
                except InvalidValueError as err:
                    errors[CONF_EXPIRES_IN] = err.reason
        if user_input is None or errors:
            return self.async_show_form(
                step_id=step_id,
                data_schema=schema,
                description_placeholders=self._placeholders(incident),
                errors=errors,
            )
        entry = self.hass.config_entries.async_get_entry(self._entry_id)
        assert entry is not None
        try:
            entry.runtime_data.incidents.change(
                incident.id,
                _STEP_STATUS[step_id],
                actor=REPAIRS_ACTOR,
                note=note,
                expires_in=expires_in,
            )
        except IncidentTransitionError:
            return self.async_abort(reason="transition_not_allowed")
        if step_id == "resolve":
            # Finishing with an entry deletes the issue, as the incident is resolved.
            return self.async_create_entry(data={})
        # An abort keeps the issue, which now shows the new status.
        return self.async_abort(
            reason="acknowledged" if step_id == "acknowledge" else "investigating"
        )


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, str | int | float | None] | None
) -> RepairsFlow:
    """Return the fix flow of an incident's repair issue."""
    assert data is not None
    return IncidentRepairFlow(str(data["entry_id"]), str(data["incident_id"]))
