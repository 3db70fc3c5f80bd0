"""Bad values a user or a script can send, as Hypothesis strategies, and how to try them.

Hypothesis runs in a worker thread; each example is one real form
submission or action call in Home Assistant's event loop, so the loop is
free while Hypothesis waits for it. Runs are deterministic (derandomized,
no example database) and bounded; the first value that gets through fails
the test.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import math
import string
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings, strategies as st

from homeassistant.core import HomeAssistant

NAN = float("nan")
INF = float("inf")
# Longer than any text limit of a form or action (the longest, a path, is 4096).
OVERLONG = 5000
# Bounded per field, so every form takes seconds, not minutes.
EXAMPLES_PER_FIELD = 25
EXAMPLE_TIMEOUT = 30.0

# Control characters a one-line text must not hold, and those a note must not
# (a note keeps tabs and line breaks). A lone surrogate cannot even be stored.
LINE_CONTROLS = "\x00\x01\x07\x08\t\n\r\x0b\x0c\x1b\x7f\x85\x9f\ud800"
NOTE_CONTROLS = "\x00\x01\x07\x08\x0b\x0c\x1b\x7f\x85\x9f\udfff"
_WORD = st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=8)


def _number_words() -> st.SearchStrategy[str]:
    """Texts that read as NaN, infinity or huge numbers."""
    return st.sampled_from(
        ["NaN", "nan", "-nan", "inf", "-inf", "Infinity", "1e309", "-1e309", "1e308"]
    )


def bad_numbers(minimum: float, maximum: float) -> st.SearchStrategy[Any]:
    """NaN, infinities, huge, negative and out-of-range numbers, and non-numbers."""
    below = math.nextafter(minimum, -INF)
    above = math.nextafter(maximum, INF)
    return st.one_of(
        st.sampled_from([NAN, INF, -INF, 1e308, -1e308, 10**40, -(10**40), -1]),
        _number_words(),
        st.floats(max_value=below, allow_nan=False, allow_infinity=False),
        st.floats(min_value=above, allow_nan=False, allow_infinity=False),
        st.integers(max_value=math.ceil(minimum) - 1),
        st.integers(min_value=math.floor(maximum) + 1),
        _WORD.filter(lambda text: not _reads_as_number(text)),
        st.lists(st.integers(), min_size=1, max_size=3),
        st.dictionaries(_WORD, st.integers(), min_size=1, max_size=2),
    ).filter(lambda value: not _in_range(value, minimum, maximum))


def _reads_as_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _in_range(value: Any, minimum: float, maximum: float) -> bool:
    """Whether ``value`` is a good number after all (e.g. -1 where 0 is not the minimum)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return False
    try:
        number = float(value)
    except (OverflowError, ValueError):
        return False
    return math.isfinite(number) and minimum <= number <= maximum


def texts_with_controls(controls: str = LINE_CONTROLS) -> st.SearchStrategy[str]:
    """Return a word, a control character and a word (trimming cannot remove it)."""
    return st.builds(
        lambda head, control, tail: head + control + tail,
        _WORD,
        st.sampled_from(controls),
        _WORD,
    )


def overlong_texts() -> st.SearchStrategy[str]:
    """Printable text longer than any limit."""
    return st.builds(
        lambda piece, length: (piece * length)[:length],
        _WORD,
        st.integers(min_value=OVERLONG, max_value=4 * OVERLONG),
    )


def bad_texts(controls: str = LINE_CONTROLS) -> st.SearchStrategy[str]:
    """Text a user can type that no text field may take."""
    return st.one_of(texts_with_controls(controls), overlong_texts())


def wrong_types() -> st.SearchStrategy[Any]:
    """Values no form field produces: lists and mappings (scripts send them)."""
    return st.one_of(
        st.lists(_WORD, min_size=1, max_size=3),
        st.dictionaries(_WORD, _WORD, min_size=1, max_size=2),
    )


def bad_paths() -> st.SearchStrategy[list[Any]]:
    """Disk path lists that are not all existing folders, or hold too many."""
    return st.one_of(
        st.just([]),
        st.just(["/etc/passwd"]),
        st.just(["relative/folder"]),
        st.just(["/no/such/folder"]),
        st.lists(st.just("/"), min_size=33, max_size=40),
        st.lists(bad_texts(), min_size=1, max_size=2),
    )


def wrong_path_types() -> st.SearchStrategy[Any]:
    """Return a text or a mapping where a list of paths belongs."""
    return st.one_of(_WORD, st.dictionaries(_WORD, _WORD, min_size=1, max_size=2))


def run_property[T](
    hass: HomeAssistant,
    examples: st.SearchStrategy[T],
    check: Callable[[T], Awaitable[None]],
    max_examples: int,
) -> Awaitable[None]:
    """Check every example Hypothesis draws (in a worker thread) in the event loop."""

    @settings(
        max_examples=max_examples,
        derandomize=True,
        database=None,
        deadline=None,
        # No shrinking: the first bad value that gets through is reported as
        # drawn, and the figures count only the values the run set out to try.
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(examples)
    def run(example: T) -> None:
        asyncio.run_coroutine_threadsafe(check(example), hass.loop).result(
            EXAMPLE_TIMEOUT
        )

    return hass.async_add_executor_job(run)
