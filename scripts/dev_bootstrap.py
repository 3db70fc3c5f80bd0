"""Onboard the development Home Assistant of scripts/develop and add Health Monitor to it.

Runs next to a starting Home Assistant and uses only its HTTP API (plus the one websocket
command the onboarding UI also sends); every step checks what an earlier start did:

1. wait until the web UI answers;
2. onboard with the development-only user (first start) or log in with it;
3. remove the entries that finishing onboarding adds (see ONBOARDING_DOMAINS);
4. create the Health Monitor entry through its config flow unless there is one;
5. print the URL, the login and the Health Monitor entities.

A failure is printed and leaves Home Assistant running. Exit status 0 when the entry has
entities, 1 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import time
from typing import Any

import aiohttp
from flow_driver import FlowError, FlowResult, create_entry

DOMAIN = "health_monitor"
USERNAME = "dev"
PASSWORD = "dev-password"  # noqa: S105 - development-only account on 127.0.0.1
# Without a country Home Assistant raises a "country not configured" repair issue, which
# would sit next to Health Monitor's own issues.
COUNTRY = os.environ.get("HM_DEV_COUNTRY", "US")
# Finishing onboarding's core_config step starts config flows for these integrations
# (homeassistant/components/onboarding/views.py). They need internet access, ffmpeg, ...
# and only add noise here, so their onboarding-created entries are removed again.
ONBOARDING_DOMAINS = {"google_translate", "met", "radio_browser", "shopping_list"}
START_TIMEOUT = 900  # seconds for Home Assistant to answer and finish starting
ENTITY_TIMEOUT = 60  # seconds for the entry's entities to appear


class BootstrapError(Exception):
    """A step failed; the message says what to do."""


def log(message: str) -> None:
    """Print a progress line."""
    print(f"[dev_bootstrap] {message}", flush=True)


class HomeAssistantAPI:
    """Requests to one Home Assistant, with the bearer token once signed in."""

    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        """Talk to the Home Assistant at url."""
        self.session = session
        self.url = url.rstrip("/")
        self.client_id = f"{self.url}/"
        self.redirect_uri = f"{self.url}/?auth_callback=1"
        self.access_token: str | None = None
        self.refresh_token: str | None = None

    async def request(
        self, method: str, path: str, *, ok: tuple[int, ...] = (200,), **kwargs: Any
    ) -> tuple[int, Any]:
        """Return (status, decoded JSON body); raise on a status not in ok."""
        token = self.access_token
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        async with self.session.request(
            method, self.url + path, headers=headers, **kwargs
        ) as resp:
            text = await resp.text()
        if resp.status not in ok:
            raise BootstrapError(
                f"{method} {path} answered HTTP {resp.status}: {text[:500]}"
            )
        try:
            return resp.status, json.loads(text) if text else None
        except ValueError:  # a plain text answer, such as "404: Not Found"
            return resp.status, text

    async def sign_in(self, code: str) -> None:
        """Exchange an authorization code for tokens."""
        _, tokens = await self.request(
            "POST",
            "/auth/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "client_id": self.client_id,
            },
        )
        self.access_token = tokens["access_token"]
        self.refresh_token = tokens["refresh_token"]

    async def websocket(self, command: dict[str, Any]) -> None:
        """Send one websocket command."""
        async with self.session.ws_connect(f"{self.url}/api/websocket") as ws:
            await ws.receive_json()  # auth_required
            await ws.send_json({"type": "auth", "access_token": self.access_token})
            if (reply := await ws.receive_json())["type"] != "auth_ok":
                raise BootstrapError(f"websocket authentication failed: {reply}")
            await ws.send_json({"id": 1, **command})
            if not (reply := await ws.receive_json())["success"]:
                raise BootstrapError(f"websocket {command['type']} failed: {reply}")

    async def entries(self) -> list[dict[str, Any]]:
        """Return every config entry."""
        return (await self.request("GET", "/api/config/config_entries/entry"))[1]


async def wait_for_ui(api: HomeAssistantAPI) -> list[dict[str, Any]]:
    """Wait until the web UI is served; return the onboarding steps ([] when onboarded)."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        with contextlib.suppress(aiohttp.ClientError, TimeoutError):
            async with api.session.get(api.url) as resp:
                ui_up = resp.status == 200
            if ui_up:  # the UI depends on onboarding, whose API answers 404 once done
                status, steps = await api.request(
                    "GET", "/api/onboarding", ok=(200, 404)
                )
                return steps if status == 200 else []
        await asyncio.sleep(1)
    raise BootstrapError(
        f"no answer from {api.url} within {START_TIMEOUT} s; see its log"
    )


async def onboard(api: HomeAssistantAPI, steps: list[dict[str, Any]]) -> None:
    """Create the development user and finish the other steps as the onboarding UI does."""
    done = {step["step"] for step in steps if step["done"]}
    if "user" not in done:
        log(f"onboarding: creating the development user '{USERNAME}'")
        user = {"name": "Developer", "username": USERNAME, "password": PASSWORD}
        _, body = await api.request(
            "POST",
            "/api/onboarding/users",
            json={"client_id": api.client_id, "language": "en", **user},
        )
        await api.sign_in(body["auth_code"])
    else:
        await log_in(api)
    if "core_config" not in done:
        await api.websocket({"type": "config/core/update", "country": COUNTRY})
        await api.request("POST", "/api/onboarding/core_config", ok=(200, 403))
    if "analytics" not in done:  # analytics stay disabled (the default)
        await api.request("POST", "/api/onboarding/analytics", ok=(200, 403))
    if "integration" not in done:
        await api.request(
            "POST",
            "/api/onboarding/integration",
            json={"client_id": api.client_id, "redirect_uri": api.redirect_uri},
            ok=(200, 403),
        )
    log(
        "onboarding done (analytics stay disabled); FFmpeg or libturbojpeg errors in "
        "the log come from onboarding's own integrations and are harmless"
    )


async def log_in(api: HomeAssistantAPI) -> None:
    """Log in with the development user through the login flow."""
    _, flow = await api.request(
        "POST",
        "/auth/login_flow",
        json={
            "client_id": api.client_id,
            "handler": ["homeassistant", None],
            "redirect_uri": api.redirect_uri,
        },
    )
    _, result = await api.request(
        "POST",
        f"/auth/login_flow/{flow['flow_id']}",
        json={"client_id": api.client_id, "username": USERNAME, "password": PASSWORD},
    )
    if result["type"] != "create_entry":
        raise BootstrapError(
            f"login as '{USERNAME}' failed ({result.get('errors') or result}). This "
            "instance was onboarded with other credentials: log in with your own user, "
            "or stop Home Assistant and delete config/.storage to start over."
        )
    await api.sign_in(result["result"])
    log(f"logged in as '{USERNAME}'")


async def wait_until_running(api: HomeAssistantAPI) -> None:
    """Wait until Home Assistant has finished starting."""
    for _ in range(START_TIMEOUT):
        _, config = await api.request("GET", "/api/config")
        if config["state"] == "RUNNING":
            return
        await asyncio.sleep(1)
    raise BootstrapError(f"Home Assistant is still {config['state']}")


async def remove_onboarding_entries(api: HomeAssistantAPI, wait: float) -> None:
    """Delete the entries that finishing onboarding created.

    Their flows run on after onboarding, so wait up to `wait` seconds until the same
    entries are found twice (met needs a home location and may create none).
    """
    deadline, previous = time.monotonic() + wait, None
    while True:
        found = {
            entry["entry_id"]: entry["domain"]
            for entry in await api.entries()
            if entry["domain"] in ONBOARDING_DOMAINS and entry["source"] == "onboarding"
        }
        settled = len(found) == len(ONBOARDING_DOMAINS) or (found and found == previous)
        if settled or time.monotonic() > deadline:
            break
        previous = found
        await asyncio.sleep(2)
    for entry_id in found:
        await api.request("DELETE", f"/api/config/config_entries/entry/{entry_id}")
    if found:
        log(
            f"removed the entries onboarding added ({', '.join(sorted(found.values()))})"
        )


async def ensure_entry(api: HomeAssistantAPI) -> dict[str, Any]:
    """Create the Health Monitor entry through its config flow unless there is one."""
    if not (entries := [e for e in await api.entries() if e["domain"] == DOMAIN]):
        log("creating the Health Monitor config entry through its config flow")
        status, first = await api.request(
            "POST",
            "/api/config/config_entries/flow",
            json={"handler": DOMAIN, "show_advanced_options": False},
            ok=(200, 400, 404),
        )
        if status != 200:
            raise BootstrapError(
                f"cannot start the {DOMAIN} config flow (HTTP {status}: {first}); is "
                "custom_components/health_monitor/manifest.json there, with config_flow?"
            )

        async def configure(flow_id: str, answer: dict[str, Any]) -> FlowResult:
            path = f"/api/config/config_entries/flow/{flow_id}"
            return (await api.request("POST", path, json=answer))[1]

        await create_entry(first, configure, log)
        entries = [e for e in await api.entries() if e["domain"] == DOMAIN]
    return entries[0]


async def entity_states(api: HomeAssistantAPI) -> list[dict[str, Any]]:
    """Wait until Health Monitor's entities stop appearing; return their states."""
    template = f"{{{{ integration_entities('{DOMAIN}') | list | tojson }}}}"
    deadline, previous = time.monotonic() + ENTITY_TIMEOUT, None
    while time.monotonic() < deadline:
        _, ids = await api.request("POST", "/api/template", json={"template": template})
        if ids and ids == previous:
            break
        previous = ids
        await asyncio.sleep(2)
    _, states = await api.request("GET", "/api/states")
    return sorted(
        (state for state in states if state["entity_id"] in (previous or [])),
        key=lambda state: state["entity_id"],
    )


def print_summary(
    url: str, entry: dict[str, Any], states: list[Any], took: float
) -> None:
    """Print the ready banner: where, the login, the entities."""
    if states:
        headline = f"Health Monitor development instance is ready: {url} ({took:.0f} s)"
    else:
        headline = f"Home Assistant runs at {url}, but Health Monitor has no entities"
    lines = [
        "=" * 78,
        f" {headline}",
        "",
        " Development-only login (local instance on 127.0.0.1; never use it elsewhere):",
        f"   user:     {USERNAME}",
        f"   password: {PASSWORD}",
        "",
        f" Config entry: {entry['title']} ({entry['state']})",
        f" Entities ({len(states)}):",
    ]
    for state in states:
        unit = state["attributes"].get("unit_of_measurement") or ""
        value = f"{state['state']} {unit}".strip()
        lines.append(f"  {state['entity_id']:<58} {value}")
    lines += [
        "",
        " Logs: this terminal and config/home-assistant.log. Code changes: restart Home",
        " Assistant from the UI (Settings > System > Restart); Ctrl-C stops it.",
        "=" * 78,
    ]
    print("\n".join(["", *lines, ""]), flush=True)


async def bootstrap(url: str) -> int:
    """Run every step; return the exit status."""
    started = time.monotonic()
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        api = HomeAssistantAPI(session, url)
        try:
            steps = await wait_for_ui(api)
            if steps:
                await onboard(api, steps)
            else:
                await log_in(api)
            await wait_until_running(api)
            # Right after onboarding its flows may still be running: give them 20 s.
            await remove_onboarding_entries(api, wait=20 if steps else 0)
            entry = await ensure_entry(api)
            states = await entity_states(api)
            print_summary(api.url, entry, states, time.monotonic() - started)
            return 0 if states else 1
        finally:
            if api.refresh_token:  # so sessions do not pile up across restarts
                with contextlib.suppress(aiohttp.ClientError, BootstrapError):
                    await api.request(
                        "POST", "/auth/revoke", data={"token": api.refresh_token}
                    )


def main() -> int:
    """Parse the arguments and run; a failed step is reported in one paragraph."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8123")
    try:
        return asyncio.run(bootstrap(parser.parse_args().url))
    except (BootstrapError, FlowError, aiohttp.ClientError, TimeoutError) as err:
        print(
            f"\n[dev_bootstrap] FAILED: {err}\n[dev_bootstrap] Home Assistant keeps "
            "running; finish the setup in the UI or fix the problem and restart.\n",
            file=sys.stderr,
            flush=True,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
