"""Reading what staff type after a command: ticket numbers, months, days, search text.

Arguments are normalised first (`handlers.typed`: digits of any script as ASCII, fullwidth
forms folded, invisible marks removed) and matched with ASCII classes only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from handlers.form.dates import month_names, parse_date
from handlers.typed import normalise

_NUMBER = re.compile(r"^HS-(\d{4})-(\d{1,6})$", re.IGNORECASE | re.ASCII)
_NUMBER_INSIDE = re.compile(r"\bHS-(\d{4})-(\d{1,6})\b", re.IGNORECASE | re.ASCII)
# `2026-12`, `12/2026`, `12-2026`, and the month as the bot prints it: `Desember 2026`, `Des 2026`.
_MONTH = re.compile(r"^(\d{4})[-/.](\d{1,2})$", re.ASCII)
_MONTH_YEAR = re.compile(r"^(\d{1,2})[-/.](\d{4})$", re.ASCII)
_NAMED_MONTH = re.compile(r"^([a-z]+)\.?,?\s+(\d{4})$", re.ASCII)
_PHONE = re.compile(r"^\+?[\d\s().-]{6,}$", re.ASCII)
MIN_SEARCH, MAX_SEARCH = 3, 100


def _normalised(match: re.Match[str] | None) -> str | None:
    return f"HS-{match[1]}-{int(match[2]):06d}" if match else None


def ticket_number(text: str) -> str | None:
    """`HS-2026-123` or `hs-2026-000123` -> `HS-2026-000123`; anything else -> None."""
    return _normalised(_NUMBER.match(normalise(text)))


def ticket_number_in(text: str) -> str | None:
    """The first ticket number anywhere in `text` (for the audit of a refused command)."""
    return _normalised(_NUMBER_INSIDE.search(normalise(text)))


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


def _year_month(text: str) -> tuple[int, int] | None:
    if match := _MONTH.match(text):
        return int(match[1]), int(match[2])
    if match := _MONTH_YEAR.match(text):
        return int(match[2]), int(match[1])
    if (match := _NAMED_MONTH.match(text.casefold())) and match[1] in month_names():
        return int(match[2]), month_names()[match[1]]
    return None


def month(text: str, today: date, zone: tzinfo) -> Period | None:
    """`YYYY-MM`, `MM/YYYY` or `Desember 2026` / `Dec 2026` (nothing: this month). None for
    anything else, or a month after this one."""
    text = " ".join(normalise(text).split())
    if not text:
        return month_period(today.year, today.month, zone)
    found = _year_month(text)
    if found is None:
        return None
    year, number = found
    if not 1 <= number <= 12 or year < 2000 or (year, number) > (today.year, today.month):
        return None
    return month_period(year, number, zone)


def day(text: str, today: date) -> date | None:
    """A day up to today (nothing: yesterday), typed as the form's start date may be:
    `YYYY-MM-DD`, `6/12/2026`, `Minggu, 6 Desember 2026`, `hari ini`... None for anything
    else, or a day after today. A day typed without a year is this year's, or last year's
    when this year's is still ahead."""
    text = normalise(text)
    if not text:
        return today - timedelta(days=1)
    value = parse_date(text, today, ahead=False)
    if value is None:
        return None
    return value if date(2000, 1, 1) <= value <= today else None


@dataclass(frozen=True)
class Search:
    text: str
    # Digits of a phone number as stored (E.164 without the plus), when the text looks like one.
    phone_digits: str | None


def search(text: str) -> Search | None:
    """The search text (normalised, inner spaces single) and, when it looks like a phone
    number, its digits as stored. None unless it is `MIN_SEARCH` to `MAX_SEARCH` long."""
    text = " ".join(normalise(text).split())
    if not MIN_SEARCH <= len(text) <= MAX_SEARCH:
        return None
    digits = None
    if _PHONE.match(text):
        digits = re.sub(r"[^0-9]", "", text)
        # A local Indonesian number (0812...) is stored as +62812...
        if digits.startswith("0"):
            digits = "62" + digits[1:]
    return Search(text, digits)
