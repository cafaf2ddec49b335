"""Message catalogs: every text a user reads, in Bahasa Indonesia and English.

Texts are Telegram HTML. Parameters are escaped here, so a name or an answer typed by a user
can never inject markup; a parameter that is already markup is passed wrapped in `Markup`.
"""

from __future__ import annotations

import html
import re
import string
import tomllib
from datetime import date, datetime
from pathlib import Path
from typing import Any

from babel.dates import format_date, format_datetime

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"
CATALOG_DIR = Path(__file__).parent


class Markup(str):
    """A string that is already safe HTML (built from the catalog itself)."""


def escape(value: object) -> str:
    if isinstance(value, Markup):
        return str(value)
    return html.escape(str(value), quote=False)


_TAG = re.compile(r"<[^>]+>")


def plain(text: str) -> str:
    """Catalog HTML as plain text, for places that show no markup (button toasts)."""
    return html.unescape(_TAG.sub("", text))


def _flatten(prefix: str, table: dict[str, Any], out: dict[str, str]) -> None:
    for key, value in table.items():
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            _flatten(name, value, out)
        else:
            out[name] = str(value)


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


class Catalog:
    def __init__(self, texts: dict[str, dict[str, str]]) -> None:
        self.texts = texts

    @classmethod
    def load(cls, directory: Path = CATALOG_DIR) -> Catalog:
        """Every `<language>/*.toml` file; one file per part of the product."""
        texts: dict[str, dict[str, str]] = {}
        for language in LANGUAGES:
            flat: dict[str, str] = {}
            for path in sorted((directory / language).glob("*.toml")):
                part: dict[str, str] = {}
                with path.open("rb") as handle:
                    _flatten("", tomllib.load(handle), part)
                clash = set(part) & set(flat)
                if clash:
                    raise ValueError(f"{path}: keys defined twice: {sorted(clash)[:5]}")
                flat.update(part)
            texts[language] = flat
        return cls(texts)

    def language(self, code: str | None) -> str:
        return code if code in LANGUAGES else DEFAULT_LANGUAGE

    def has(self, key: str) -> bool:
        return key in self.texts[DEFAULT_LANGUAGE]

    def t(self, language: str, key: str, **params: object) -> str:
        table = self.texts[self.language(language)]
        template = table.get(key) or self.texts[DEFAULT_LANGUAGE][key]
        return template.format(**{name: escape(value) for name, value in params.items()})

    def long_date(self, language: str, value: date) -> str:
        return format_date(value, "EEEE, d MMMM yyyy", locale=self.language(language))

    def short_date(self, language: str, value: date) -> str:
        return format_date(value, "d MMM yyyy", locale=self.language(language))

    def moment(self, language: str, value: datetime, zone: Any) -> str:
        return format_datetime(
            value, "d MMM yyyy, HH:mm", tzinfo=zone, locale=self.language(language)
        )
