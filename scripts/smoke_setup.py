"""Smoke test: set the integration up in a real Home Assistant core instance.

Not a pytest test: no test plugin, no mocks. It creates a HomeAssistant object on a
throwaway config dir (with the repo's integration symlinked into its custom_components),
sets the integration up, creates a config entry through the user config flow (taking every
form's default values, the first option of every menu), checks that the entry is loaded,
prints the sensor states, unloads the entry and stops Home Assistant.

    python scripts/smoke_setup.py [--repo DIR] [--verbose]

scripts/latest_lane smoke-2026-11 runs it on homeassistant 2026.11.0 under Python 3.14.
Exit status 0 when everything worked, 1 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from pathlib import Path
import sys
import tempfile
from typing import Any

from flow_driver import FlowError, FlowResult, create_entry

from homeassistant import bootstrap, config_entries, loader
from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.const import __version__ as ha_version
from homeassistant.core import HomeAssistant
from homeassistant.core_config import async_process_ha_core_config
from homeassistant.helpers.data_entry_flow import FlowManagerIndexView
from homeassistant.setup import async_setup_component

# Do not leave __pycache__ folders in the work tree (the integration is imported from it).
sys.dont_write_bytecode = True

DOMAIN = "health_monitor"


class SmokeError(Exception):
    """The smoke test failed."""


def as_http_answer(hass: HomeAssistant, result: Any) -> FlowResult:
    """Shape a flow result as Home Assistant's HTTP API does (see flow_driver).

    Its own view serializes the form, so the schema library of this version is used.
    """
    if result["type"] != "form":
        return result
    view = FlowManagerIndexView(hass.config_entries.flow)
    return view._prepare_result_json(result)  # noqa: SLF001


async def add_entry(hass: HomeAssistant) -> ConfigEntry:
    """Create the entry through the user config flow, every form with its defaults."""
    flows = hass.config_entries.flow

    async def configure(flow_id: str, answer: dict[str, Any]) -> FlowResult:
        return as_http_answer(hass, await flows.async_configure(flow_id, answer))

    first = await flows.async_init(DOMAIN, context={"source": "user"})
    created = await create_entry(as_http_answer(hass, first), configure, print)
    return created["result"]


async def start_hass(config_dir: str) -> HomeAssistant:
    """Start a HomeAssistant core with what bootstrap sets up before integrations."""
    hass = HomeAssistant(config_dir)
    loader.async_setup(hass)
    hass.config_entries = config_entries.ConfigEntries(hass, {})
    await loader.async_get_custom_components(hass)
    loaded = await bootstrap.async_load_base_functionality(hass)
    if loaded is False:
        raise SmokeError("Home Assistant could not load its registries")
    for domain in sorted(bootstrap.CORE_INTEGRATIONS):
        if not await async_setup_component(hass, domain, {}):
            raise SmokeError(f"core integration {domain} failed to set up")
    await async_process_ha_core_config(hass, {})
    await hass.async_start()
    return hass


async def smoke(repo: Path) -> None:
    """Run the smoke test against the integration in repo."""
    print(f"Home Assistant {ha_version}, Python {sys.version.split()[0]}")
    source = repo / "custom_components" / DOMAIN
    if not (source / "manifest.json").is_file():
        raise SmokeError(f"integration not found: no {source}/manifest.json")

    with tempfile.TemporaryDirectory(prefix="ha-smoke-") as config_dir:
        # HA loads custom integrations from <config dir>/custom_components.
        (Path(config_dir) / "custom_components").mkdir()
        (Path(config_dir) / "custom_components" / DOMAIN).symlink_to(source)
        hass = await start_hass(config_dir)
        try:
            try:
                integration = await loader.async_get_integration(hass, DOMAIN)
            except loader.IntegrationNotFound as err:
                raise SmokeError(f"integration not found: {err}") from err
            module = await hass.async_add_executor_job(integration.get_component)
            print(
                f"integration {integration.domain} {integration.version} from {module.__file__}"
            )

            if not await async_setup_component(hass, DOMAIN, {}):
                raise SmokeError(f"async_setup_component({DOMAIN!r}) failed")
            entry = await add_entry(hass)
            await hass.async_block_till_done()
            if entry.state is not ConfigEntryState.LOADED:
                raise SmokeError(f"config entry state is {entry.state}, not loaded")
            print(f"entry {entry.title!r}: {entry.state.value}")

            states = sorted(hass.states.async_all("sensor"), key=lambda s: s.entity_id)
            print(f"{len(states)} sensor entities:")
            for state in states:
                unit = state.attributes.get("unit_of_measurement") or ""
                print(f"  {state.entity_id} = {state.state} {unit}".rstrip())

            if not await hass.config_entries.async_unload(entry.entry_id):
                raise SmokeError("config entry did not unload")
            await hass.async_block_till_done()
            print(f"entry unloaded: {entry.state.value}")
        finally:
            await hass.async_stop()
    print("smoke test passed")


def main() -> int:
    """Run the smoke test; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--repo",
        type=Path,
        default=Path(__file__).resolve().parent.parent,
        help="repository holding custom_components/health_monitor",
    )
    parser.add_argument("--verbose", action="store_true", help="log at debug level")
    args = parser.parse_args()
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s [%(name)s] %(message)s",
    )
    try:
        asyncio.run(smoke(args.repo.resolve()))
    except (SmokeError, FlowError) as err:
        print(f"smoke test FAILED: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
