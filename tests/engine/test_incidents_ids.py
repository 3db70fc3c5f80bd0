"""Incident ids: format, per-day counter, uniqueness across days and restarts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
import json
from typing import Any

import pytest

from custom_components.health_monitor.engine.incidents.ids import (
    INCIDENT_ID_PATTERN,
    IncidentIdGenerator,
)

DAY1 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
DAY2 = DAY1 + timedelta(days=1)


def test_first_id_of_a_day_is_number_one() -> None:
    """Ids read INC-YYYYMMDD-NNNN with a zero-padded counter from 0001."""
    assert IncidentIdGenerator().next_id(DAY1) == "INC-20250301-0001"


def test_ids_count_up_within_a_day() -> None:
    """Each id of the same day takes the next number."""
    generator = IncidentIdGenerator()
    ids = [generator.next_id(DAY1 + timedelta(hours=hour)) for hour in range(3)]
    assert ids == ["INC-20250301-0001", "INC-20250301-0002", "INC-20250301-0003"]


def test_counter_restarts_on_a_new_day() -> None:
    """A new UTC day starts again at 0001, so ids stay unique by their date."""
    generator = IncidentIdGenerator()
    first = generator.next_id(DAY1)
    second = generator.next_id(DAY2)
    assert (first, second) == ("INC-20250301-0001", "INC-20250302-0001")


def test_date_is_taken_in_utc() -> None:
    """Just after local midnight east of UTC the id still carries the UTC date."""
    tokyo = timezone(timedelta(hours=9))
    local_morning = datetime(2025, 3, 2, 1, 0, tzinfo=tokyo)  # 2025-03-01 16:00 UTC
    assert IncidentIdGenerator().next_id(local_morning) == "INC-20250301-0001"


def test_counter_grows_past_four_digits() -> None:
    """After 9999 the number gets wider instead of wrapping."""
    generator = IncidentIdGenerator()
    generator.restore({"day": "20250301", "counter": 9999})
    assert generator.next_id(DAY1) == "INC-20250301-10000"


def test_generated_ids_match_the_pattern() -> None:
    """Every generated id matches the published pattern."""
    generator = IncidentIdGenerator()
    assert INCIDENT_ID_PATTERN.match(generator.next_id(DAY1))


def test_ids_stay_unique_across_export_and_restore() -> None:
    """A restored generator continues where the exported one stopped."""
    generator = IncidentIdGenerator()
    before = {generator.next_id(DAY1) for _ in range(3)}
    restored = IncidentIdGenerator()
    restored.restore(json.loads(json.dumps(generator.export())))
    assert restored.next_id(DAY1) == "INC-20250301-0004"
    assert "INC-20250301-0004" not in before


def test_account_for_skips_past_a_known_id_of_the_same_day() -> None:
    """An id seen in restored incidents is never handed out again."""
    generator = IncidentIdGenerator()
    generator.account_for("INC-20250301-0007")
    assert generator.next_id(DAY1) == "INC-20250301-0008"


def test_account_for_ignores_older_days_and_lower_numbers() -> None:
    """Only ids of the newest day at or past the counter move it."""
    generator = IncidentIdGenerator()
    generator.restore({"day": "20250301", "counter": 5})
    generator.account_for("INC-20250228-0099")
    generator.account_for("INC-20250301-0002")
    assert generator.next_id(DAY1) == "INC-20250301-0006"


def test_account_for_ignores_foreign_ids() -> None:
    """Text that is not an incident id changes nothing."""
    generator = IncidentIdGenerator()
    generator.account_for("not-an-id")
    assert generator.export() == {"day": "", "counter": 0}


@pytest.mark.parametrize(
    "data",
    [
        None,
        "20250301",
        {"day": "2025-03-01", "counter": 3},
        {"day": "20250301", "counter": -1},
        {"day": "20250301", "counter": True},
        {"day": 20250301, "counter": 3},
    ],
)
def test_restore_ignores_unreadable_counters(data: Any) -> None:
    """A broken counter is ignored rather than trusted."""
    generator = IncidentIdGenerator()
    generator.restore(data)
    assert generator.export() == {"day": "", "counter": 0}
