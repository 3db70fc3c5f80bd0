"""Driving the add-target form the way the UI does."""

from __future__ import annotations

from typing import Any

from pytest_homeassistant_custom_component.common import MockConfigEntry

from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResult, FlowResultType


async def submit_target_form(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    subentry_type: str,
    user_input: dict[str, Any],
) -> FlowResult:
    """Open the add form of ``subentry_type``, fill it in once and return the result."""
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, subentry_type), context={"source": "user"}
    )
    assert result["type"] is FlowResultType.FORM
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], user_input
    )
    await hass.async_block_till_done()
    return result
