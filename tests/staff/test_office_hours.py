"""Office time: the help desk's clock runs Monday to Friday, 07:30-16:00 local, not on holidays."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from handlers.office_hours import OfficeHours
from tests.staff.history import JAKARTA, local

HOURS = OfficeHours(JAKARTA, holidays=frozenset({date(2026, 12, 25)}))
MIN = timedelta(minutes=1)


@pytest.mark.parametrize(
    ("start", "end", "minutes"),
    [
        (local(7, 9), local(7, 9, 30), 30),  # Monday morning, all inside
        (local(7, 7), local(7, 8), 30),  # starts before opening: counts from 07:30
        (local(7, 15, 50), local(7, 16, 30), 10),  # runs past closing
        (local(7, 18), local(7, 22), 0),  # Monday evening
        (local(11, 15, 50), local(14, 7, 40), 20),  # Friday 15:50 to Monday 07:40
        (local(12, 9), local(13, 17), 0),  # the weekend
        (local(24, 15), local(28, 8), 60 + 30),  # Thursday, Christmas Friday, the weekend
        (local(7, 9), local(8, 9), 8.5 * 60),  # one full working day later
        (local(7, 9, 30), local(7, 9), 0),  # end before start
    ],
)
def test_working_time(start: datetime, end: datetime, minutes: float) -> None:
    assert HOURS.working_time(start, end) == minutes * MIN


@pytest.mark.parametrize(
    ("start", "minutes", "due"),
    [
        (local(7, 9), 24, local(7, 9, 24)),
        (local(7, 15, 50), 24, local(8, 7, 44)),  # spills into Tuesday morning
        (local(11, 15, 50), 30, local(14, 7, 50)),  # Friday into Monday
        (local(12, 10), 24, local(14, 7, 54)),  # submitted on Saturday
        (local(24, 15, 50), 30, local(28, 7, 50)),  # across Christmas and a weekend
        (local(7, 6), 0, local(7, 7, 30)),  # before opening: the clock starts at 07:30
    ],
)
def test_add_is_the_inverse_of_working_time(start: datetime, minutes: int, due: datetime) -> None:
    assert HOURS.add(start, minutes * MIN) == due
    assert HOURS.working_time(start, due) == minutes * MIN


def test_other_days_and_hours_are_configurable() -> None:
    saturday_too = OfficeHours(JAKARTA, time(8), time(12), frozenset({1, 2, 3, 4, 5, 6}))
    assert saturday_too.working_time(local(12, 7), local(12, 13)) == 4 * 60 * MIN
    assert saturday_too.working_time(local(13, 7), local(13, 13)) == timedelta(0)


def test_impossible_hours_are_refused() -> None:
    with pytest.raises(ValueError, match="open before"):
        OfficeHours(JAKARTA, time(16), time(8))
    with pytest.raises(ValueError, match="weekday"):
        OfficeHours(JAKARTA, weekdays=frozenset({0}))
