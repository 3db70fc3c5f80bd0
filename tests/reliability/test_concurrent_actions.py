"""A thousand actions at once on real incidents leave a consistent end state."""

from __future__ import annotations

import asyncio
from collections import Counter
import random
from typing import Any

from custom_components.health_monitor.const import DOMAIN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from tests.targets.http_servers import free_port

from .installation import OPEN_STATUSES, assert_timeline_consistent, network, watch

CALLS = 1000
DOWN = [f"down_{number}" for number in range(5)]
RESPONSE_ONLY = {"get_health", "get_incidents", "get_statistics"}
RESPONSE_ONLY |= {"get_component_history"}


def mixed_calls(incident_ids: list[str], seed: int) -> list[tuple[str, dict[str, Any]]]:
    """Return a reproducible mix of work on incidents and reads, with a few cycles."""
    rng = random.Random(seed)
    calls: list[tuple[str, dict[str, Any]]] = []
    for number in range(CALLS):
        incident_id = rng.choice(incident_ids)
        roll = rng.random()
        if roll < 0.25:
            calls.append(
                ("acknowledge", {"incident_id": incident_id, "note": f"ack {number}"})
            )
        elif roll < 0.45:
            status = rng.choice(["investigating", "in_progress"])
            calls.append(
                ("update_incident", {"incident_id": incident_id, "status": status})
            )
        elif roll < 0.55:
            calls.append(
                ("resolve", {"incident_id": incident_id, "note": f"fixed {number}"})
            )
        elif roll < 0.65:
            calls.append(("get_incidents", {"status": rng.choice(["all", "active"])}))
        elif roll < 0.75:
            calls.append(("get_statistics", {}))
        elif roll < 0.85:
            calls.append(("get_health", {}))
        elif roll < 0.97:
            calls.append(
                ("get_component_history", {"component": rng.choice(DOWN), "hours": 1})
            )
        else:
            calls.append(("run_checks", {}))
    return calls


async def test_a_thousand_concurrent_actions_leave_every_incident_consistent(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Every incident valid, every timeline in order, statistics and disk agree with memory."""
    installation = await watch(
        hass, hass_storage, [network(sid, "127.0.0.1", free_port()) for sid in DOWN]
    )
    await installation.cycle()
    await installation.cycle()
    opened = await installation.incidents()
    assert len(opened) == len(DOWN)

    calls = mixed_calls([str(incident["id"]) for incident in opened], seed=9)
    results = await asyncio.gather(
        *(
            hass.services.async_call(
                DOMAIN,
                service,
                data,
                blocking=True,
                return_response=service in RESPONSE_ONLY,
            )
            for service, data in calls
        ),
        return_exceptions=True,
    )
    await installation.recoveries_done()

    refused = Counter(
        error.translation_key
        for error in results
        if isinstance(error, ServiceValidationError)
    )
    unexpected = [
        error
        for error in results
        if isinstance(error, BaseException)
        and not (
            isinstance(error, ServiceValidationError)
            and error.translation_domain == DOMAIN
        )
    ]
    assert unexpected == []
    # Only moves the lifecycle forbids are refused, e.g. acknowledging twice.
    assert set(refused) <= {"transition_not_allowed"}
    assert sum(isinstance(r, BaseException) for r in results) < CALLS

    incidents = await installation.incidents()
    by_component = Counter(
        incident["component_id"]
        for incident in incidents
        if incident["status"] != "closed"
    )
    assert all(count == 1 for count in by_component.values()), by_component
    for incident in incidents:
        assert_timeline_consistent(incident)
    statistics = await hass.services.async_call(
        DOMAIN, "get_statistics", {}, blocking=True, return_response=True
    )
    assert statistics is not None
    assert statistics["total"] == len(incidents)
    assert statistics["open"] == sum(i["status"] in OPEN_STATUSES for i in incidents)
    await installation.saved_within_a_second()
