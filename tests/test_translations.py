"""Every translation key the code uses exists in translations/en.json."""

from __future__ import annotations

import ast
import json
from pathlib import Path
import re
from typing import Any

import yaml

from custom_components.health_monitor import sensor
from custom_components.health_monitor.builtin.system_resources import DISK_SENSOR
from custom_components.health_monitor.const import BUILTIN_CHECKS
from custom_components.health_monitor.engine.incidents.events import IncidentEventType
from custom_components.health_monitor.engine.models import HealthStatus
from custom_components.health_monitor.services import Service
from custom_components.health_monitor.targets import TARGET_KINDS

INTEGRATION = Path(__file__).parent.parent / "custom_components" / "health_monitor"


def _load(name: str) -> dict[str, Any]:
    return json.loads((INTEGRATION / name).read_text(encoding="utf-8"))


EN = _load("translations/en.json")


def _string_values_of_dicts(tree: ast.AST) -> set[str]:
    """Return string constants used as dict values (form errors are such dicts)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            values = node.values
        elif isinstance(node, ast.DictComp):
            values = [node.value]
        else:
            continue
        found.update(
            v.value
            for v in values
            if isinstance(v, ast.Constant) and isinstance(v.value, str)
        )
    return found


def _abort_reasons(tree: ast.AST) -> set[str]:
    return {
        keyword.value.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        for keyword in node.keywords
        if keyword.arg == "reason" and isinstance(keyword.value, ast.Constant)
    }


def test_strings_json_matches_english_translation() -> None:
    """strings.json and translations/en.json say the same."""
    assert _load("strings.json") == EN


OPTIONS_ONLY_ERRORS = {"warning_not_below_critical", "unknown_action"}


def test_every_form_error_is_translated() -> None:
    """Each error the flows can show has a text in both the config and options sections."""
    tree = ast.parse((INTEGRATION / "config_flow.py").read_text(encoding="utf-8"))
    errors = _string_values_of_dicts(tree)
    assert errors >= {
        "invalid_path",
        "no_checks",
        "cannot_read_system",
        "warning_not_below_critical",
    }
    for error in errors:
        assert error in EN["options"]["error"], error
        if error not in OPTIONS_ONLY_ERRORS:
            assert error in EN["config"]["error"], error


def test_every_abort_reason_is_translated() -> None:
    """Each abort reason of the entry flow and of every target flow has a text."""
    tree = ast.parse((INTEGRATION / "config_flow.py").read_text(encoding="utf-8"))
    target_reasons = {"already_configured", "reconfigure_successful"}
    for reason in _abort_reasons(tree) - target_reasons | {"single_instance_allowed"}:
        assert reason in EN["config"]["abort"], reason
    for subentry_type in TARGET_KINDS:
        aborts = EN["config_subentries"][subentry_type]["abort"]
        assert target_reasons <= set(aborts), subentry_type


SHARED_TARGET_FIELDS = {"depends_on"}
TARGET_ERRORS = {
    "cannot_connect",
    "invalid_auth",
    "invalid_url",
    "timeout",
    "unknown",
    "warning_not_below_critical",
    "dependency_cycle",
    "unknown_dependency",
    "invalid_dependencies",
    "name_in_use",
}


def test_every_target_flow_is_translated() -> None:
    """Each kind of target has its menu entry, form labels and every error text."""
    for subentry_type, kind in TARGET_KINDS.items():
        texts = EN["config_subentries"][subentry_type]
        assert texts["initiate_flow"]["user"], subentry_type
        assert texts["entry_type"], subentry_type
        # The flow adds the fields every kind shares (dependencies).
        fields = {str(key) for key in kind.schema({}).schema} | SHARED_TARGET_FIELDS
        # Every kind has a name (the flow's, or the kind's own).
        assert "name" in fields, subentry_type
        for step in ("user", "reconfigure"):
            assert set(texts["step"][step]["data"]) == fields, (subentry_type, step)
            assert set(texts["step"][step]["data_description"]) <= fields
        assert set(texts["error"]) >= TARGET_ERRORS, subentry_type


def test_every_sensor_name_and_state_is_translated() -> None:
    """Sensor names, and the states of the status enums, are translated."""
    descriptions = [
        *sensor.COMPONENT_SENSORS,
        *sensor.SYSTEM_SENSORS,
        DISK_SENSOR,
    ]
    translations = EN["entity"]["sensor"]
    for description in descriptions:
        assert description.translation_key in translations, description.key
        assert translations[description.translation_key]["name"]
        if description.options:
            assert set(translations[description.translation_key]["state"]) == set(
                description.options
            )
    assert set(sensor.STATUS_OPTIONS) == {status.value for status in HealthStatus}


def test_every_built_in_check_has_a_selector_label() -> None:
    """The checks selector shows a label for each built-in check."""
    labels = EN["selector"]["checks"]["options"]
    assert set(labels) == {str(check) for check in BUILTIN_CHECKS}


def test_every_form_field_has_a_label() -> None:
    """Each field of every form has a label and a description."""
    steps = [
        EN["config"]["step"]["user"],
        EN["config"]["step"]["reconfigure"],
        EN["options"]["step"]["init"],
    ]
    for step in steps:
        assert set(step["data"]) == set(step["data_description"])


def _service_fields() -> dict[str, set[str]]:
    services = yaml.safe_load(
        (INTEGRATION / "services.yaml").read_text(encoding="utf-8")
    )
    return {
        name: set((spec or {}).get("fields", {})) for name, spec in services.items()
    }


def test_every_service_and_field_is_named_and_described() -> None:
    """Each service in services.yaml has a name, a description and its fields' texts."""
    texts = EN["services"]
    fields = _service_fields()
    assert set(texts) == set(fields)
    for service, names in fields.items():
        assert texts[service]["name"]
        assert texts[service]["description"]
        assert set(texts[service].get("fields", {})) == names, service
        for field in names:
            assert texts[service]["fields"][field]["name"]
            assert texts[service]["fields"][field]["description"]


def test_every_registered_service_is_in_services_yaml() -> None:
    """The services the code registers are exactly those documented."""
    assert {str(service) for service in Service} == set(_service_fields())


def test_every_exception_key_is_translated() -> None:
    """Each translation_key raised from the services has an exception message."""
    source = "".join(
        (INTEGRATION / name).read_text(encoding="utf-8")
        for name in ("services.py", "maintenance_services.py", "components.py")
    )
    keys = set(re.findall(r'translation_key="([a-z_]+)"', source))
    assert keys
    assert keys <= set(EN["exceptions"])


def test_every_repair_fix_flow_text_exists() -> None:
    """The incident issue has its title and every fix flow step and abort text."""
    issue = EN["issues"]["incident"]
    assert issue["title"]
    steps = issue["fix_flow"]["step"]
    assert set(steps) == {"init", "acknowledge", "investigating", "resolve"}
    assert set(steps["init"]["menu_options"]) == {
        "acknowledge",
        "investigating",
        "resolve",
    }
    source = (INTEGRATION / "repairs.py").read_text(encoding="utf-8")
    reasons = set(re.findall(r'reason="([a-z_]+)"', source)) | {
        "acknowledged",
        "investigating",
    }
    assert reasons <= set(issue["fix_flow"]["abort"])


def test_platform_entities_are_translated() -> None:
    """Switches, the problem sensor and the event entity have names and event texts."""
    entity = EN["entity"]
    assert {"monitoring", "incident_response"} <= set(entity["switch"])
    assert entity["binary_sensor"]["incident"]["name"]
    events = entity["event"]["incident_event"]["state_attributes"]["event_type"][
        "state"
    ]
    assert set(events) == {event.value for event in IncidentEventType}
