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
import contextlib
import inspect
import json
import logging
from pathlib import Path
import sys
import tempfile
from typing import Any

from homeassistant import bootstrap, config_entries, loader
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import __version__ as ha_version
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component

try:
    from homeassistant.core_config import async_process_ha_core_config
except ImportError:  # cores before 2024.11
    from homeassistant.config import (  # type: ignore[attr-defined,no-redef]
        async_process_ha_core_config,
    )

# Do not leave __pycache__ folders in the work tree (the integration is imported from it).
sys.dont_write_bytecode = True

DOMAIN = "health_monitor"
MAX_FLOW_STEPS = 20


class SmokeError(Exception):
    """The smoke test failed."""


def _marker_key(marker: Any) -> str:
    return str(getattr(marker, "schema", marker))


def _marker_default(marker: Any) -> tuple[bool, Any]:
    """Return (found, value) for a schema key's default or suggested value."""
    default = getattr(marker, "default", None)
    if default is not None:
        with contextlib.suppress(Exception):
            value = default() if callable(default) else default
            # voluptuous (and HA's shim) mark "no default" with an Undefined object.
            if type(value).__name__ != "Undefined":
                return True, value
    description = getattr(marker, "description", None)
    if isinstance(description, dict) and "suggested_value" in description:
        return True, description["suggested_value"]
    return False, None


def form_defaults(schema: Any) -> dict[str, Any]:
    """Build user input for a form from its schema's defaults (sections recursed)."""
    values: dict[str, Any] = {}
    if schema is None:
        return values
    for marker, validator in getattr(schema, "schema", {}).items():
        key = _marker_key(marker)
        if type(validator).__name__ == "section":
            values[key] = form_defaults(validator.schema)
            continue
        found, value = _marker_default(marker)
        if found:
            values[key] = value
        elif type(marker).__name__ == "Required":
            raise SmokeError(f"form field {key!r} is required and has no default")
    return values


async def run_config_flow(hass: Any) -> Any:
    """Follow the user flow with default values until it creates an entry."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": "user"}
    )
    for _ in range(MAX_FLOW_STEPS):
        kind = str(result["type"])
        step = result.get("step_id")
        if kind == "create_entry":
            print(f"flow: created entry {result['title']!r}")
            return result["result"]
        if kind == "abort":
            raise SmokeError(f"flow aborted: {result.get('reason')}")
        if kind == "form":
            if result.get("errors"):
                raise SmokeError(
                    f"flow step {step!r} errors with defaults: {result['errors']}"
                )
            user_input = form_defaults(result.get("data_schema"))
            print(f"flow: step {step!r} with {json.dumps(user_input, default=str)}")
        elif kind == "menu":
            options = result["menu_options"]
            first = next(iter(options))
            print(f"flow: menu {step!r}, choosing {first!r}")
            user_input = {"next_step_id": first}
        elif kind in ("progress", "progress_done", "external", "external_done"):
            await hass.async_block_till_done()
            user_input = None
        else:
            raise SmokeError(f"unexpected flow result type {kind!r}")
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], user_input
        )
    raise SmokeError(f"flow did not finish in {MAX_FLOW_STEPS} steps")


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
            entry = await run_config_flow(hass)
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
            stop = hass.async_stop()
            if inspect.isawaitable(stop):
                await stop
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
    except SmokeError as err:
        print(f"smoke test FAILED: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
