"""Digits and letters from other scripts: read as the ASCII they stand for, checked as ASCII."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest

from handlers import lookup
from handlers.form.definition import FormDefinition, load_form
from handlers.form.validators import Accepted, Limits, Rejected, validate

FORM_CATEGORIES = frozenset({"tamu", "mitra", "peserta", "lainnya"})
LIMITS = Limits(today=date(2026, 12, 7), category_max_days=7, choices=("PTIPD", "Rektorat"))

ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"
PERSIAN = "۰۱۲۳۴۵۶۷۸۹"
DEVANAGARI = "०१२३४५६७८९"
FULLWIDTH = "０１２３４５６７８９"
SCRIPTS = {
    "arabic-indic": ARABIC_INDIC,
    "persian": PERSIAN,
    "devanagari": DEVANAGARI,
    "fullwidth": FULLWIDTH,
}


def spell(ascii_digits: str, script: str) -> str:
    digits = SCRIPTS[script]
    return "".join(digits[int(c)] if c.isascii() and c.isdigit() else c for c in ascii_digits)


@pytest.fixture(scope="module")
def form() -> FormDefinition:
    return load_form(None, FORM_CATEGORIES)


def check(form: FormDefinition, field: str, text: str) -> Accepted | Rejected:
    spec = form.get(field)
    assert spec is not None
    return validate(text, spec, LIMITS)


def test_sixteen_arabic_indic_zeros_are_refused_like_ascii_zeros(form: FormDefinition) -> None:
    assert check(form, "id_number", "0" * 16) == Rejected("invalid.nik")
    assert check(form, "id_number", "٠" * 16) == Rejected("invalid.nik")


@pytest.mark.parametrize("script", sorted(SCRIPTS))
@pytest.mark.parametrize(
    ("field", "typed", "stored"),
    [
        ("id_number", "3507123456780001", "3507123456780001"),
        ("id_number", "3507 1234 5678 0001", "3507123456780001"),
        ("phone", "0812-3456-7890", "+6281234567890"),
        ("start_date", "8/12/2026", "2026-12-08"),
        ("start_date", "8 Desember 2026", "2026-12-08"),
        ("start_date", "2026-12-09", "2026-12-09"),
        ("days", "3", "3"),
        ("devices", "2", "2"),
        ("institution", "SMA Negeri 1 Malang", "SMA Negeri 1 Malang"),
    ],
)
def test_digits_of_any_script_are_stored_as_ascii(
    form: FormDefinition, script: str, field: str, typed: str, stored: str
) -> None:
    assert check(form, field, spell(typed, script)) == Accepted(stored)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Ａ１２３４５６７", "A1234567"),
        ("ａ１２３４５６７", "A1234567"),
        ("A１٢३۴5６7", "A1234567"),
        ("\u200f3507123456780001\u200e", "3507123456780001"),
        ("3507\u200b1234\u200c5678\u20600001\ufeff", "3507123456780001"),
        ("\u202b3507123456780001\u202c", "3507123456780001"),
        ("3507\u00a01234\u30005678 0001", "3507123456780001"),
    ],
)
def test_passports_in_fullwidth_and_invisible_marks(
    form: FormDefinition, typed: str, stored: str
) -> None:
    assert check(form, "id_number", typed) == Accepted(stored)


@pytest.mark.parametrize(
    ("field", "typed", "reason"),
    [
        ("days", "٨", "invalid.range"),
        ("days", "⁸", "invalid.range"),
        ("devices", "٤", "invalid.range"),
        ("days", "½", "invalid.integer"),
        ("id_number", "٠٠١٢٣٤٥٦٧٨٩٠١٢٣٤", "invalid.nik"),
        ("full_name", "Siti ٣", "invalid.name"),
        ("full_name", "\u200f\u200e", "invalid.empty"),
    ],
)
def test_other_scripts_are_checked_by_the_same_rules(
    form: FormDefinition, field: str, typed: str, reason: str
) -> None:
    verdict = check(form, field, typed)
    assert isinstance(verdict, Rejected) and verdict.reason == reason


def test_names_keep_their_letters_and_fold_typographic_apostrophes(form: FormDefinition) -> None:
    assert check(form, "full_name", "Muh. O\u2019Brien") == Accepted("Muh. O'Brien")
    assert check(form, "full_name", "\u200fZoë Ñúñez") == Accepted("Zoë Ñúñez")
    assert check(form, "full_name", "Ｓｉｔｉ Ａｍｉｎａｈ") == Accepted("Siti Aminah")


def test_normalise_trims_and_folds() -> None:
    from handlers.typed import normalise

    assert normalise("  \u200f٣٥\u200b  ") == "35"
    assert normalise("Ｈ Ｓ－２０２６") == "H S-2026"


def test_command_arguments_in_other_scripts() -> None:
    zone = ZoneInfo("Asia/Jakarta")
    today = date(2026, 12, 7)
    assert lookup.ticket_number("HS-٢٠٢٦-١٢٣") == "HS-2026-000123"
    assert lookup.ticket_number("ＨＳ－２０２６－０００１２３") == "HS-2026-000123"
    assert lookup.ticket_number_in("/tiket hs-۲۰۲۶-۱۲۳") == "HS-2026-000123"
    month = lookup.month("٢٠٢٦-١١", today, zone)
    assert month is not None and month.first == date(2026, 11, 1)
    assert lookup.day("२०२६-१२-०६", today) == date(2026, 12, 6)
    search = lookup.search("٠٨١٢ ٣٤٥٦ ٧٨٩٠")
    assert search is not None and search.phone_digits == "6281234567890"
    assert search.text == "0812 3456 7890"


def test_report_arguments_take_what_the_bot_prints() -> None:
    zone = ZoneInfo("Asia/Jakarta")
    today = date(2026, 12, 7)
    for typed in ("Desember 2026", "Des 2026", "december 2026", "12/2026", "2026-12"):
        period = lookup.month(typed, today, zone)
        assert period is not None and period.first == date(2026, 12, 1), typed
    assert lookup.month("Januari 2027", today, zone) is None
    assert lookup.day("Minggu, 6 Desember 2026", today) == date(2026, 12, 6)
    assert lookup.day("6/12", today) == date(2026, 12, 6)
    assert lookup.day("8/12", today) == date(2025, 12, 8)
    assert lookup.day("hari ini", today) == today
    assert lookup.day("besok", today) is None
    assert lookup.day("kemarin", today) == date(2026, 12, 6)
    assert lookup.day("7/12/2026", today) == today
