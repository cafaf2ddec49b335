"""Reading a date as people in Indonesia type it, and as the bot itself prints it.

Day before month (`8/12/2026`, `8-12-26`, `8.12.2026`), ISO (`2026-12-08`), month names and
their abbreviations in Indonesian and English (`8 Des 2026`, `8 December 2026`,
`December 8, 2026`), an optional weekday in front (`Selasa, 8 Desember 2026`, the summary's own
format), an optional `tanggal`/`tgl`, no year (this year, or next year once the day has passed),
and `hari ini`, `besok`, `lusa`. Names come from Babel's CLDR data for both locales, plus the
spellings CLDR leaves out (`Peb`, `Agt`, `Nop`, `Jum'at`, `Ahad`...).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any, Literal

from babel.dates import get_day_names, get_month_names

from handlers.typed import normalise

LOCALES = ("id", "en")
EXTRA_MONTHS = {
    "peb": 2,
    "pebruari": 2,
    "agt": 8,
    "ags": 8,
    "sept": 9,
    "nop": 11,
    "nopember": 11,
}
EXTRA_WEEKDAYS = {
    "jum'at": 4,
    "jumaat": 4,
    "ahad": 6,
    "tues": 1,
    "weds": 2,
    "thur": 3,
    "thurs": 3,
}
RELATIVE = {
    "kemarin": -1,
    "yesterday": -1,
    "hari ini": 0,
    "today": 0,
    "besok": 1,
    "tomorrow": 1,
    "lusa": 2,
}

_PREFIX = re.compile(r"^(?:tanggal|tgl)\.?\s*", re.ASCII)
_WEEKDAY = re.compile(r"^([a-z]+(?:'[a-z]+)?)\.?(?:,\s*|\s+)(.+)$", re.ASCII)
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$", re.ASCII)
_NUMERIC = re.compile(r"^(\d{1,2})[-/.](\d{1,2})(?:[-/.](\d{2}|\d{4}))?$", re.ASCII)
_DAY_MONTH = re.compile(
    r"^(\d{1,2})(?:\s*[-/.]\s*|\s+)([a-z]+)\.?(?:(?:\s*[-/.,]\s*|\s+)(\d{2}|\d{4}))?$", re.ASCII
)
_MONTH_DAY = re.compile(r"^([a-z]+)\.?\s*(\d{1,2})(?:(?:,\s*|\s+)(\d{4}))?$", re.ASCII)


Width = Literal["wide", "abbreviated"]
Context = Literal["format", "stand-alone"]


def _cldr_names(
    table: Callable[[Width, Context, str], Any], extra: Mapping[str, int]
) -> dict[str, int]:
    names: dict[str, int] = {}
    contexts: tuple[Context, ...] = ("format", "stand-alone")
    widths: tuple[Width, ...] = ("wide", "abbreviated")
    for locale in LOCALES:
        for context in contexts:
            for width in widths:
                for number, name in table(width, context, locale).items():
                    names[normalise(name).casefold().rstrip(".")] = number
    names.update(extra)
    return names


@cache
def month_names() -> dict[str, int]:
    """Every month name and abbreviation of both locales (CLDR, through Babel), casefolded,
    without a final dot: January is 1."""
    return _cldr_names(get_month_names, EXTRA_MONTHS)


@cache
def weekday_names() -> dict[str, int]:
    """Weekday names and abbreviations of both locales (CLDR), casefolded: Monday is 0."""
    return _cldr_names(get_day_names, EXTRA_WEEKDAYS)


@dataclass(frozen=True)
class WrongWeekday:
    """The date is real but falls on another day than the weekday typed with it."""

    day: date
    weekday: str


def _year(raw: str | None, month: int, day: int, today: date | None, ahead: bool) -> int | None:
    if raw is not None:
        return int(raw) + 2000 if len(raw) == 2 else int(raw)
    if today is None:
        return None
    # Five years reach the next (or last) 29 February from any day.
    step = 1 if ahead else -1
    for year in range(today.year, today.year + 5 * step, step):
        if not _valid(year, month, day):
            continue
        candidate = date(year, month, day)
        if (candidate >= today) if ahead else (candidate <= today):
            return year
    return None


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _calendar_date(value: str, today: date | None, ahead: bool) -> date | None:
    parts: tuple[str | None, str, str] | None = None  # year, month, day as typed
    if match := _ISO.match(value):
        parts = (match[1], match[2], match[3])
    elif match := _NUMERIC.match(value):
        parts = (match[3], match[2], match[1])
    elif match := _DAY_MONTH.match(value):
        month = month_names().get(match[2])
        parts = (match[3], str(month), match[1]) if month else None
    elif match := _MONTH_DAY.match(value):
        month = month_names().get(match[1])
        parts = (match[3], str(month), match[2]) if month else None
    if parts is None:
        return None
    month, day = int(parts[1]), int(parts[2])
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    year = _year(parts[0], month, day, today, ahead)
    if year is None or not _valid(year, month, day):
        return None
    return date(year, month, day)


def read_date(
    text: str, today: date | None = None, *, ahead: bool = True
) -> date | WrongWeekday | None:
    """The date `text` names, a `WrongWeekday` when its weekday contradicts it, or None.

    `today` (the local date) resolves `besok` and dates typed without a year; without it
    those are None. A day without a year is the next one from today on (`ahead`, a start
    date), or the last one up to today (a report). Day/month order is Indonesian: `8/12` is
    the 8th of December.
    """
    value = " ".join(normalise(text).casefold().split()).rstrip(".")
    if today is not None and value in RELATIVE:
        return today + timedelta(days=RELATIVE[value])
    value = _PREFIX.sub("", value)
    weekday: tuple[str, int] | None = None
    match = _WEEKDAY.match(value)
    if match and match[1] in weekday_names():
        weekday = (match[1], weekday_names()[match[1]])
        value = _PREFIX.sub("", match[2])
    found = _calendar_date(value, today, ahead)
    if found is None:
        return None
    if weekday is not None and found.weekday() != weekday[1]:
        return WrongWeekday(found, weekday[0])
    return found


def parse_date(text: str, today: date | None = None, *, ahead: bool = True) -> date | None:
    """Like `read_date`, with a contradicting weekday read as no date at all."""
    found = read_date(text, today, ahead=ahead)
    return found if isinstance(found, date) else None
