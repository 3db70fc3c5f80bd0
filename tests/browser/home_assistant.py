"""A real Home Assistant in a subprocess, started the way scripts/develop starts one.

``hass -c <config>`` on a free loopback port, with the integration symlinked into the
config's ``custom_components``, onboarded and given its Health Monitor entry by
``scripts/dev_bootstrap.py`` (the development login ``dev`` / ``dev-password``), and
the ready dashboard of the README (a YAML dashboard using the card's strategy).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
import json
from pathlib import Path
import subprocess
import sys
import time
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

REPO = Path(__file__).resolve().parents[2]
HASS = Path(sys.executable).with_name("hass")
USERNAME = "dev"
PASSWORD = "dev-password"  # noqa: S105 - development-only account on 127.0.0.1
DASHBOARD_PATH = "/health-monitor/health"
START_TIMEOUT = 600  # seconds; a first start on a busy machine is slow
STOP_TIMEOUT = 60

# What README "Dashboard and card" tells users to add (plus the test's port).
CONFIGURATION = """\
frontend:
config:
api:
history:
recorder:
  purge_keep_days: 1
http:
  server_host: 127.0.0.1
  server_port: {port}
lovelace:
  dashboards:
    health-monitor:
      mode: yaml
      filename: health_monitor_dashboard.yaml
      title: Health Monitor
      icon: mdi:heart-pulse
      show_in_sidebar: true
logger:
  default: warning
"""
DASHBOARD = """\
strategy:
  type: custom:health-monitor
"""


class HomeAssistantError(AssertionError):
    """Home Assistant did not start or answered with an error."""


@dataclass
class HomeAssistantServer:
    """A running Home Assistant and a REST client signed in as the development user."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path
    access_token: str = field(default="", repr=False)

    def request(self, method: str, path: str, body: Any = None) -> Any:
        """Send a request to the REST API; return the decoded JSON answer."""
        data = None if body is None else json.dumps(body).encode()
        request = Request(  # noqa: S310 - always http://127.0.0.1
            self.url + path,
            data=data,
            method=method,
            headers={
                "Authorization": f"Bearer {self.access_token}",
                "Content-Type": "application/json",
            },
        )
        try:
            with urlopen(request, timeout=120) as response:  # noqa: S310
                text = response.read().decode()
        except HTTPError as err:
            raise HomeAssistantError(
                f"{method} {path}: HTTP {err.code} {err.read().decode()[:500]}"
            ) from err
        return json.loads(text) if text else None

    def log_in(self) -> None:
        """Sign in through the login flow, as the login page does."""
        client_id = f"{self.url}/"
        flow = self.request(
            "POST",
            "/auth/login_flow",
            {
                "client_id": client_id,
                "handler": ["homeassistant", None],
                "redirect_uri": f"{client_id}?auth_callback=1",
            },
        )
        result = self.request(
            "POST",
            f"/auth/login_flow/{flow['flow_id']}",
            {"client_id": client_id, "username": USERNAME, "password": PASSWORD},
        )
        form = urlencode(
            {
                "grant_type": "authorization_code",
                "code": result["result"],
                "client_id": client_id,
            }
        ).encode()
        with urlopen(f"{self.url}/auth/token", data=form, timeout=60) as response:  # noqa: S310
            self.access_token = json.loads(response.read())["access_token"]

    def health_monitor_entry_id(self) -> str:
        """Return the id of the Health Monitor config entry."""
        entries = self.request("GET", "/api/config/config_entries/entry")
        return next(e["entry_id"] for e in entries if e["domain"] == "health_monitor")

    def add_network_target(self, port: int) -> None:
        """Add a network target on a loopback port through the target form."""
        handler = [self.health_monitor_entry_id(), "network"]
        flow = self.request(
            "POST", "/api/config/config_entries/subentries/flow", {"handler": handler}
        )
        result = self.request(
            "POST",
            f"/api/config/config_entries/subentries/flow/{flow['flow_id']}",
            {"host": "127.0.0.1", "port": port},
        )
        if result["type"] != "create_entry":
            raise HomeAssistantError(
                f"the target form did not add the target: {result}"
            )

    def states(self) -> list[dict[str, Any]]:
        """Return every entity's state."""
        return list(self.request("GET", "/api/states"))

    def tail(self, lines: int = 60) -> str:
        """Return the end of Home Assistant's output."""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def write_config(config_dir: Path, port: int) -> None:
    """Write the configuration, the dashboard and the link to the integration."""
    (config_dir / "custom_components").mkdir(parents=True)
    (config_dir / "custom_components" / "health_monitor").symlink_to(
        REPO / "custom_components" / "health_monitor"
    )
    (config_dir / "configuration.yaml").write_text(CONFIGURATION.format(port=port))
    (config_dir / "health_monitor_dashboard.yaml").write_text(DASHBOARD)


@contextmanager
def running_home_assistant(
    config_dir: Path, port: int
) -> Iterator[HomeAssistantServer]:
    """Start Home Assistant, onboard it and add Health Monitor; stop it afterwards."""
    write_config(config_dir, port)
    log = config_dir / "hass.out"
    url = f"http://127.0.0.1:{port}"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(HASS), "-c", str(config_dir)], stdout=output, stderr=subprocess.STDOUT
        )
        server = HomeAssistantServer(url, process, log)
        try:
            # Waits for the UI, onboards, creates the entry and waits for its entities.
            boot = subprocess.run(
                [sys.executable, "dev_bootstrap.py", "--url", url],
                cwd=REPO / "scripts",
                capture_output=True,
                text=True,
                timeout=START_TIMEOUT,
                check=False,
            )
            if boot.returncode != 0 or process.poll() is not None:
                raise HomeAssistantError(
                    f"dev_bootstrap.py failed ({boot.returncode}):\n{boot.stdout[-3000:]}"
                    f"\n{boot.stderr[-3000:]}\nHome Assistant's output:\n{server.tail()}"
                )
            server.log_in()
            yield server
        finally:
            process.terminate()
            try:
                process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_for[T](what: str, probe: Any, timeout: float = 120, every: float = 1) -> T:
    """Call ``probe`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        with suppress(HomeAssistantError):
            if result := probe():
                return result  # type: ignore[no-any-return]
        if time.monotonic() > deadline:
            raise HomeAssistantError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(every)
