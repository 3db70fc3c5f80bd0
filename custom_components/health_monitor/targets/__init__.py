"""Targets: the services around Home Assistant a user adds (config subentries).

Each kind of target describes its form, its validation by a real connection,
its check and its sensors; the config flow, coordinator and sensor platform
only look kinds up here.
"""

from __future__ import annotations

from .kind import TargetKind
from .network import NETWORK

TARGET_KINDS: dict[str, TargetKind] = {kind.subentry_type: kind for kind in (NETWORK,)}

__all__ = ["TARGET_KINDS", "TargetKind"]
