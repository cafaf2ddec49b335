"""Validation of one form answer: the canonical value to store, or the reason it was refused.

Reasons are catalog keys (with parameters) so the dialog can say them in the applicant's language.
Every answer is normalised first (`handlers.typed`: digits of any script as ASCII, NFKC, invisible
marks removed), and the checks use ASCII classes, so the value stored is the value checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from handlers.form.dates import WrongWeekday, read_date
from handlers.form.definition import Field
from handlers.typed import normalise

MAX_INPUT = 1000
_NIK = re.compile(r"^[0-9]{16}$")
_DIGITS = re.compile(r"^[0-9]+$")
_PASSPORT = re.compile(r"^[A-Z][A-Z0-9]{5,8}$")
# A letter of any script: a word character that is no digit (of any script) and no underscore.
_NAME_CHARS = re.compile(r"^[^\W\d_]+(?:[ .'\-][^\W\d_]*)*\.?$")
_INTEGER = re.compile(r"^[0-9]{1,6}$")


@dataclass(frozen=True)
class Accepted:
    value: str


@dataclass(frozen=True)
class Rejected:
    reason: str
    params: dict[str, object] = field(default_factory=dict)


Verdict = Accepted | Rejected


@dataclass(frozen=True)
class Limits:
    today: date
    category_max_days: int
    choices: tuple[str, ...] = ()


def _clean(text: str) -> str:
    # `validate` has normalised the text (NFKC); only the inner spacing is left to fold.
    return " ".join(text.split())


def _length(value: str, spec: Field, default_min: int, default_max: int) -> Rejected | None:
    low = spec.min if spec.min is not None else default_min
    high = spec.max if isinstance(spec.max, int) else default_max
    if not low <= len(value) <= high:
        return Rejected("invalid.length", {"min": low, "max": high})
    return None


def check_name(text: str, spec: Field, _limits: Limits) -> Verdict:
    value = _clean(text)
    problem = _length(value, spec, 3, 100)
    if problem:
        return problem
    if not _NAME_CHARS.match(value):
        return Rejected("invalid.name")
    return Accepted(value)


def check_identity(text: str, _spec: Field, _limits: Limits) -> Verdict:
    compact = re.sub(r"[\s.\-]", "", text).upper()
    if _DIGITS.match(compact):
        if _NIK.match(compact) and compact[:2] != "00":
            return Accepted(compact)
        return Rejected("invalid.nik")
    if _PASSPORT.match(compact):
        return Accepted(compact)
    return Rejected("invalid.identity")


def check_text(text: str, spec: Field, _limits: Limits) -> Verdict:
    value = _clean(text)
    problem = _length(value, spec, 1, 500)
    return problem or Accepted(value)


def check_email(text: str, _spec: Field, _limits: Limits) -> Verdict:
    try:
        result = validate_email(text.strip(), check_deliverability=False)
    except EmailNotValidError:
        return Rejected("invalid.email")
    if result.ascii_email is None:
        # A non-ASCII local part needs SMTPUTF8 at every relay on the way, which
        # many (Postfix's default smtputf8_enable=no among them) do not offer; the
        # domain is fine in any script, since it is sent in its ASCII (IDNA) form.
        return Rejected("invalid.email_local_ascii")
    return Accepted(result.normalized)


def check_phone(text: str, _spec: Field, _limits: Limits) -> Verdict:
    try:
        number = phonenumbers.parse(text.strip(), "ID")
    except phonenumbers.NumberParseException:
        return Rejected("invalid.phone")
    if not phonenumbers.is_valid_number(number):
        return Rejected("invalid.phone")
    return Accepted(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def check_choice(text: str, spec: Field, limits: Limits) -> Verdict:
    value = _clean(text)
    for choice in limits.choices:
        if choice.casefold() == value.casefold():
            return Accepted(choice)
    problem = _length(value, spec, 2, 150)
    return problem or Accepted(value)


def check_date(text: str, spec: Field, limits: Limits) -> Verdict:
    parsed = read_date(text, limits.today)
    if isinstance(parsed, WrongWeekday):
        shown = f"{parsed.day.day}/{parsed.day.month}/{parsed.day.year}"
        return Rejected("invalid.date_weekday", {"weekday": parsed.weekday.title(), "date": shown})
    if parsed is None:
        return Rejected("invalid.date")
    if parsed < limits.today:
        return Rejected("invalid.date_past")
    ahead = spec.max if isinstance(spec.max, int) else 60
    if parsed > limits.today + timedelta(days=ahead):
        return Rejected("invalid.date_far", {"days": ahead})
    return Accepted(parsed.isoformat())


def check_integer(text: str, spec: Field, limits: Limits) -> Verdict:
    low = spec.min if spec.min is not None else 1
    high = limits.category_max_days if spec.max == "category" else spec.max
    assert high is None or isinstance(high, int)
    value = text.strip()
    if not _INTEGER.match(value):
        return Rejected("invalid.integer", {"min": low, "max": high if high is not None else low})
    number = int(value)
    if number < low or (high is not None and number > high):
        return Rejected("invalid.range", {"min": low, "max": high if high is not None else low})
    return Accepted(str(number))


def check_file_as_text(_text: str, _spec: Field, _limits: Limits) -> Verdict:
    return Rejected("invalid.file_expected")


CHECKS = {
    "name": check_name,
    "identity": check_identity,
    "text": check_text,
    "email": check_email,
    "phone": check_phone,
    "choice": check_choice,
    "date": check_date,
    "integer": check_integer,
    "file": check_file_as_text,
}


def validate(text: str, spec: Field, limits: Limits) -> Verdict:
    """The canonical value of `text` as the answer to `spec`, or why it is refused.

    The text is normalised first (`handlers.typed.normalise`), so `٣` and `３` are `3` and a
    pasted right-to-left mark is no part of a NIK; longer than `MAX_INPUT` characters is refused.
    """
    if len(text) > MAX_INPUT:
        return Rejected("invalid.too_long", {"max": MAX_INPUT})
    text = normalise(text)
    if not text:
        return Rejected("invalid.empty")
    return CHECKS[spec.type](text, spec, limits)
