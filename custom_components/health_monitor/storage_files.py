"""Storage files as bytes: reading them, opening their envelope, keeping backups.

Also why a file was not taken as it was (:class:`StorageProblem`).

Blocking file work: :func:`read_file` and :func:`write_backup` run in the
executor.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
import os
from pathlib import Path
from typing import Any


class StorageProblem(StrEnum):
    """Why a storage file was not taken as it was; each is a repair issue key."""

    UNREADABLE = "storage_unreadable"
    NEWER_VERSION = "storage_newer_version"
    PARTLY_UNREADABLE = "storage_partly_unreadable"
    NOT_SAVED = "storage_not_saved"


def read_file(path: str) -> bytes | None:
    """Return the file's bytes, None when there is no file."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        return None


def write_backup(path: str, raw: bytes, stamp: str) -> str:
    """Write ``raw`` to a new file next to ``path``; return its path."""
    for attempt in range(100):
        backup = f"{path}.corrupt-{stamp}" + (f"-{attempt}" if attempt else "")
        try:
            with Path(backup).open("xb") as file:
                file.write(raw)
                file.flush()
                os.fsync(file.fileno())
        except FileExistsError:
            continue
        return backup
    raise FileExistsError(f"no free backup name next to {path}")


def open_envelope(
    envelope: Any, current_version: int
) -> tuple[Mapping[str, Any], StorageProblem | None, object]:
    """Return (data, problem, version) of a parsed storage file."""
    if envelope == {}:
        # The Store's way of writing nothing.
        return {}, None, None
    if not isinstance(envelope, dict):
        return {}, StorageProblem.UNREADABLE, None
    version = envelope.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        return {}, StorageProblem.UNREADABLE, None
    if version > current_version:
        return {}, StorageProblem.NEWER_VERSION, version
    data = envelope.get("data")
    if not isinstance(data, dict):
        return {}, StorageProblem.UNREADABLE, version
    # Minor versions only ever add keys: a newer one is read as it is.
    return data, None, version
