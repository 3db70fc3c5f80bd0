"""What HACS and a release need: hacs.json, the manifest, brand images, the changelog."""

from __future__ import annotations

import json
from pathlib import Path
import re
import struct
from typing import Any

ROOT = Path(__file__).parent.parent
INTEGRATION = ROOT / "custom_components" / "health_monitor"
BRANDS = ROOT / "brands" / "custom_integrations" / "health_monitor"
# The oldest Home Assistant supported (HA_NOTES, README's test lanes).
OLDEST_SUPPORTED = "2025.4.0"
SEMVER = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)")


def _json(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


MANIFEST = _json(INTEGRATION / "manifest.json")
HACS = _json(ROOT / "hacs.json")


def test_manifest_has_what_hacs_and_home_assistant_require() -> None:
    """Domain of the folder, a release version, links, config flow and classes."""
    assert MANIFEST["domain"] == INTEGRATION.name
    assert MANIFEST["name"] == HACS["name"]
    version = MANIFEST["version"]
    assert isinstance(version, str) and len(version) <= 32
    assert SEMVER.fullmatch(version), version
    assert MANIFEST["config_flow"] is True
    assert MANIFEST["iot_class"] == "local_polling"
    assert MANIFEST["integration_type"] == "service"
    assert MANIFEST["codeowners"] and all(
        owner.startswith("@") for owner in MANIFEST["codeowners"]
    )
    for key in ("documentation", "issue_tracker"):
        assert MANIFEST[key].startswith("https://github.com/"), key
    assert MANIFEST["issue_tracker"] == f"{MANIFEST['documentation']}/issues"
    assert MANIFEST["single_config_entry"] is True


def test_hacs_json_names_the_oldest_supported_home_assistant() -> None:
    """hacs.json's minimum is the one README documents and the blueprints need."""
    assert set(HACS) <= {
        "name",
        "homeassistant",
        "render_readme",
        "content_in_root",
        "zip_release",
        "filename",
        "hide_default_branch",
        "country",
        "persistent_directory",
        "hacs",
    }
    assert HACS["name"]
    assert HACS["homeassistant"] == OLDEST_SUPPORTED
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "Home Assistant 2025.4 to" in readme
    assert f"`{OLDEST_SUPPORTED}`" in readme
    for blueprint in (ROOT / "blueprints").rglob("*.yaml"):
        assert f"min_version: {OLDEST_SUPPORTED}" in blueprint.read_text(
            encoding="utf-8"
        ), blueprint.name


def test_changelog_has_an_entry_for_this_version() -> None:
    """The manifest's version is released with its notes."""
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"\n## {MANIFEST['version']}\n" in changelog


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", path.name
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def test_brand_images_are_ready_for_the_brands_repository() -> None:
    """Icons are square 256/512 px, logos 128–256/256–512 px high; both copies agree."""
    names = sorted(path.name for path in (INTEGRATION / "brand").glob("*.png"))
    assert names == sorted(path.name for path in BRANDS.glob("*.png"))
    assert {"icon.png", "icon@2x.png", "logo.png", "logo@2x.png"} <= set(names)
    for name in names:
        ours, submitted = INTEGRATION / "brand" / name, BRANDS / name
        assert ours.read_bytes() == submitted.read_bytes(), name
        width, height = _png_size(ours)
        if name.startswith("icon"):
            assert (width, height) == ((512, 512) if "@2x" in name else (256, 256))
        else:
            low, high = (256, 512) if "@2x" in name else (128, 256)
            assert low <= min(width, height) <= high, name
