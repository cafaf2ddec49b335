"""The start date as Indonesians type it, and as the bot itself prints it."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from babel.dates import format_date

from handlers.form.dates import parse_date
from handlers.form.definition import FormDefinition, load_form
from handlers.form.validators import Accepted, Limits, Rejected, validate

TODAY = date(2026, 12, 7)  # a Monday
FORM_CATEGORIES = frozenset({"tamu", "mitra", "peserta", "lainnya"})


@pytest.fixture(scope="module")
def form() -> FormDefinition:
    return load_form(None, FORM_CATEGORIES)


def test_the_date_exactly_as_the_summary_shows_it_is_accepted(form: FormDefinition) -> None:
    spec = form.get("start_date")
    assert spec is not None
    limits = Limits(today=TODAY, category_max_days=7)
    assert validate("Selasa, 8 Desember 2026", spec, limits) == Accepted("2026-12-08")


@pytest.mark.parametrize(
    "typed",
    [
        "Selasa, 8 Desember 2026",
        "selasa 8 desember 2026",
        "Sel, 8 Des 2026",
        "Sel. 8 Des. 2026",
        "Tuesday, 8 December 2026",
        "Tue, 8 Dec 2026",
        "Tues 8 Dec 2026",
        "December 8, 2026",
        "Dec 8 2026",
        "Tuesday, December 8, 2026",
        "8 Desember 2026",
        "8 Des 2026",
        "08 des 26",
        "8-Des-2026",
        "8-12-2026",
        "8.12.2026",
        "08/12/26",
        "8/12/2026",
        "8/12",
        "8-12",
        "8 Des",
        "8 desember",
        "2026-12-08",
        "2026/12/08",
        "tanggal 8 Desember 2026",
        "tgl. 8 des",
        "Tgl 8/12/2026",
        "besok",
        "Besok",
        "tomorrow",
        "  8  Des  2026 ",
    ],
)
def test_spellings_of_the_eighth(typed: str) -> None:
    assert parse_date(typed, TODAY) == date(2026, 12, 8)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("hari ini", TODAY),
        ("Hari Ini", TODAY),
        ("today", TODAY),
        ("lusa", TODAY + timedelta(days=2)),
        ("Senin, 7 Des 2026", TODAY),
        ("Sen 7/12/2026", TODAY),
        ("Rabu, 9 Des", date(2026, 12, 9)),
        ("Rab 9 Des", date(2026, 12, 9)),
        ("Kamis, 10 Des", date(2026, 12, 10)),
        ("Kam 10 Des", date(2026, 12, 10)),
        ("Jumat, 11 Des", date(2026, 12, 11)),
        ("Jum'at, 11 Des", date(2026, 12, 11)),
        ("Jum\u2019at 11 Des", date(2026, 12, 11)),
        ("Jum 11 Des", date(2026, 12, 11)),
        ("Sabtu, 12 Des", date(2026, 12, 12)),
        ("Sab 12 Des", date(2026, 12, 12)),
        ("Minggu, 13 Des", date(2026, 12, 13)),
        ("Min 13 Des", date(2026, 12, 13)),
        ("Ahad, 13 Des", date(2026, 12, 13)),
        ("Sunday 13 Dec", date(2026, 12, 13)),
        ("Thu, 10 Dec", date(2026, 12, 10)),
        # Without a year: this year, or the next one when the day has passed.
        ("1/12", date(2027, 12, 1)),
        ("6 Des", date(2027, 12, 6)),
        ("5 Jan", date(2027, 1, 5)),
        ("31/12", date(2026, 12, 31)),
    ],
)
def test_weekdays_relative_days_and_years_left_out(typed: str, expected: date) -> None:
    assert parse_date(typed, TODAY) == expected


@pytest.mark.parametrize(
    ("typed", "month"),
    [
        ("1 Januari 2027", 1),
        ("1 Jan 2027", 1),
        ("1 Februari 2027", 2),
        ("1 Pebruari 2027", 2),
        ("1 Feb 2027", 2),
        ("1 Peb 2027", 2),
        ("1 Maret 2027", 3),
        ("1 Mar 2027", 3),
        ("1 April 2027", 4),
        ("1 Apr 2027", 4),
        ("1 Mei 2027", 5),
        ("1 May 2027", 5),
        ("1 Juni 2027", 6),
        ("1 Jun 2027", 6),
        ("1 Juli 2027", 7),
        ("1 Jul 2027", 7),
        ("1 Agustus 2027", 8),
        ("1 Agu 2027", 8),
        ("1 Agt 2027", 8),
        ("1 Ags 2027", 8),
        ("1 Aug 2027", 8),
        ("1 September 2027", 9),
        ("1 Sep 2027", 9),
        ("1 Sept 2027", 9),
        ("1 Oktober 2027", 10),
        ("1 Okt 2027", 10),
        ("1 Oct 2027", 10),
        ("1 November 2027", 11),
        ("1 Nov 2027", 11),
        ("1 Nop 2027", 11),
        ("1 Nopember 2027", 11),
        ("1 Desember 2027", 12),
        ("1 Des 2027", 12),
        ("1 Dec 2027", 12),
    ],
)
def test_month_names_and_abbreviations(typed: str, month: int) -> None:
    assert parse_date(typed, TODAY) == date(2027, month, 1)


@pytest.mark.parametrize(
    "typed",
    [
        "besok lusa",
        "31/2/2026",
        "8/13/2026",
        "13/2026",
        "Smarch 8",
        "8 Smarch 2026",
        "Selasa",
        "8",
        "",
    ],
)
def test_not_dates(typed: str) -> None:
    assert parse_date(typed, TODAY) is None


def test_a_weekday_that_does_not_fit_the_date_is_refused(form: FormDefinition) -> None:
    spec = form.get("start_date")
    assert spec is not None
    verdict = validate("Senin, 8 Desember 2026", spec, Limits(today=TODAY, category_max_days=7))
    assert isinstance(verdict, Rejected) and verdict.reason == "invalid.date_weekday"


@pytest.mark.parametrize("language", ["id", "en"])
def test_every_date_the_bot_prints_is_read_back(language: str) -> None:
    for offset in range(0, 400, 7):
        day = TODAY + timedelta(days=offset)
        for pattern in ("EEEE, d MMMM yyyy", "d MMM yyyy", "d MMMM yyyy", "EEE, d MMM yyyy"):
            shown = format_date(day, pattern, locale=language)
            assert parse_date(shown, TODAY) == day, shown


@pytest.mark.parametrize("language", ["id", "en"])
def test_every_example_the_questions_show_is_accepted(form: FormDefinition, language: str) -> None:
    limits = Limits(today=TODAY, category_max_days=7, choices=("PTIPD",))
    for field in form.fields:
        if field.type == "file":
            continue
        for example in re.split(r" atau | or ", field.example[language]):
            verdict = validate(example, field, limits)
            assert isinstance(verdict, Accepted), (field.name, example, verdict)
