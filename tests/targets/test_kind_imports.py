"""Target kinds are imported only when a target of that kind exists."""

from __future__ import annotations

from pathlib import Path
import subprocess
import sys

ROOT = Path(__file__).parents[2]
ALONE = Path(__file__).with_name("builtin_only_setup.py")


def test_builtin_checks_only_load_no_database_or_mqtt_driver() -> None:
    """Set up in a fresh interpreter (a clean sys.modules): asyncpg, aiomqtt stay out.

    They cost ~12.5 MB and ~0.7 s at every start of Home Assistant.
    """
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(ALONE),
            "--noconftest",
            "-p",
            "no:cacheprovider",
            "-q",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
