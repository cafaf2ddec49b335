"""The form's email field: what is stored and shown, and what a relay can carry."""

from __future__ import annotations

from datetime import date

import pytest

from handlers.form.definition import Field, FormDefinition, load_form
from handlers.form.validators import Accepted, Limits, Rejected, validate

LIMITS = Limits(today=date(2026, 12, 7), category_max_days=7)


@pytest.fixture(scope="module")
def email_field() -> Field:
    form: FormDefinition = load_form(None, frozenset({"tamu", "mitra", "peserta", "lainnya"}))
    [field] = [f for f in form.fields if f.name == "email"]
    return field


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        # Shown and stored in Unicode; the sender puts the ASCII form on the wire.
        ("siti@bücherei-contoh.de", "siti@bücherei-contoh.de"),
        ("jurgen@xn--bcher-kva.example", "jurgen@bücher.example"),
        ("Siti@Example.com", "Siti@example.com"),
    ],
)
def test_international_domains_are_accepted(email_field: Field, typed: str, stored: str) -> None:
    assert validate(typed, email_field, LIMITS) == Accepted(stored)


@pytest.mark.parametrize("typed", ["siti.ü@contoh.id", "сити@contoh.id", "用户@例子.中国"])
def test_a_non_ascii_local_part_is_refused_with_its_own_reason(
    email_field: Field, typed: str
) -> None:
    assert validate(typed, email_field, LIMITS) == Rejected("invalid.email_local_ascii")


def test_a_broken_address_keeps_the_general_reason(email_field: Field) -> None:
    assert validate("siti@", email_field, LIMITS) == Rejected("invalid.email")
