"""The card on the ready dashboard, in Debian's Chromium against a real Home Assistant."""

from __future__ import annotations

from pathlib import Path
import re
from typing import Any

from playwright.sync_api import Browser, Page, expect

from .conftest import DESKTOP, PHONE, open_dashboard
from .home_assistant import HomeAssistantServer, wait_for

NOTE = "Looking at the cable"


def card(page: Page) -> Any:
    """Return the card on the page."""
    return page.locator("health-monitor-card")


def test_the_card_shows_the_score_the_components_and_the_open_incident(
    dashboard: Page, open_incident: dict[str, Any]
) -> None:
    """Every component of the entry is listed with its status; the incident with its severity."""
    shown = card(dashboard)
    expect(shown.get_by_test_id("score")).to_have_text(re.compile(r"^\d+(\.\d+)?$"))
    for name in ("Event loop", "System resources", open_incident["name"]):
        expect(shown.locator(".component", has_text=name)).to_be_visible()
    incident_id = open_incident["attributes"]["incident_id"]
    incident = shown.locator(f'[data-incident="{incident_id}"]')
    expect(incident).to_contain_text(open_incident["name"])
    expect(incident).to_contain_text(
        open_incident["attributes"]["severity"].capitalize()
    )
    expect(incident.get_by_test_id("age")).to_have_text(re.compile(r"min|h|d"))
    expect(incident.locator('[data-action="acknowledge"]')).to_be_enabled()
    # In the card picker, with a visual editor.
    assert dashboard.evaluate(
        """async () => {
            const card = customElements.get("health-monitor-card");
            const editor = await card.getConfigElement();
            return [
                window.customCards.some((c) => c.type === "health-monitor-card"),
                typeof editor.setConfig,
                card.getStubConfig().title,
            ];
        }"""
    ) == [True, "function", "Health Monitor"]
    # The dashboard's history graphs and controls come with the card.
    expect(dashboard.get_by_text("Health score", exact=True)).to_be_visible()
    expect(dashboard.get_by_text("Component status", exact=True)).to_be_visible()


def test_screenshots_in_light_dark_and_phone_width(
    browser: Browser,
    home_assistant: HomeAssistantServer,
    signed_in: dict[str, Any],
    open_incident: dict[str, Any],
    docs: Path,
) -> None:
    """The README's pictures: light and dark themes, and a 375 px wide phone."""
    incident_id = open_incident["attributes"]["incident_id"]
    for name, options in (
        ("card-light.png", {"viewport": DESKTOP, "color_scheme": "light"}),
        ("card-dark.png", {"viewport": DESKTOP, "color_scheme": "dark"}),
        (
            "card-phone.png",
            {"viewport": PHONE, "color_scheme": "light", "is_mobile": True},
        ),
    ):
        page = open_dashboard(browser, home_assistant, signed_in, **options)
        try:
            incident = card(page).locator(f'[data-incident="{incident_id}"]')
            expect(incident).to_be_visible()
            if options["viewport"] is PHONE:
                # Nothing wider than the phone: the card fits its column.
                box = card(page).locator("ha-card").bounding_box()
                assert box is not None
                assert box["x"] >= 0
                assert box["x"] + box["width"] <= PHONE["width"]
            page.screenshot(path=str(docs / name))
        finally:
            page.context.close()


def test_acknowledging_in_the_card_changes_the_incident(
    dashboard: Page,
    home_assistant: HomeAssistantServer,
    open_incident: dict[str, Any],
    socket_enabled: None,
) -> None:
    """The button acknowledges with the note: the card and the backend show it."""
    incident_id = open_incident["attributes"]["incident_id"]
    incident = card(dashboard).locator(f'[data-incident="{incident_id}"]')
    incident.get_by_placeholder("Note (optional)").fill(NOTE)
    incident.locator('[data-action="acknowledge"]').click()

    expect(incident.get_by_test_id("acknowledged")).to_be_visible()
    expect(incident).to_contain_text("Acknowledged")
    expect(incident.locator('[data-action="acknowledge"]')).to_be_disabled()
    expect(incident.locator(".error")).to_have_count(0)

    entity_id = open_incident["entity_id"]

    def acknowledged() -> dict[str, Any] | None:
        state = home_assistant.request("GET", f"/api/states/{entity_id}")
        return state if state["attributes"]["status"] == "acknowledged" else None

    state = wait_for("the acknowledgement in Home Assistant", acknowledged)
    assert state["attributes"]["acknowledged"] is True
    answer = home_assistant.request(
        "POST", "/api/services/health_monitor/get_incidents?return_response", {}
    )
    [stored] = [
        found
        for found in answer["service_response"]["incidents"]
        if found["id"] == incident_id
    ]
    assert stored["acknowledged_by"] == "Developer"
    assert stored["timeline"][-1]["details"]["note"] == NOTE


def test_a_refused_action_is_shown_in_the_card(
    dashboard: Page,
    home_assistant: HomeAssistantServer,
    open_incident: dict[str, Any],
    socket_enabled: None,
) -> None:
    """Home Assistant's error (a note with a control character) is shown; nothing changes."""
    incident_id = open_incident["attributes"]["incident_id"]
    incident = card(dashboard).locator(f'[data-incident="{incident_id}"]')
    incident.get_by_placeholder("Note (optional)").fill("bell\x07")
    incident.locator('[data-action="resolve"]').click()

    expect(incident.get_by_role("alert")).to_contain_text(re.compile(r"\w"))
    state = home_assistant.request("GET", f"/api/states/{open_incident['entity_id']}")
    assert state["state"] == "on"
