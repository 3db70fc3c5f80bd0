"""Limits on what users type, shared by forms, services and stored settings.

Numbers must be finite and within their range, and whole where they count
something; texts are bounded and free of control characters. A limit reports
a problem as the translation key of the error to show, so every surface
refuses the same values with the same words, and nothing out of bounds is
stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
import math
from pathlib import Path
import re
from typing import Any

from homeassistant.helpers.selector import (
    DurationSelector,
    EntitySelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
)

# Text limits (characters unless said otherwise).
MAX_HOST_LENGTH = 253  # the longest DNS name
MAX_DATABASE_NAME_BYTES = 63  # PostgreSQL identifiers (NAMEDATALEN - 1), in bytes
MAX_USERNAME_LENGTH = 255
MAX_PASSWORD_LENGTH = 1024
MAX_URL_LENGTH = 2048
MAX_SHORT_TEXT_LENGTH = 255  # expected status codes, an action, an id
MAX_BODY_TEXT_LENGTH = 1024
MAX_NOTE_LENGTH = 2000
MAX_PATH_LENGTH = 4096  # PATH_MAX on Linux
MAX_DISK_PATHS = 32

# Translation keys of the errors.
NOT_A_NUMBER = "not_a_number"
OUT_OF_RANGE = "out_of_range"
NOT_WHOLE_NUMBER = "not_whole_number"
NOT_TEXT = "not_text"
TOO_LONG = "too_long"
INVALID_CHARACTERS = "invalid_characters"
INVALID_PATH = "invalid_path"
INVALID_SELECTION = "invalid_selection"
TOO_MANY_PATHS = "too_many_paths"
INVALID_DURATION = "invalid_duration"

# No number in range is written with more characters; refusing longer text
# first keeps the parse bounded.
_MAX_NUMBER_TEXT = 32
# C0 and C1 controls, DEL and lone surrogates (which cannot even be stored
# as JSON). A multi-line text keeps tabs and line breaks.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL_MULTILINE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


class InvalidValueError(ValueError):
    """A value outside its limits; ``reason`` is the translation key to show."""

    def __init__(self, reason: str) -> None:
        """Describe the problem by its translation key."""
        super().__init__(reason)
        self.reason = reason


class StepCheckedNumberSelector(NumberSelector):
    """A number field whose range the form shows and its step enforces.

    HA's own number selector lets NaN through and refuses other bad numbers
    with an untranslated schema error (HTTP 400); passing the value on lets
    the step answer every bad number with a translated field error.
    """

    def __call__(self, data: Any) -> Any:
        """Pass the value on to the step, which checks it."""
        return data


class StepCheckedEntitySelector(EntitySelector):
    """An entity field whose value the step checks, for a translated error.

    HA's entity selector refuses a malformed id with an untranslated schema
    error, whatever its length.
    """

    def __call__(self, data: Any) -> Any:
        """Pass the value on to the step, which checks it."""
        return data


class StepCheckedSelectSelector(SelectSelector):
    """A choice field whose value the step checks, for a translated error.

    HA's select selector refuses a value not among its options with an
    untranslated schema error.
    """

    def __call__(self, data: Any) -> Any:
        """Pass the value on to the step, which checks it."""
        return data


class StepCheckedDurationSelector(DurationSelector):
    """A duration field whose value the step checks, for a translated error.

    HA's duration selector refuses a bad value with an untranslated schema
    error, and lets NaN and huge numbers through.
    """

    def __call__(self, data: Any) -> Any:
        """Pass the value on to the step, which checks it."""
        return data


@dataclass(frozen=True, slots=True)
class NumberRange:
    """A finite number from ``minimum`` to ``maximum`` (whole if ``whole``)."""

    minimum: float
    maximum: float
    whole: bool = True
    unit: str | None = None

    def __call__(self, value: Any) -> float:
        """Return ``value`` as a number (an int if whole), or raise InvalidValueError."""
        if isinstance(value, str):
            text = value.strip()
            if len(text) > _MAX_NUMBER_TEXT:
                raise InvalidValueError(NOT_A_NUMBER)
            try:
                value = float(text)
            except ValueError:
                raise InvalidValueError(NOT_A_NUMBER) from None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidValueError(NOT_A_NUMBER)
        if isinstance(value, float) and not math.isfinite(value):
            raise InvalidValueError(NOT_A_NUMBER)
        # Compared before any conversion: a huge int stays exact.
        if not self.minimum <= value <= self.maximum:
            raise InvalidValueError(OUT_OF_RANGE)
        if not self.whole:
            return float(value)
        if isinstance(value, float) and not value.is_integer():
            raise InvalidValueError(NOT_WHOLE_NUMBER)
        return int(value)

    def selector(self) -> NumberSelector:
        """Return the form field showing this range."""
        config = NumberSelectorConfig(
            min=self.minimum,
            max=self.maximum,
            step=1 if self.whole else "any",
            mode=NumberSelectorMode.BOX,
        )
        if self.unit is not None:
            config["unit_of_measurement"] = self.unit
        return StepCheckedNumberSelector(config)


@dataclass(frozen=True, slots=True)
class TextLimit:
    """Text of at most ``max_length`` characters (or UTF-8 bytes), trimmed.

    Only a multi-line text may hold tabs and line breaks; no text holds other
    control characters.
    """

    max_length: int
    multiline: bool = False
    in_bytes: bool = False
    # A password keeps its spaces.
    strip: bool = True

    def __call__(self, value: Any) -> str:
        """Return ``value`` trimmed, or raise InvalidValueError."""
        if not isinstance(value, str):
            raise InvalidValueError(NOT_TEXT)
        # The length is checked first, so a huge text costs one strip.
        text = value.strip() if self.strip else value
        if len(text) > self.max_length:
            raise InvalidValueError(TOO_LONG)
        control = _CONTROL_MULTILINE if self.multiline else _CONTROL
        if control.search(text):
            raise InvalidValueError(INVALID_CHARACTERS)
        if self.in_bytes and len(text.encode()) > self.max_length:
            raise InvalidValueError(TOO_LONG)
        return text


@dataclass(frozen=True, slots=True)
class NameListLimit:
    """A list of at most ``max_items`` names (e.g. integration domains), no repeats.

    A name is lowercase letters, digits and underscores, at most 64 long.
    """

    max_items: int

    def __call__(self, value: Any) -> list[str]:
        """Return the names of ``value`` in order, or raise InvalidValueError."""
        if not isinstance(value, list) or len(value) > self.max_items:
            raise InvalidValueError(INVALID_SELECTION)
        for name in value:
            if not isinstance(name, str) or not _NAME.fullmatch(name):
                raise InvalidValueError(INVALID_SELECTION)
        return list(dict.fromkeys(value))


_NAME = re.compile(r"[a-z0-9_]{1,64}")

# The parts of a duration as HA's duration selector gives them.
_DURATION_PARTS = ("days", "hours", "minutes", "seconds", "milliseconds")
# H:MM or H:MM:SS[.ffffff], as HA writes a duration; hours are bounded.
_CLOCK = re.compile(r"(\d{1,6}):([0-5]?\d)(?::([0-5]?\d(?:\.\d{1,6})?))?")
# Any part beyond this is out of every range, and timedelta still holds it.
_PART = NumberRange(0, 100_000_000, whole=False)


@dataclass(frozen=True, slots=True)
class DurationLimit:
    """A duration from ``minimum`` to ``maximum``.

    Given as a number of seconds, an ``HH:MM[:SS]`` text, or the dict of
    days, hours, minutes, seconds and milliseconds that HA's duration
    selector gives; every part finite and not negative.
    """

    minimum: timedelta
    maximum: timedelta

    def __call__(self, value: Any) -> timedelta:
        """Return ``value`` as a timedelta, or raise InvalidValueError."""
        try:
            duration = _duration(value)
        except InvalidValueError:
            raise InvalidValueError(INVALID_DURATION) from None
        if not self.minimum <= duration <= self.maximum:
            raise InvalidValueError(INVALID_DURATION)
        return duration


def _duration(value: Any) -> timedelta:
    """Read a duration (see DurationLimit) without checking its range."""
    if isinstance(value, Mapping):
        if not value or not set(value) <= set(_DURATION_PARTS):
            raise InvalidValueError(INVALID_DURATION)
        return timedelta(**{str(key): _PART(part) for key, part in value.items()})
    if isinstance(value, str) and len(value) <= _MAX_NUMBER_TEXT:
        if clock := _CLOCK.fullmatch(value.strip()):
            hours, minutes, seconds = clock.groups()
            return timedelta(
                hours=int(hours), minutes=int(minutes), seconds=float(seconds or 0)
            )
    return timedelta(seconds=_PART(value))


type FieldLimit = NumberRange | TextLimit | NameListLimit

PATH = TextLimit(MAX_PATH_LENGTH)
PORT = NumberRange(1, 65535)
NOTE = TextLimit(MAX_NOTE_LENGTH, multiline=True)


def check_fields(
    data: Mapping[str, Any], limits: Mapping[str, FieldLimit]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Return ``data`` with limited fields converted, and an error per bad field.

    A field that is absent or None is left to the form's schema (required
    fields) or to its default (optional ones).
    """
    checked = dict(data)
    errors: dict[str, str] = {}
    for key, limit in limits.items():
        if checked.get(key) is None:
            continue
        try:
            checked[key] = limit(checked[key])
        except InvalidValueError as err:
            errors[key] = err.reason
    return checked, errors


def check_paths(value: Any) -> list[str]:
    """Return the trimmed disk paths, or raise InvalidValueError (no file access)."""
    if not isinstance(value, list) or not value:
        raise InvalidValueError(INVALID_PATH)
    if len(value) > MAX_DISK_PATHS:
        raise InvalidValueError(TOO_MANY_PATHS)
    try:
        paths = [PATH(path) for path in value]
    except InvalidValueError:
        raise InvalidValueError(INVALID_PATH) from None
    if not all(paths):
        raise InvalidValueError(INVALID_PATH)
    return paths


def are_folders(paths: Iterable[str]) -> bool:
    """Whether every path is an absolute path of an existing folder (executor)."""
    return all(
        (folder := Path(path)).is_absolute() and folder.is_dir() for path in paths
    )
