"""The form as data: loaded from `form.toml` (or a file the IT centre points at) and checked."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FIELD_TYPES = frozenset(
    {"name", "identity", "text", "email", "phone", "choice", "date", "integer", "file"}
)
LANGUAGES = ("id", "en")
DEFAULT_FORM = Path(__file__).with_name("form.toml")


class FormDefinitionError(Exception):
    """The form file cannot be used; the message names the file and the field."""


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    label: dict[str, str]
    prompt: dict[str, str]
    example: dict[str, str]
    categories: frozenset[str] | None = None
    min: int | None = None
    # None, a number, or "category": the category's longest allowed stay.
    max: int | str | None = None
    # The categories that must answer; the others may skip. None: everyone must.
    required_for: frozenset[str] | None = None

    def applies_to(self, category: str) -> bool:
        return self.categories is None or category in self.categories

    def required(self, category: str) -> bool:
        return self.required_for is None or category in self.required_for


@dataclass(frozen=True)
class FormDefinition:
    fields: tuple[Field, ...]

    def for_category(self, category: str) -> list[Field]:
        return [field for field in self.fields if field.applies_to(category)]

    def get(self, name: str) -> Field | None:
        return next((field for field in self.fields if field.name == name), None)


def _texts(raw: dict[str, Any], key: str, where: str) -> dict[str, str]:
    value = raw.get(key)
    if not isinstance(value, dict) or any(
        not isinstance(value.get(lang), str) or not value[lang].strip() for lang in LANGUAGES
    ):
        raise FormDefinitionError(f"{where}: '{key}' needs non-empty texts for id and en")
    return {lang: value[lang] for lang in LANGUAGES}


# The Bot API lets a bot download files up to 20 MB (getFile); a larger letter could be sent
# by the applicant but never read.
BOT_DOWNLOAD_LIMIT_MB = 20


def _categories(
    raw: dict[str, Any], key: str, where: str, known: frozenset[str]
) -> frozenset[str] | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not set(value) <= known:
        raise FormDefinitionError(f"{where}: '{key}' must name form categories")
    return frozenset(value)


def _field(raw: Any, index: int, source: str, categories: frozenset[str]) -> Field:
    where = f"{source}: field #{index + 1}"
    if not isinstance(raw, dict):
        raise FormDefinitionError(f"{where}: must be a table")
    name = raw.get("name")
    if not isinstance(name, str) or not name.isidentifier():
        raise FormDefinitionError(f"{where}: 'name' must be an identifier")
    where = f"{source}: field '{name}'"
    kind = raw.get("type")
    if kind not in FIELD_TYPES:
        raise FormDefinitionError(f"{where}: unknown type {kind!r}")
    wanted = _categories(raw, "categories", where, categories)
    required_for = _categories(raw, "required_for", where, categories)
    low, high = raw.get("min"), raw.get("max")
    if low is not None and not isinstance(low, int):
        raise FormDefinitionError(f"{where}: 'min' must be a whole number")
    if high is not None and not (isinstance(high, int) or high == "category"):
        raise FormDefinitionError(f"{where}: 'max' must be a whole number or \"category\"")
    if isinstance(low, int) and isinstance(high, int) and low > high:
        raise FormDefinitionError(f"{where}: 'min' is larger than 'max'")
    if kind == "file" and isinstance(high, int) and high > BOT_DOWNLOAD_LIMIT_MB:
        raise FormDefinitionError(
            f"{where}: 'max' is {high} MB, but a bot may download files of at most "
            f"{BOT_DOWNLOAD_LIMIT_MB} MB (Telegram Bot API getFile)"
        )
    return Field(
        name=name,
        type=kind,
        label=_texts(raw, "label", where),
        prompt=_texts(raw, "prompt", where),
        example=_texts(raw, "example", where),
        categories=wanted,
        min=low,
        max=high,
        required_for=required_for,
    )


def load_form(path: Path | None, categories: frozenset[str]) -> FormDefinition:
    source = path or DEFAULT_FORM
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FormDefinitionError(f"{source}: file not found") from None
    except tomllib.TOMLDecodeError as error:
        raise FormDefinitionError(f"{source}: {error}") from None
    raw_fields = data.get("fields")
    if not isinstance(raw_fields, list) or not raw_fields:
        raise FormDefinitionError(f"{source}: needs at least one [[fields]] table")
    fields = tuple(_field(raw, i, str(source), categories) for i, raw in enumerate(raw_fields))
    names = [field.name for field in fields]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise FormDefinitionError(f"{source}: fields named twice: {', '.join(duplicates)}")
    for required in ("full_name", "email", "start_date", "days"):
        if required not in names:
            raise FormDefinitionError(f"{source}: the field '{required}' is required")
    return FormDefinition(fields)
