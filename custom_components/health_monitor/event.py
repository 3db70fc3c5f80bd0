"""Event entities: each component's incident events, for automations and the logbook."""

from __future__ import annotations

from homeassistant.components.event import (
    EventEntity,
    EventEntityDescription,
    EventExtraStoredData,
)
from homeassistant.core import callback

from .engine.incidents.events import IncidentEvent, IncidentEventType
from .entity import ComponentIncidentEntity, incident_entity_setup

PARALLEL_UPDATES = 0

INCIDENT_EVENTS = EventEntityDescription(
    key="incident_event",
    translation_key="incident_event",
    event_types=[event_type.value for event_type in IncidentEventType],
)


class IncidentEventEntity(ComponentIncidentEntity, EventEntity):
    """Fires opened, updated, escalated, acknowledged, recovery_attempted, ...

    The last event is not restored: a reload turns the entity unavailable,
    and coming back with the old event would be a new state, which a state
    trigger takes for that event happening again. After a start or reload
    the entity is unknown until the next incident event.
    """

    async def async_get_last_event_data(self) -> EventExtraStoredData | None:
        """Restore nothing (see the class doc); EventEntity then keeps no event."""
        return None

    @callback
    def _async_handle_incident_event(self, event: IncidentEvent) -> None:
        """Fire the event of this component's incident."""
        self._trigger_event(
            event.type.value,
            {
                "incident_id": event.incident_id,
                "severity": event.severity.value,
                "status": event.status.value,
                "title": event.incident.get("title"),
                **{f"detail_{key}": value for key, value in event.details.items()},
            },
        )
        self.async_write_current_state()


# An incident event entity for every component, now and as components appear.
async_setup_entry = incident_entity_setup(IncidentEventEntity, INCIDENT_EVENTS)
