"""Office hours: the help desk's clock runs only on working days, inside working hours.

A request sent on Friday evening is not late on Saturday; its clock starts on Monday morning.
All arithmetic is done on local wall-clock days in the configured zone, so a holiday or a
weekend is skipped as a whole day whatever the UTC offset.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo

# ISO weekdays: Monday is 1, Sunday is 7.
MONDAY_TO_FRIDAY = frozenset({1, 2, 3, 4, 5})


@dataclass(frozen=True)
class OfficeHours:
    zone: tzinfo
    opens: time = time(7, 30)
    closes: time = time(16, 0)
    weekdays: frozenset[int] = MONDAY_TO_FRIDAY
    holidays: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if self.opens >= self.closes:
            raise ValueError("office hours must open before they close")
        if not self.weekdays or not self.weekdays <= set(range(1, 8)):
            raise ValueError("office weekdays must be ISO weekday numbers 1-7")

    def is_working_day(self, day: date) -> bool:
        return day.isoweekday() in self.weekdays and day not in self.holidays

    def _window(self, day: date) -> tuple[datetime, datetime]:
        return (
            datetime.combine(day, self.opens, tzinfo=self.zone),
            datetime.combine(day, self.closes, tzinfo=self.zone),
        )

    def _days(self, start: datetime, end: datetime) -> Iterator[date]:
        day = start.astimezone(self.zone).date()
        last = end.astimezone(self.zone).date()
        while day <= last:
            yield day
            day += timedelta(days=1)

    def working_time(self, start: datetime, end: datetime) -> timedelta:
        """Office time between two instants (zero when `end` is not after `start`)."""
        if end <= start:
            return timedelta(0)
        total = timedelta(0)
        for day in self._days(start, end):
            if not self.is_working_day(day):
                continue
            opens, closes = self._window(day)
            low, high = max(start, opens), min(end, closes)
            if high > low:
                total += high - low
        return total

    def add(self, start: datetime, amount: timedelta) -> datetime:
        """The instant at which `amount` of office time has passed since `start`."""
        left = amount
        day = start.astimezone(self.zone).date()
        # A year without a single working day is a configuration error, not a loop forever.
        for _ in range(366 * 2):
            if self.is_working_day(day):
                opens, closes = self._window(day)
                low = max(start, opens)
                if low < closes:
                    if low + left <= closes:
                        return (low + left).astimezone(UTC)
                    left -= closes - low
            day += timedelta(days=1)
        raise ValueError("no office time found within two years")
