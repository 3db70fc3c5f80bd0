"""A real Home Assistant with an open incident, and Debian's Chromium driven by Playwright.

Lane 1 only (scripts/test): lane 2 ignores tests/browser (scripts/latest_lane).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
import socket
import time
from typing import Any

from playwright.sync_api import (
    Browser,
    Error as PlaywrightError,
    Page,
    Playwright,
    sync_playwright,
)
import pytest
import pytest_socket

from .home_assistant import (
    DASHBOARD_PATH,
    PASSWORD,
    USERNAME,
    HomeAssistantServer,
    running_home_assistant,
    wait_for,
)

CHROMIUM = "/usr/bin/chromium"
# As the machine notes require: no background connections, a new empty profile
# (Playwright makes one per launch).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
UI_TIMEOUT = 60_000  # ms for anything the browser waits for


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def home_assistant(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[HomeAssistantServer]:
    """Start Home Assistant with Health Monitor set up (sockets open for the setup)."""
    pytest_socket.enable_socket()
    try:
        with running_home_assistant(
            tmp_path_factory.mktemp("ha"), _free_port()
        ) as server:
            pytest_socket.disable_socket(allow_unix_socket=True)
            yield server
    finally:
        pytest_socket.disable_socket(allow_unix_socket=True)


@pytest.fixture(scope="module")
def open_incident(home_assistant: HomeAssistantServer) -> dict[str, Any]:
    """Add a network target, then close its port: return its problem sensor's state."""
    pytest_socket.enable_socket()
    try:
        # The form connects to the target for real: it listens while it is added.
        with socket.socket() as listener:
            listener.bind(("127.0.0.1", 0))
            listener.listen()
            port = listener.getsockname()[1]
            home_assistant.add_network_target(port)
        name = f"127.0.0.1:{port}"

        def problem() -> dict[str, Any] | None:
            # Two failing checks open the incident; each call runs one cycle.
            home_assistant.request(
                "POST", "/api/services/health_monitor/run_checks", {}
            )
            return next(
                (
                    state
                    for state in home_assistant.states()
                    if state["entity_id"].startswith("binary_sensor.")
                    and state["attributes"].get("friendly_name", "").startswith(name)
                    and state["state"] == "on"
                ),
                None,
            )

        state: dict[str, Any] = wait_for(f"an open incident of {name}", problem)
        return {"name": name, **state}
    finally:
        pytest_socket.disable_socket(allow_unix_socket=True)


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """Leave out the in-process Home Assistant: these tests talk to a real one.

    Playwright's sync API marks its event loop as running in this thread, so no
    asyncio fixture may run while a browser is open; every browser fixture is
    per test and closed before the test plugin's own checks run.
    """


@pytest.fixture
def playwright() -> Iterator[Playwright]:
    """Start Playwright (its driver ships in the wheel; no browser is downloaded)."""
    with sync_playwright() as running:
        yield running


@pytest.fixture
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Launch Debian's Chromium headless."""
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def signed_in(
    browser: Browser, home_assistant: HomeAssistantServer, open_incident: dict[str, Any]
) -> dict[str, Any]:
    """Log in through Home Assistant's login page; return the browser storage with the tokens."""
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(UI_TIMEOUT)
    page.goto(home_assistant.url + DASHBOARD_PATH)
    page.locator('input[name="username"]').fill(USERNAME)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{DASHBOARD_PATH}", timeout=UI_TIMEOUT)
    page.locator("health-monitor-card ha-card").wait_for()
    state: dict[str, Any] = context.storage_state()
    context.close()
    return state


def open_dashboard(
    browser: Browser,
    home_assistant: HomeAssistantServer,
    signed_in: dict[str, Any],
    **options: Any,
) -> Page:
    """Open the ready dashboard as the signed-in user in a new browser context."""
    context = browser.new_context(storage_state=signed_in, **options)  # type: ignore[arg-type]
    page = context.new_page()
    page.set_default_timeout(UI_TIMEOUT)
    console: list[str] = []
    page.on(
        "console", lambda message: console.append(f"{message.type}: {message.text}")
    )
    page.on("pageerror", lambda error: console.append(f"page error: {error}"))
    started = time.monotonic()
    page.on(
        "requestfinished",
        lambda request: "health_monitor" in request.url
        and console.append(
            f"{time.monotonic() - started:.1f} s: loaded {request.url} "
            f"{request.response() and request.response().status} "  # type: ignore[union-attr]
            f"{request.sizes()}"
        ),
    )
    page.on(
        "requestfailed",
        lambda request: console.append(
            f"request failed: {request.url} {request.failure}"
        ),
    )
    page.goto(home_assistant.url + DASHBOARD_PATH)
    try:
        page.locator("health-monitor-card ha-card").wait_for()
    except PlaywrightError:
        defined = page.evaluate(
            "() => ['health-monitor-card', 'll-strategy-dashboard-health-monitor']"
            ".map((name) => `${name}: ${Boolean(customElements.get(name))}`).join(', ')"
        )
        console.append(f"defined: {defined}")
        shot = home_assistant.log.with_name("failed.png")
        page.screenshot(path=str(shot))
        raise AssertionError(
            f"no card on {page.url}; screenshot {shot}; console:\n" + "\n".join(console)
        ) from None
    return page


@pytest.fixture
def dashboard(
    browser: Browser, home_assistant: HomeAssistantServer, signed_in: dict[str, Any]
) -> Iterator[Page]:
    """Open the ready dashboard on a desktop-sized page."""
    page = open_dashboard(browser, home_assistant, signed_in, viewport=DESKTOP)
    yield page
    page.context.close()


@pytest.fixture(scope="session")
def docs() -> Path:
    """Where the README's screenshots go."""
    path = Path(__file__).resolve().parents[2] / "docs"
    path.mkdir(exist_ok=True)
    return path
