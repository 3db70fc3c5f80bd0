"""Who may change state: administrators, and calls made by no user (the system).

Every surface that changes state (services, control entities) asks here, so
a user outside the administrators group cannot stop monitoring, switch off
incident response or work incidents through any of them.
"""

from __future__ import annotations

from typing import Final

from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import Unauthorized

from .engine.incidents import SYSTEM_ACTOR

# Who acts when an automation or script makes a call.
AUTOMATION_ACTOR: Final = "automation"


async def async_require_admin(hass: HomeAssistant, context: Context | None) -> None:
    """Raise Unauthorized unless the change is made by an admin or by no user.

    Automations, scripts and Home Assistant itself act without a user; a
    user id that names no user any more is refused.
    """
    if context is None or not context.user_id:
        return
    user = await hass.auth.async_get_user(context.user_id)
    if user is None:
        raise Unauthorized(context=context)
    if not user.is_admin:
        raise Unauthorized(context=context, user_id=user.id)


async def async_actor(hass: HomeAssistant, context: Context | None) -> str:
    """Name who acts: the user, else an automation or script, else the system."""
    if context is not None and context.user_id:
        user = await hass.auth.async_get_user(context.user_id)
        if user is not None:
            return user.name or user.id
    if context is not None and context.parent_id:
        return AUTOMATION_ACTOR
    return SYSTEM_ACTOR
