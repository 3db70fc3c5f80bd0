"""The dashboard card: Home Assistant serves it and loads it on every dashboard.

The built file (``health-monitor-card.js``, from ``frontend/src`` at the
repository root, see ``scripts/build_card``) is committed: HACS runs no build
step, and the card loads nothing from the network.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from homeassistant.components.frontend import add_extra_js_url
from homeassistant.components.http import StaticPathConfig
from homeassistant.core import HomeAssistant

CARD_FILE = Path(__file__).parent / "health-monitor-card.js"
CARD_URL = "/health_monitor/health-monitor-card.js"

_LOGGER = logging.getLogger(__name__)


def _card_version() -> str:
    """Return a short digest of the card, so browsers fetch a changed card at once."""
    return hashlib.sha256(CARD_FILE.read_bytes()).hexdigest()[:12]


async def async_register_card(hass: HomeAssistant) -> bool:
    """Serve the card and load it with the frontend; return whether it was registered.

    Called once per Home Assistant run (from ``async_setup``), so reloading
    the entry never registers it twice. Without the frontend (``frontend``
    is an after-dependency: when it is configured, it is set up first) there
    is no dashboard to show the card on.
    """
    if hass.http is None or "frontend" not in hass.config.components:
        return False
    try:
        version = await hass.async_add_executor_job(_card_version)
    except OSError as err:  # monitoring goes on without its card
        _LOGGER.error("The dashboard card cannot be read: %s", err)
        return False
    # The URL changes with the file: it may be cached for as long as browsers like.
    await hass.http.async_register_static_paths(
        [StaticPathConfig(CARD_URL, str(CARD_FILE), cache_headers=True)]
    )
    add_extra_js_url(hass, f"{CARD_URL}?v={version}")
    return True
