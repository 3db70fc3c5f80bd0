"""Who may change state: administrators, and calls made by no user (the system).

Every surface that changes state (services, control entities) asks here, so
a user outside the administrators group cannot stop monitoring, switch off
incident response or work incidents through any of them.
"""

from __future__ import annotations

from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import Unauthorized


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
