"""State persisted across restarts in versioned HA Stores (histories, incidents).

A file that cannot be read is never overwritten: it is copied next to itself
first (``<file>.corrupt-<UTC time>``) and a repair issue says so. Nothing is
written before the file was read, so a setup that fails early leaves it as
it was.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
import inspect
import logging
import threading
from typing import Any, Final

from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.json import json_bytes, json_fragment
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util
from homeassistant.util.async_ import run_callback_threadsafe
from homeassistant.util.json import json_loads, json_loads_object

from .const import DOMAIN, STORAGE_MINOR_VERSION, STORAGE_SAVE_DELAY, STORAGE_VERSION
from .engine.sanitize import sanitize_message
from .storage_files import StorageProblem, open_envelope, read_file, write_backup

_LOGGER = logging.getLogger(__name__)

# Reads stored data into its owner; returns the names of the parts it skipped.
type Restore = Callable[[Mapping[str, Any]], list[str]]
# Takes what must never go back (incident ids) from the text of a bad file.
type Salvage = Callable[[str], None]


# A worker thread waits this long for the event loop to build a snapshot.
_SNAPSHOT_TIMEOUT: Final = 30
# Skipped parts named in the log, at most.
_LOGGED_PARTS: Final = 10

# Version 2 of the histories file keeps each history as columns on one line;
# version 1 kept a list of entry objects, which the monitor still reads, so
# a version 1 file needs no rewriting before it is read.
HISTORY_STORAGE_VERSION: Final = 2
HISTORY_STORAGE_MINOR_VERSION: Final = 1
# The parts of the histories file whose items are each written on one line.
_HISTORY_ONE_LINE_PARTS: Final = ("histories",)

# Home Assistant 2026 encodes a save in the event loop unless told the data
# is safe to read from a worker thread (as a snapshot is); 2025.4 always
# encodes in a worker thread and has no such argument.
_THREAD_SAFE_DATA: Final[dict[str, Any]] = (
    {"serialize_in_event_loop": False}
    if "serialize_in_event_loop" in inspect.signature(Store.__init__).parameters
    else {}
)


class _VersionedStore(Store[dict[str, Any]]):
    """Store whose migrations live in one place."""

    async def _async_migrate_func(
        self, old_major_version: int, old_minor_version: int, old_data: dict[str, Any]
    ) -> dict[str, Any]:
        """Migrate stored data; minor versions only ever add keys.

        Every older major version is read as it is: the histories of version
        1 are entry lists, which the monitor reads beside version 2's columns.
        """
        if old_major_version > self.version:
            raise NotImplementedError(f"storage version {old_major_version} is newer")
        return old_data


class _OneLine:
    """A part of a snapshot written on one line, encoded only when it is written.

    Home Assistant's JSON encoder takes ``json_fragment`` as it is, so the
    encoding happens in the thread that writes the file and the part skips
    the indentation of the rest of the file.
    """

    __slots__ = ("_part",)

    def __init__(self, part: Any) -> None:
        self._part = part

    @property
    def json_fragment(self) -> Any:
        """Return the part encoded without indentation."""
        return json_fragment(json_bytes(self._part))


def stored_on_one_line(
    snapshot: dict[str, Any], parts: tuple[str, ...]
) -> dict[str, Any]:
    """Return ``snapshot`` with each item of the mappings under ``parts`` on one line."""
    wrapped = dict(snapshot)
    for part in parts:
        items = snapshot.get(part)
        if isinstance(items, Mapping):
            wrapped[part] = {key: _OneLine(item) for key, item in items.items()}
    return wrapped


class SnapshotStore:
    """Saves a snapshot of some state ``delay`` s after it changes, and on stop.

    Saving goes through ``Store.async_delay_save``, which also writes what is
    pending when Home Assistant stops (its final write), whether or not the
    entry is unloaded. The snapshot is built in the event loop when the write
    happens (never per change), so it is always the latest state and a large
    history costs nothing until it is written.
    """

    def __init__(
        self,
        hass: HomeAssistant,
        key: str,
        snapshot: Callable[[], dict[str, Any]],
        delay: float = STORAGE_SAVE_DELAY,
        *,
        version: tuple[int, int] = (STORAGE_VERSION, STORAGE_MINOR_VERSION),
        one_line_parts: tuple[str, ...] = (),
    ) -> None:
        """Persist what ``snapshot`` returns under ``key``, ``delay`` s after a change.

        ``snapshot`` runs in the event loop and must hand back data no one
        changes afterwards: it is encoded in a worker thread. Each item of
        the mappings under ``one_line_parts`` is written on one line.
        """
        self._hass = hass
        self._key = key
        self._snapshot = snapshot
        self._one_line_parts = one_line_parts
        # Atomic writes are synced to disk: a power cut leaves the old or the
        # new file, never a truncated one.
        self._store = _VersionedStore(
            hass,
            version[0],
            key,
            minor_version=version[1],
            atomic_writes=True,
            **_THREAD_SAFE_DATA,
        )
        self._delay = delay
        # Writes wait until the file was read (and backed up if it had to be).
        self._writable = False
        self._changed = False
        self._pending = False

    @property
    def path(self) -> str:
        """Return the file the state is stored in."""
        return str(self._store.path)

    async def async_load(
        self, restore: Restore, salvage: Salvage | None = None
    ) -> None:
        """Hand the stored data to ``restore``, keeping a backup of what it cannot read.

        A file that is not JSON, not laid out as this integration writes it,
        or written by a newer version is given to ``restore`` as empty; one
        that is only partly readable is given as it is and ``restore`` skips
        what it cannot read. Either way the original is copied to a backup
        and its text goes to ``salvage`` before anything is written to it.
        """
        stamp = dt_util.utcnow().strftime("%Y%m%dT%H%M%SZ")
        try:
            raw = await self._hass.async_add_executor_job(read_file, self.path)
        except OSError as err:
            restore({})
            self._report(StorageProblem.NOT_SAVED, stamp, error=str(err))
            return
        if raw is None:
            await self._async_load_from_store(restore)
            return

        problem: StorageProblem | None = None
        version: object = None
        data: Mapping[str, Any] = {}
        try:
            envelope = json_loads(raw)
        except ValueError:
            problem = StorageProblem.UNREADABLE
        else:
            data, problem, version = open_envelope(envelope, self._store.version)
        skipped = restore(data)
        if problem is None and skipped:
            problem = StorageProblem.PARTLY_UNREADABLE
        if problem is None:
            self._writable = True
            return
        if salvage is not None:
            salvage(raw.decode("utf-8", errors="replace"))
        try:
            backup = await self._hass.async_add_executor_job(
                write_backup, self.path, raw, stamp
            )
        except OSError as err:
            self._report(StorageProblem.NOT_SAVED, stamp, error=str(err))
            return
        self._report(problem, stamp, backup=backup, version=version, skipped=skipped)
        self._writable = True
        # What could be read replaces the bad file soon.
        self.async_schedule_save()

    async def _async_load_from_store(self, restore: Restore) -> None:
        """Without a file the Store answers (e.g. with data still waiting to be written)."""
        try:
            # Data still waiting to be written may hold parts not yet encoded.
            data = json_loads_object(json_bytes(await self._store.async_load() or {}))
        except (
            HomeAssistantError,
            KeyError,
            TypeError,
            ValueError,
            NotImplementedError,
        ):
            _LOGGER.exception("Stored %s could not be read; not saving it", self._key)
            restore({})
            return
        if skipped := restore(data):
            _LOGGER.warning(
                "Left out unreadable parts of stored %s: %s",
                self._key,
                ", ".join(skipped[:_LOGGED_PARTS]),
            )
        self._writable = True

    @callback
    def async_schedule_save(self) -> None:
        """Save a fresh snapshot in ``delay`` s; later changes join that save."""
        self._changed = True
        if not self._writable or self._pending:
            return
        self._pending = True
        self._store.async_delay_save(self._data_for_write, self._delay)

    async def async_flush(self) -> None:
        """Save now what changed since the file was read, then stop saving (unload).

        A reload's new store reads the file next; a late change of this one
        must not overwrite what the new one writes.
        """
        if not self._writable:
            return
        self._writable = False
        if not self._changed:
            return
        self._pending = False
        # Waits for a write in progress, so a reload reads the latest state.
        await self._store.async_save(self._async_take_snapshot())

    async def async_remove(self) -> None:
        """Delete the stored file (entry removal); backups are kept."""
        self._writable = False
        await self._store.async_remove()

    def _data_for_write(self) -> dict[str, Any]:
        """Return the snapshot, built in the event loop whatever thread asks.

        Home Assistant 2025.4 calls this from a worker thread, later versions
        from the event loop.
        """
        if threading.get_ident() == self._hass.loop_thread_id:
            return self._async_take_snapshot()
        return run_callback_threadsafe(
            self._hass.loop, self._async_take_snapshot
        ).result(_SNAPSHOT_TIMEOUT)

    @callback
    def _async_take_snapshot(self) -> dict[str, Any]:
        self._pending = False
        return stored_on_one_line(self._snapshot(), self._one_line_parts)

    @callback
    def _report(
        self,
        problem: StorageProblem,
        stamp: str,
        *,
        backup: str = "",
        version: object = None,
        skipped: list[str] | None = None,
        error: str = "",
    ) -> None:
        """Tell the user in the log and in a repair issue what happened to the file."""
        skipped = skipped or []
        error = sanitize_message(error)
        if problem is StorageProblem.NOT_SAVED:
            _LOGGER.error(
                "%s could not be read or backed up (%s); it is not written to "
                "until it can be",
                self.path,
                error,
            )
        else:
            _LOGGER.warning(
                "%s could not be read completely (%s%s); the original was kept as %s",
                self.path,
                problem.value,
                f": {', '.join(skipped[:_LOGGED_PARTS])}" if skipped else "",
                backup,
            )
        ir.async_create_issue(
            self._hass,
            DOMAIN,
            f"{storage_issue_prefix(self._key)}{stamp}",
            is_fixable=False,
            is_persistent=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key=problem.value,
            translation_placeholders={
                "file": self.path,
                "backup": backup,
                "version": str(version),
                "skipped": str(len(skipped)),
                "error": error,
            },
        )


def history_store_key(entry_id: str) -> str:
    """Return the storage key of an entry's component histories."""
    return f"{DOMAIN}.{entry_id}.history"


def history_store(
    hass: HomeAssistant, entry_id: str, snapshot: Callable[[], dict[str, Any]]
) -> SnapshotStore:
    """Return the store of an entry's component histories."""
    return SnapshotStore(
        hass,
        history_store_key(entry_id),
        snapshot,
        version=(HISTORY_STORAGE_VERSION, HISTORY_STORAGE_MINOR_VERSION),
        one_line_parts=_HISTORY_ONE_LINE_PARTS,
    )


def incident_store_key(entry_id: str) -> str:
    """Return the storage key of an entry's incidents and response state."""
    return f"{DOMAIN}.{entry_id}.incidents"


def incident_id_store_key(entry_id: str) -> str:
    """Return the storage key of the last incident id an entry handed out."""
    return f"{DOMAIN}.{entry_id}.incident_ids"


def entry_store_keys(entry_id: str) -> tuple[str, ...]:
    """Return every storage key of an entry."""
    return (
        history_store_key(entry_id),
        incident_store_key(entry_id),
        incident_id_store_key(entry_id),
    )


def storage_issue_prefix(key: str) -> str:
    """Return how the ids of a storage file's repair issues start."""
    return f"storage_{key}_"


@callback
def async_delete_storage_issues(hass: HomeAssistant, entry_id: str) -> None:
    """Remove the storage repair issues of an entry (removal)."""
    prefixes = tuple(storage_issue_prefix(key) for key in entry_store_keys(entry_id))
    registry = ir.async_get(hass)
    for domain, issue_id in list(registry.issues):
        if domain == DOMAIN and issue_id.startswith(prefixes):
            ir.async_delete_issue(hass, DOMAIN, issue_id)
