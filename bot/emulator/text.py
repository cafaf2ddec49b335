"""Text measurements and the entities Telegram adds to what users type.

Telegram counts entity offsets and lengths in UTF-16 code units, so an emoji before a
command shifts it by two, not one; everything here measures that way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

Entity = dict[str, Any]

# Telegram trims these from both ends of a message after parsing its markup.
_TRIMMED = " \t\r\n\v\f"

_COMMAND = re.compile(r"(?<![\w/@])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])")
_MENTION = re.compile(r"(?<![\w@/])@[A-Za-z0-9_]{4,32}(?![\w@])")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
_URL = re.compile(r"\bhttps?://[^\s<>\"]+")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class FormattedText:
    """Text as Telegram stores it: plain characters plus entities over them."""

    text: str
    entities: tuple[Entity, ...] = ()

    def entities_json(self) -> list[Entity]:
        return [dict(entity) for entity in self.entities]


def trim(formatted: FormattedText) -> FormattedText:
    """Strip surrounding whitespace the way Telegram does, keeping entities aligned."""
    text = formatted.text
    stripped_left = text.lstrip(_TRIMMED)
    shift = utf16_len(text) - utf16_len(stripped_left)
    result = stripped_left.rstrip(_TRIMMED)
    limit = utf16_len(result)
    entities: list[Entity] = []
    for entity in formatted.entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, limit)
        if end > start:
            entities.append({**entity, "offset": start, "length": end - start})
    return FormattedText(result, tuple(entities))


def sort_entities(entities: list[Entity]) -> list[Entity]:
    return sorted(entities, key=lambda e: (e["offset"], -e["length"], e["type"]))


def detect_entities(text: str) -> list[Entity]:
    """The automatic entities of a typed message: commands, mentions, e-mails and URLs."""
    found: list[tuple[int, int, Entity]] = []
    for kind, pattern in (
        ("bot_command", _COMMAND),
        ("url", _URL),
        ("email", _EMAIL),
        ("mention", _MENTION),
    ):
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < taken_end and end > taken_start for taken_start, taken_end, _ in found):
                continue
            offset = utf16_len(text[:start])
            entity: Entity = {
                "type": kind,
                "offset": offset,
                "length": utf16_len(match.group()),
            }
            found.append((start, end, entity))
    return sort_entities([entity for _, _, entity in found])
