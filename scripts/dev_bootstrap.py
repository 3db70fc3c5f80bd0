"""Prepare the development Home Assistant started by scripts/develop.

Runs next to a starting Home Assistant and uses only its public HTTP APIs (plus one
websocket command that the onboarding UI also sends):

1. wait until the HTTP API answers;
2. onboard with a development-only user, or log in with it when already onboarded;
3. create a Health Monitor config entry through the config flow (every form step answered
   with its defaults) unless one exists;
4. print the URL, the development login and the Health Monitor entities.

Safe to run again at every start: each step checks what is already done.
Exit status: 0 when everything is in place, 1 on an error, 2 when the config entry exists
but has no entities yet. A failure never stops Home Assistant.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import time
import traceback
from typing import Any

import aiohttp

DOMAIN = "health_monitor"
DEV_NAME = "Developer"
DEV_USERNAME = "dev"
DEV_PASSWORD = "dev-password"  # noqa: S105 - development-only account on 127.0.0.1
MAX_FLOW_STEPS = 25
# Finishing the onboarding "core_config" step starts config flows for these integrations
# (homeassistant/components/onboarding/views.py). They need internet access, ffmpeg, ... and
# only add noise to a Health Monitor development instance, so their onboarding-created
# entries are removed again. Entries added later through the UI (source "user") stay.
ONBOARDING_DOMAINS = ("google_translate", "met", "radio_browser", "shopping_list")


class BootstrapError(Exception):
    """A step failed; the message says what to do."""


def log(message: str) -> None:
    """Print a progress line."""
    print(f"[dev_bootstrap] {message}", flush=True)


class Bootstrap:
    """Drive onboarding, login and the config flow over HTTP."""

    def __init__(
        self, session: aiohttp.ClientSession, args: argparse.Namespace
    ) -> None:
        """Store the session and options."""
        self.session = session
        self.args = args
        self.url = args.url.rstrip("/")
        self.client_id = f"{self.url}/"
        self.redirect_uri = f"{self.url}/?auth_callback=1"
        self.access_token: str | None = None
        self.refresh_token: str | None = None
        self.onboarded_now = False

    # -- HTTP helpers -------------------------------------------------------------------

    def _headers(self) -> dict[str, str]:
        if self.access_token is None:
            return {}
        return {"Authorization": f"Bearer {self.access_token}"}

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        data: dict[str, str] | None = None,
        ok: tuple[int, ...] = (200,),
    ) -> tuple[int, Any]:
        """Send a request and return (status, decoded body); raise on other statuses."""
        async with self.session.request(
            method, f"{self.url}{path}", json=json, data=data, headers=self._headers()
        ) as resp:
            text = await resp.text()
            try:
                body: Any = await resp.json(content_type=None) if text else None
            except ValueError:
                body = text
            if resp.status not in ok:
                raise BootstrapError(
                    f"{method} {path} answered HTTP {resp.status}: {text[:500]}"
                )
            return resp.status, body

    def _hass_alive(self) -> bool:
        if not self.args.hass_pid:
            return True
        try:
            os.kill(self.args.hass_pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    # -- steps --------------------------------------------------------------------------

    async def wait_for_api(self) -> list[dict[str, Any]]:
        """Wait until the web UI and its APIs answer; return the onboarding steps.

        The frontend depends on onboarding, so once the UI page is served the onboarding
        API exists if onboarding is unfinished; after onboarding it answers 404.
        """
        start = time.monotonic()
        last_note = start
        while True:
            if not self._hass_alive():
                raise BootstrapError(
                    "Home Assistant exited before its HTTP API came up"
                )
            with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                async with self.session.get(f"{self.url}/") as resp:
                    ui_up = resp.status == 200
                if ui_up:
                    status, steps = await self.request(
                        "GET", "/api/onboarding", ok=(200, 404)
                    )
                    log(f"HTTP API is up after {time.monotonic() - start:.0f} s")
                    if status == 404:  # onboarding finished earlier
                        return []
                    return steps
            now = time.monotonic()
            if now - start > self.args.timeout:
                raise BootstrapError(
                    f"no answer from {self.url} within {self.args.timeout:.0f} s; "
                    "see the Home Assistant log above or config/home-assistant.log"
                )
            if now - last_note >= 30:
                log(f"still waiting for Home Assistant ({now - start:.0f} s)")
                last_note = now
            await asyncio.sleep(1)

    async def fetch_tokens(self, code: str) -> None:
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
        self.refresh_token = tokens.get("refresh_token")

    async def onboard_user(self) -> None:
        """Create the development owner account (first onboarding step)."""
        log(f"onboarding: creating the development user '{self.args.username}'")
        _, body = await self.request(
            "POST",
            "/api/onboarding/users",
            json={
                "client_id": self.client_id,
                "name": DEV_NAME,
                "username": self.args.username,
                "password": self.args.password,
                "language": "en",
            },
        )
        await self.fetch_tokens(body["auth_code"])

    async def login(self) -> None:
        """Log in through the login flow of the Home Assistant auth provider."""
        _, flow = await self.request(
            "POST",
            "/auth/login_flow",
            json={
                "client_id": self.client_id,
                "handler": ["homeassistant", None],
                "redirect_uri": self.redirect_uri,
            },
        )
        _, result = await self.request(
            "POST",
            f"/auth/login_flow/{flow['flow_id']}",
            json={
                "client_id": self.client_id,
                "username": self.args.username,
                "password": self.args.password,
            },
        )
        if result.get("type") != "create_entry":
            raise BootstrapError(
                f"login as '{self.args.username}' failed ({result.get('errors') or result}). "
                "This instance was onboarded with other credentials: log in with your "
                "own user, or stop Home Assistant and delete config/.storage to start over."
            )
        await self.fetch_tokens(result["result"])
        log(f"logged in as '{self.args.username}'")

    async def websocket_command(self, command: dict[str, Any]) -> Any:
        """Send one websocket command (used for what the onboarding UI sends that way)."""
        async with self.session.ws_connect(f"{self.url}/api/websocket") as ws:
            msg = await ws.receive_json()
            if msg.get("type") != "auth_required":
                raise BootstrapError(f"unexpected websocket greeting: {msg}")
            await ws.send_json({"type": "auth", "access_token": self.access_token})
            msg = await ws.receive_json()
            if msg.get("type") != "auth_ok":
                raise BootstrapError(f"websocket authentication failed: {msg}")
            await ws.send_json({"id": 1, **command})
            msg = await ws.receive_json()
            if not msg.get("success"):
                raise BootstrapError(f"websocket {command['type']} failed: {msg}")
            return msg.get("result")

    async def finish_onboarding(self, done: set[str]) -> None:
        """Finish the remaining onboarding steps like the onboarding UI does."""
        if "core_config" not in done:
            _, config = await self.request("GET", "/api/config")
            if not config.get("country"):
                # Without a country Home Assistant raises a "country not configured"
                # repair issue, which would sit next to Health Monitor's own issues.
                await self.websocket_command(
                    {"type": "config/core/update", "country": self.args.country}
                )
            await self.request("POST", "/api/onboarding/core_config", ok=(200, 403))
            self.onboarded_now = True
            log("onboarding: core config step done")
        if "analytics" not in done:
            # Leaves analytics disabled (the default): nothing is sent anywhere.
            await self.request("POST", "/api/onboarding/analytics", ok=(200, 403))
            log("onboarding: analytics step done (analytics stay disabled)")
        if "integration" not in done:
            await self.request(
                "POST",
                "/api/onboarding/integration",
                json={"client_id": self.client_id, "redirect_uri": self.redirect_uri},
                ok=(200, 403),
            )
            log("onboarding: integration step done")

    async def authenticate(self, steps: list[dict[str, Any]]) -> None:
        """Onboard (first start) or log in (later starts; no steps = onboarding done)."""
        done = {step["step"] for step in steps if step.get("done")}
        if steps and "user" not in done:
            await self.onboard_user()
        else:
            await self.login()
        if len(done) < len(steps):
            await self.finish_onboarding(done)

    async def wait_until_running(self) -> None:
        """Wait until Home Assistant has finished starting."""
        start = time.monotonic()
        while True:
            _, config = await self.request("GET", "/api/config")
            if config.get("state") == "RUNNING":
                return
            if time.monotonic() - start > self.args.timeout:
                raise BootstrapError(
                    f"Home Assistant is still {config.get('state')} after "
                    f"{self.args.timeout:.0f} s"
                )
            await asyncio.sleep(1)

    async def entries(self, domain: str | None = None) -> list[dict[str, Any]]:
        """Return the config entries of a domain (Health Monitor by default)."""
        domain = domain or DOMAIN
        _, entries = await self.request(
            "GET", f"/api/config/config_entries/entry?domain={domain}"
        )
        return [entry for entry in entries if entry.get("domain") == domain]

    async def remove_onboarding_entries(self) -> None:
        """Remove the entries that finishing onboarding created (see ONBOARDING_DOMAINS)."""
        # Right after onboarding the flows may still be running: wait until the entries
        # stop appearing (not every flow creates one; met needs a home location).
        deadline = time.monotonic() + (20 if self.onboarded_now else 0)
        previous, stable = -1, 0
        while True:
            found = []
            for domain in ONBOARDING_DOMAINS:
                found += [
                    entry
                    for entry in await self.entries(domain)
                    if entry.get("source") == "onboarding"
                ]
            stable = stable + 1 if len(found) == previous else 0
            previous = len(found)
            if (
                len(found) >= len(ONBOARDING_DOMAINS)
                or (found and stable >= 2)
                or time.monotonic() >= deadline
            ):
                break
            await asyncio.sleep(1)
        for entry in found:
            await self.request(
                "DELETE", f"/api/config/config_entries/entry/{entry['entry_id']}"
            )
        if found:
            names = ", ".join(sorted(entry["domain"] for entry in found))
            log(f"removed the config entries that onboarding added ({names})")
        if self.onboarded_now:
            log(
                "first start: FFmpeg or libturbojpeg errors in the log, if any, come from "
                "onboarding's own integrations and cloud views; they are harmless"
            )

    async def ensure_entry(self) -> dict[str, Any]:
        """Create the config entry through the config flow unless one exists."""
        if existing := await self.entries():
            log(f"config entry '{existing[0]['title']}' already exists")
            return existing[0]
        log("creating the Health Monitor config entry through its config flow")
        status, result = await self.request(
            "POST",
            "/api/config/config_entries/flow",
            json={"handler": DOMAIN, "show_advanced_options": False},
            ok=(200, 400, 404),
        )
        if status != 200:
            raise BootstrapError(
                f"cannot start the {DOMAIN} config flow (HTTP {status}: {result}); "
                "does custom_components/health_monitor have a manifest.json with "
                '"config_flow": true and a config_flow.py?'
            )
        seen_errors: set[str] = set()
        for _ in range(MAX_FLOW_STEPS):
            kind = result.get("type")
            flow_path = f"/api/config/config_entries/flow/{result.get('flow_id')}"
            if kind == "create_entry":
                log(f"config flow created the entry '{result.get('title')}'")
                entries = await self.entries()
                if not entries:
                    raise BootstrapError("config flow finished but no entry is listed")
                return entries[0]
            if kind == "abort":
                reason = result.get("reason")
                if entries := await self.entries():
                    log(f"config flow aborted ({reason}); using the existing entry")
                    return entries[0]
                raise BootstrapError(f"config flow aborted: {reason}")
            if kind == "form":
                step = result.get("step_id")
                if errors := result.get("errors"):
                    key = f"{step}:{sorted(errors.items())}"
                    if key in seen_errors:
                        raise BootstrapError(
                            f"config flow step '{step}' rejects its defaults: {errors}"
                        )
                    seen_errors.add(key)
                user_input = form_defaults(result.get("data_schema") or [], step)
                log(f"config flow step '{step}': submitting defaults {user_input}")
                _, result = await self.request("POST", flow_path, json=user_input)
            elif kind == "menu":
                options = result.get("menu_options") or []
                choice = next(iter(options))
                log(f"config flow menu '{result.get('step_id')}': choosing '{choice}'")
                _, result = await self.request(
                    "POST", flow_path, json={"next_step_id": choice}
                )
            elif kind in (
                "progress",
                "show_progress_done",
                "external",
                "external_done",
            ):
                await asyncio.sleep(1)
                _, result = await self.request("GET", flow_path)
            else:
                raise BootstrapError(f"unexpected config flow result: {result}")
        raise BootstrapError(
            f"config flow did not finish within {MAX_FLOW_STEPS} steps"
        )

    async def entity_ids(self) -> list[str]:
        """Return the entity ids that belong to Health Monitor."""
        _, ids = await self.request(
            "POST",
            "/api/template",
            json={
                "template": f"{{{{ integration_entities('{DOMAIN}') | list | tojson }}}}"
            },
        )
        if isinstance(ids, str):  # text/plain answer holding JSON
            ids = json.loads(ids)
        return sorted(ids or [])

    async def wait_for_entities(self, entry: dict[str, Any]) -> list[dict[str, Any]]:
        """Wait until the entry's entities exist and have settled; return their states."""
        deadline = time.monotonic() + self.args.entity_timeout
        previous: list[str] = []
        while True:
            ids = await self.entity_ids()
            if ids and ids == previous:
                break
            if time.monotonic() > deadline:
                break
            previous = ids
            await asyncio.sleep(2)
        _, states = await self.request("GET", "/api/states")
        wanted = set(ids)
        found = [state for state in states if state["entity_id"] in wanted]
        if not found:
            entries = await self.entries()
            entry = next(
                (e for e in entries if e["entry_id"] == entry["entry_id"]), entry
            )
            log(
                f"WARNING: no {DOMAIN} entities after {self.args.entity_timeout:.0f} s "
                f"(config entry state: {entry.get('state')}, reason: {entry.get('reason')}); "
                "check the log"
            )
        return sorted(found, key=lambda state: state["entity_id"])

    async def revoke(self) -> None:
        """Revoke this script's refresh token so sessions don't pile up across restarts."""
        if self.refresh_token:
            with contextlib.suppress(aiohttp.ClientError, BootstrapError):
                await self.request(
                    "POST", "/auth/revoke", data={"token": self.refresh_token}
                )


def form_defaults(schema: list[dict[str, Any]], step: str | None) -> dict[str, Any]:
    """Answer a serialized voluptuous schema with its defaults.

    Optional fields without a default are left out; sections are answered recursively.
    """
    answer: dict[str, Any] = {}
    missing: list[str] = []
    for field in schema:
        name = field["name"]
        if field.get("type") == "expandable":
            answer[name] = form_defaults(field.get("schema") or [], step)
        elif "default" in field:
            answer[name] = field["default"]
        elif field.get("required"):
            missing.append(name)
    if missing:
        raise BootstrapError(
            f"config flow step '{step}' has required fields without defaults: "
            f"{', '.join(missing)}; finish it in the UI instead"
        )
    return answer


def format_state(state: dict[str, Any]) -> str:
    """Return one line describing an entity state."""
    attrs = state.get("attributes", {})
    value = state["state"]
    if unit := attrs.get("unit_of_measurement"):
        value = f"{value} {unit}"
    name = attrs.get("friendly_name", "")
    return f"  {state['entity_id']:<58} {value:<22} {name}"


def print_summary(
    args: argparse.Namespace, entry: dict[str, Any], states: list[Any]
) -> None:
    """Print the ready banner."""
    line = "=" * 78
    by_domain: dict[str, int] = {}
    for state in states:
        domain = state["entity_id"].split(".", 1)[0]
        by_domain[domain] = by_domain.get(domain, 0) + 1
    counts = ", ".join(
        f"{count} {domain}" for domain, count in sorted(by_domain.items())
    )
    took = (
        f" ({time.time() - args.started_at:.0f} s after start)"
        if args.started_at
        else ""
    )
    if states:
        headline = f" Health Monitor development instance is ready: {args.url}{took}"
    else:
        headline = (
            f" Home Assistant is running at {args.url}{took}, but Health Monitor has no "
            "entities (see the log)"
        )
    out = [
        "",
        line,
        headline,
        "",
        " Development-only login (local instance on 127.0.0.1; never use it elsewhere):",
        f"   user:     {args.username}",
        f"   password: {args.password}",
        "",
        f" Config entry: {entry.get('title')} ({entry.get('state')})",
        f" Entities ({len(states)}{': ' + counts if counts else ''}):",
        *(format_state(state) for state in states),
        "",
        " Logs: this terminal and config/home-assistant.log. Code changes: restart Home",
        " Assistant from the UI (Settings > System > Restart); Ctrl-C stops it.",
        line,
        "",
    ]
    print("\n".join(out), flush=True)


async def run(args: argparse.Namespace) -> int:
    """Run every step; return the exit status."""
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        boot = Bootstrap(session, args)
        try:
            steps = await boot.wait_for_api()
            await boot.authenticate(steps)
            await boot.wait_until_running()
            if not args.keep_onboarding_integrations:
                await boot.remove_onboarding_entries()
            entry = await boot.ensure_entry()
            states = await boot.wait_for_entities(entry)
            print_summary(args, entry, states)
            return 0 if states else 2
        finally:
            await boot.revoke()


def main() -> int:
    """Parse arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8123")
    parser.add_argument("--username", default=DEV_USERNAME)
    parser.add_argument("--password", default=DEV_PASSWORD)
    parser.add_argument(
        "--country",
        default=os.environ.get("HM_DEV_COUNTRY", "US"),
        help="country set during onboarding (default: $HM_DEV_COUNTRY or US)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=900,
        help="seconds to wait for Home Assistant to answer and finish starting",
    )
    parser.add_argument(
        "--entity-timeout",
        type=float,
        default=60,
        help="seconds to wait for the config entry's entities",
    )
    parser.add_argument(
        "--keep-onboarding-integrations",
        action="store_true",
        help="keep the met, google_translate, radio_browser and shopping_list entries "
        "that onboarding creates",
    )
    parser.add_argument(
        "--started-at",
        type=float,
        default=0,
        help="time.time() when scripts/develop started, to report how long it took",
    )
    parser.add_argument(
        "--hass-pid",
        type=int,
        default=0,
        help="stop waiting when this Home Assistant process exits",
    )
    args = parser.parse_args()
    try:
        return asyncio.run(run(args))
    except KeyboardInterrupt:
        return 130
    except Exception as err:  # noqa: BLE001 - report every failure, never raise into develop
        if not isinstance(err, (BootstrapError, aiohttp.ClientError, TimeoutError)):
            traceback.print_exc()
        print(
            f"\n[dev_bootstrap] FAILED: {type(err).__name__}: {err}\n"
            "[dev_bootstrap] Home Assistant keeps running; finish the setup in the UI or "
            "fix the problem and restart.\n",
            file=sys.stderr,
            flush=True,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
