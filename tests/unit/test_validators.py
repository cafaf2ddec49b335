from __future__ import annotations

from datetime import date

import pytest

from handlers.form.dates import parse_date
from handlers.form.definition import FormDefinition, load_form
from handlers.form.validators import Accepted, Limits, Rejected, validate

FORM_CATEGORIES = frozenset({"tamu", "mitra", "peserta", "lainnya"})
LIMITS = Limits(today=date(2026, 12, 7), category_max_days=7, choices=("PTIPD", "Rektorat"))


@pytest.fixture(scope="module")
def form() -> FormDefinition:
    return load_form(None, FORM_CATEGORIES)


@pytest.mark.parametrize(
    ("field", "text", "stored"),
    [
        ("full_name", "  Siti   Aminah ", "Siti Aminah"),
        ("full_name", "Muh. O'Brien-Smith", "Muh. O'Brien-Smith"),
        ("full_name", "Zoë Ñúñez", "Zoë Ñúñez"),
        ("id_number", "3507 1234 5678 0001", "3507123456780001"),
        ("id_number", "a1234567", "A1234567"),
        ("institution", "Universitas Brawijaya", "Universitas Brawijaya"),
        ("email", "Siti@Example.com", "Siti@example.com"),
        ("phone", "0812-3456-7890", "+6281234567890"),
        ("phone", "+49 30 901820", "+4930901820"),
        ("purpose", "Narasumber seminar nasional", "Narasumber seminar nasional"),
        ("host_unit", "ptipd", "PTIPD"),
        ("host_unit", "Lab Jaringan", "Lab Jaringan"),
        ("start_date", "7/12/2026", "2026-12-07"),
        ("start_date", "8 Desember 2026", "2026-12-08"),
        ("start_date", "9 Des 2026", "2026-12-09"),
        ("start_date", "10 December 2026", "2026-12-10"),
        ("start_date", "2026-12-11", "2026-12-11"),
        ("days", "7", "7"),
        ("devices", "3", "3"),
    ],
)
def test_good_answers_are_stored_canonically(
    form: FormDefinition, field: str, text: str, stored: str
) -> None:
    spec = form.get(field)
    assert spec is not None
    assert validate(text, spec, LIMITS) == Accepted(stored)


@pytest.mark.parametrize(
    ("field", "text", "reason"),
    [
        ("full_name", "", "invalid.empty"),
        ("full_name", "   ", "invalid.empty"),
        ("full_name", "Al", "invalid.length"),
        ("full_name", "R2D2", "invalid.name"),
        ("full_name", "<b>Budi</b>", "invalid.name"),
        ("full_name", "Budi 😀", "invalid.name"),
        ("full_name", "x" * 5000, "invalid.too_long"),
        ("id_number", "12345", "invalid.nik"),
        ("id_number", "0012345678901234", "invalid.nik"),
        ("id_number", "!!", "invalid.identity"),
        ("email", "not-an-email", "invalid.email"),
        ("email", "a@b", "invalid.email"),
        ("phone", "12", "invalid.phone"),
        ("phone", "halo", "invalid.phone"),
        ("purpose", "short", "invalid.length"),
        ("start_date", "besok lusa", "invalid.date"),
        ("start_date", "31/2/2026", "invalid.date"),
        ("start_date", "1/12/2026", "invalid.date_past"),
        ("start_date", "1/6/2027", "invalid.date_far"),
        ("days", "8", "invalid.range"),
        ("days", "0", "invalid.range"),
        ("days", "tiga", "invalid.integer"),
        ("devices", "4", "invalid.range"),
    ],
)
def test_bad_answers_get_a_reason(form: FormDefinition, field: str, text: str, reason: str) -> None:
    spec = form.get(field)
    assert spec is not None
    verdict = validate(text, spec, LIMITS)
    assert isinstance(verdict, Rejected)
    assert verdict.reason == reason


def test_month_names_in_both_languages() -> None:
    assert parse_date("1 Agustus 2027") == date(2027, 8, 1)
    assert parse_date("1 August 2027") == date(2027, 8, 1)
    assert parse_date("1 Agt 2027") == date(2027, 8, 1)
    assert parse_date("1 Smarch 2027") is None
