"""The flow that adds or reconfigures a target of any kind (a config subentry)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    ConfigSubentry,
    ConfigSubentryFlow,
    SubentryFlowResult,
)
from homeassistant.const import CONF_NAME

from .dependencies import (
    CONF_DEPENDS_ON,
    NEW_TARGET,
    DependencyError,
    check_dependencies,
    dependency_field,
    entry_targets,
)
from .targets import TARGET_KINDS, TargetKind
from .targets.names import name_errors


class TargetSubentryFlow(ConfigSubentryFlow):
    """Add or reconfigure a target of any kind; saved only once a real connection works.

    The kind is the subentry type the flow was started for: HA sets
    ``handler`` to ``(entry_id, subentry_type)`` before the first step, on
    2025.4 as on 2026 (where ``_subentry_type`` reads the same, but 2025.4
    lacks that property).
    """

    @property
    def kind(self) -> TargetKind:
        """Return the kind of target this flow adds or changes."""
        return TARGET_KINDS[self.handler[1]]

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Add a target."""
        await self.kind.async_load(self.hass)
        abort_reason = self.kind.abort_reason
        if abort_reason is not None and (reason := abort_reason(self.hass)):
            return self.async_abort(reason=reason)
        return await self._async_step_form("user", user_input, {})

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Change a target; an empty secret field keeps the stored secret."""
        await self.kind.async_load(self.hass)
        subentry = self._get_reconfigure_subentry()
        stored = dict(subentry.data)
        if (name := self.kind.shown_name(subentry)) is not None:
            stored[CONF_NAME] = name
        return await self._async_step_form("reconfigure", user_input, stored)

    @property
    def _component_id(self) -> str:
        """Return the id of the target being changed (a new one has none yet)."""
        if self.source == SOURCE_RECONFIGURE:
            return self._get_reconfigure_subentry().subentry_id
        return NEW_TARGET

    async def _async_step_form(
        self, step_id: str, user_input: dict[str, Any] | None, stored: dict[str, Any]
    ) -> SubentryFlowResult:
        kind = self.kind
        entry = self._get_entry()
        targets = entry_targets(entry, TARGET_KINDS)
        errors: dict[str, str] = {}
        if user_input is not None:
            data = kind.normalize(user_input)
            for key in kind.secret_keys:
                if not data.get(key) and stored.get(key):
                    data[key] = stored[key]
            data, errors = kind.check(data)
            if not errors:
                errors = self._name_errors(data)
            if not errors:
                # Checked settings only: the implied edges read hosts and ports.
                errors = self._dependency_errors(targets, data)
            if not errors:
                errors = await kind.validate(self.hass, data)
            if not errors:
                return self._async_save(data)
        values = {
            k: v for k, v in (user_input or stored).items() if k not in kind.secret_keys
        }
        titles = {sid: sub.title for sid, sub in entry.subentries.items()}
        schema = kind.schema(values).extend(
            dependency_field(targets, titles, self._component_id, values)
        )
        return self.async_show_form(step_id=step_id, data_schema=schema, errors=errors)

    def _name_errors(self, data: Mapping[str, Any]) -> dict[str, str]:
        """Return ``name_in_use`` when another target has the name (checked data)."""
        kind = self.kind
        unique_id = f"{kind.subentry_type}:{kind.unique_id(data)}"
        current = self._component_id

        def same_target(subentry: ConfigSubentry) -> bool:
            # The same target again is refused as "already configured".
            return subentry.subentry_id == current or (
                subentry.subentry_type == kind.subentry_type
                and subentry.unique_id == unique_id
            )

        return name_errors(
            kind.title(data), self._get_entry().subentries.values(), same_target
        )

    def _dependency_errors(
        self, targets: Mapping[str, Any], data: dict[str, Any]
    ) -> dict[str, str]:
        """Keep the valid "depends on" choice in ``data``; return its field error."""
        try:
            parents = check_dependencies(
                self.hass, targets, self._component_id, self.kind.subentry_type, data
            )
        except DependencyError as err:
            return {CONF_DEPENDS_ON: err.reason}
        if parents:
            data[CONF_DEPENDS_ON] = parents
        else:
            data.pop(CONF_DEPENDS_ON, None)
        return {}

    def _async_save(self, data: dict[str, Any]) -> SubentryFlowResult:
        kind = self.kind
        # Subentry unique ids are unique across kinds: a broker and a network
        # target on the same host:port are two targets.
        unique_id = f"{kind.subentry_type}:{kind.unique_id(data)}"
        entry = self._get_entry()
        current = (
            self._get_reconfigure_subentry().subentry_id
            if self.source == SOURCE_RECONFIGURE
            else None
        )
        for subentry in entry.subentries.values():
            if (
                subentry.subentry_type == kind.subentry_type
                and subentry.unique_id == unique_id
                and subentry.subentry_id != current
            ):
                return self.async_abort(reason="already_configured")
        if current is not None:
            return self.async_update_and_abort(
                entry,
                self._get_reconfigure_subentry(),
                title=kind.title(data),
                data=data,
                unique_id=unique_id,
            )
        return self.async_create_entry(
            title=kind.title(data), data=data, unique_id=unique_id
        )
