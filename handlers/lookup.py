"""Reading what staff type after a command: ticket numbers, months, days, search text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

_NUMBER = re.compile(r"^HS-(\d{4})-(\d{1,6})$", re.IGNORECASE)
_NUMBER_INSIDE = re.compile(r"\bHS-(\d{4})-(\d{1,6})\b", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_PHONE = re.compile(r"^\+?[\d\s().-]{6,}$")
MIN_SEARCH, MAX_SEARCH = 3, 100


def _normalised(match: re.Match[str] | None) -> str | None:
    return f"HS-{match[1]}-{int(match[2]):06d}" if match else None


def ticket_number(text: str) -> str | None:
    """`HS-2026-123` or `hs-2026-000123` -> `HS-2026-000123`; anything else -> None."""
    return _normalised(_NUMBER.match(text.strip()))


def ticket_number_in(text: str) -> str | None:
    """The first ticket number anywhere in `text` (for the audit of a refused command)."""
    return _normalised(_NUMBER_INSIDE.search(text))


@dataclass(frozen=True)
class Period:
    """Local days [first, last], as UTC-comparable instants [start, end)."""

    first: date
    last: date
    start: datetime
    end: datetime


def day_period(day: date, zone: tzinfo) -> Period:
    start = datetime.combine(day, time(0), tzinfo=zone)
    return Period(day, day, start, datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone))


def month_period(year: int, month: int, zone: tzinfo) -> Period:
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return Period(
        first,
        following - timedelta(days=1),
        datetime.combine(first, time(0), tzinfo=zone),
        datetime.combine(following, time(0), tzinfo=zone),
    )


def month(text: str, today: date, zone: tzinfo) -> Period | None:
    """`YYYY-MM` (or nothing: this month). None for anything else, or a month after this one."""
    text = text.strip()
    if not text:
        return month_period(today.year, today.month, zone)
    match = _MONTH.match(text)
    if not match:
        return None
    year, number = int(match[1]), int(match[2])
    if not 1 <= number <= 12 or year < 2000 or (year, number) > (today.year, today.month):
        return None
    return month_period(year, number, zone)


def day(text: str, today: date) -> date | None:
    """`YYYY-MM-DD` up to today (or nothing: yesterday). None for anything else."""
    text = text.strip()
    if not text:
        return today - timedelta(days=1)
    match = _DAY.match(text)
    if not match:
        return None
    try:
        value = date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
    return value if date(2000, 1, 1) <= value <= today else None


@dataclass(frozen=True)
class Search:
    text: str
    # Digits of a phone number as stored (E.164 without the plus), when the text looks like one.
    phone_digits: str | None


def search(text: str) -> Search | None:
    text = " ".join(text.split())
    if not MIN_SEARCH <= len(text) <= MAX_SEARCH:
        return None
    digits = None
    if _PHONE.match(text):
        digits = re.sub(r"\D", "", text)
        # A local Indonesian number (0812...) is stored as +62812...
        if digits.startswith("0"):
            digits = "62" + digits[1:]
    return Search(text, digits)
