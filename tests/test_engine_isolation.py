"""The domain engine stays free of Home Assistant imports."""

from __future__ import annotations

import ast
from pathlib import Path

ENGINE_DIR = (
    Path(__file__).parent.parent / "custom_components" / "health_monitor" / "engine"
)


def imported_modules(source: Path) -> list[str]:
    """Return every module name imported by ``source``, at any depth."""
    modules: list[str] = []
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.append(node.module)
    return modules


def test_engine_modules_are_found() -> None:
    """The walk sees the engine's modules, so an empty result means something."""
    names = {path.name for path in ENGINE_DIR.rglob("*.py")}
    assert {"models.py", "runner.py", "monitor.py"} <= names


def test_engine_does_not_import_homeassistant() -> None:
    """No module under engine/ imports homeassistant, directly or from a submodule."""
    offenders = [
        f"{path.relative_to(ENGINE_DIR)}: {module}"
        for path in sorted(ENGINE_DIR.rglob("*.py"))
        for module in imported_modules(path)
        if module == "homeassistant" or module.startswith("homeassistant.")
    ]
    assert offenders == []


def test_import_detection_sees_both_import_forms(tmp_path: Path) -> None:
    """Both ``import homeassistant`` and ``from homeassistant... import`` are caught."""
    source = tmp_path / "sample.py"
    source.write_text(
        "import homeassistant.core\n"
        "from homeassistant.helpers import entity\n"
        "from . import models\n"
        "def late():\n"
        "    import homeassistant\n",
        encoding="utf-8",
    )
    assert imported_modules(source) == [
        "homeassistant.core",
        "homeassistant.helpers",
        "homeassistant",
    ]
