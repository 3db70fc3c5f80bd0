"""Binary sensors: a problem sensor per component, on while it has an open incident."""

from __future__ import annotations

from typing import Any

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)

from .engine.incidents import IncidentStatus
from .entity import ComponentIncidentEntity, incident_entity_setup

PARALLEL_UPDATES = 0

INCIDENT_DESCRIPTION = BinarySensorEntityDescription(
    key="incident",
    translation_key="incident",
    device_class=BinarySensorDeviceClass.PROBLEM,
)


class IncidentProblemSensor(ComponentIncidentEntity, BinarySensorEntity):
    """On while the component has an open incident (new to in progress)."""

    @property
    def is_on(self) -> bool:
        """Return whether an incident of this component is open."""
        incident = self.coordinator.incidents.incident_for(self.component_id)
        return incident is not None and incident.is_open

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """Describe the component's incident (also once resolved, until closed) and maintenance."""
        window = self.coordinator.maintenance.window(self.component_id)
        maintenance: dict[str, Any] = {"in_maintenance": window is not None}
        if window is not None:
            maintenance["maintenance_until"] = window.end.isoformat()
        incident = self.coordinator.incidents.incident_for(self.component_id)
        if incident is None:
            return {"incident_id": None, **maintenance}
        return {
            "incident_id": incident.id,
            "severity": incident.severity.value,
            "status": incident.status.value,
            # The card's age of the incident.
            "opened_at": incident.created_at.isoformat(),
            "acknowledged": incident.acknowledged_at is not None
            and incident.status is not IncidentStatus.NEW,
            "acknowledged_until": None
            if incident.acknowledged_until is None
            else incident.acknowledged_until.isoformat(),
            **({"affected": list(incident.affected)} if incident.affected else {}),
            "suppressed_by": incident.suppressed_by,
            "flapping": incident.flapping,
            **maintenance,
        }


# A problem sensor for every component, now and as components appear.
async_setup_entry = incident_entity_setup(IncidentProblemSensor, INCIDENT_DESCRIPTION)
