"""Faults of the host and its name service: a full disk, a name that does not resolve."""

from __future__ import annotations

from typing import Any

import pytest

from homeassistant.const import MAJOR_VERSION
from homeassistant.core import HomeAssistant

from .installation import Installation, network, watch
from .lifecycle import Fault, assert_survives
from .servers import tcp_listener

NAMED = "named_target"
SYSTEM = "system_resources"
# Levels no test machine reaches, and levels every disk in use is over.
UNREACHED = {"cpu_warning": 99, "cpu_critical": 100, "memory_warning": 99}
UNREACHED |= {"memory_critical": 100, "disk_warning": 98, "disk_critical": 99}
LOWERED = {"disk_warning": 1, "disk_critical": 2}
# A name reserved never to resolve (RFC 2606); the resolver says so at once.
UNRESOLVABLE = "no-such-host.invalid"
# The HA 2026 test plugin answers every lookup but localhost's with its own
# RuntimeError, a failure all the same; lane 1 asks the real resolver.
RESOLVER_MESSAGE = UNRESOLVABLE if MAJOR_VERSION < 2026 else None


@pytest.mark.fault("DNS failure")
async def test_name_that_stops_resolving(
    hass: HomeAssistant, hass_storage: dict[str, Any], bystander_port: int
) -> None:
    """A target whose name no longer resolves is critical until it resolves again.

    The record disappearing is played by pointing the target at a reserved
    name and back; the check itself asks the resolver each cycle.
    """
    async with tcp_listener() as port:
        installation = await watch(
            hass,
            hass_storage,
            [
                network(NAMED, "localhost", port),
                network("bystander", "127.0.0.1", bystander_port),
            ],
        )
        entry = installation.entry

        async def point_to(host: str) -> None:
            subentry = entry.subentries[NAMED]
            hass.config_entries.async_update_subentry(
                entry, subentry, data={**subentry.data, "host": host}
            )
            await hass.async_block_till_done()

        async def unresolvable() -> None:
            await point_to(UNRESOLVABLE)

        async def resolvable() -> None:
            await point_to("localhost")

        await assert_survives(
            installation,
            NAMED,
            Fault(
                unresolvable,
                resolvable,
                message=RESOLVER_MESSAGE,
                checked_on_change=True,
            ),
        )
        await installation.unload()


@pytest.mark.fault("Disk over a lowered threshold")
async def test_disk_over_a_lowered_threshold(
    hass: HomeAssistant, hass_storage: dict[str, Any], bystander_port: int
) -> None:
    """The real disk over a 2 % critical level is critical; back under 99 % it resolves."""
    installation: Installation = await watch(
        hass,
        hass_storage,
        [network("bystander", "127.0.0.1", bystander_port)],
        checks=[SYSTEM],
        **UNREACHED,
    )
    entry = installation.entry

    async def set_levels(levels: dict[str, int]) -> None:
        hass.config_entries.async_update_entry(
            entry, options={**entry.options, **levels}
        )
        await hass.async_block_till_done()

    async def lower() -> None:
        await set_levels(LOWERED)

    async def restore() -> None:
        await set_levels(UNREACHED)

    await assert_survives(
        installation,
        SYSTEM,
        Fault(lower, restore, message="(critical)", checked_on_change=True),
    )
