"""Button layouts. Button data is a short opaque reference: verb, ticket id, argument.

Whatever it says is checked again against the database when it is pressed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.dialog.events import Button, Keyboard
from bot.texts.catalog import Catalog
from handlers.form.definition import Field

MAX_DATA = 64
_VERB = re.compile(r"^[a-z]{1,2}$", re.IGNORECASE | re.ASCII)
_ID = re.compile(r"^[0-9]{1,12}$")


@dataclass(frozen=True)
class Press:
    verb: str
    ticket_id: int | None
    arg: str

    @classmethod
    def parse(cls, data: str | None) -> Press | None:
        if not data or len(data.encode()) > MAX_DATA:
            return None
        verb, _, rest = data.partition(":")
        number, _, arg = rest.partition(":")
        # Data can be forged by a modified client: ASCII letters and digits only, as we write it.
        if not _VERB.match(verb):
            return None
        if not number:
            return cls(verb, None, arg)
        if not _ID.match(number):
            return cls(verb, None, rest) if verb == "l" else None
        return cls(verb, int(number), arg)


def data(verb: str, ticket_id: int | None = None, arg: str = "") -> str:
    parts = [verb, *([str(ticket_id)] if ticket_id is not None else []), *([arg] if arg else [])]
    text = ":".join(parts)
    assert len(text.encode()) <= MAX_DATA
    return text


def rows(buttons: Sequence[Button], width: int) -> Keyboard:
    return tuple(tuple(buttons[i : i + width]) for i in range(0, len(buttons), width))


def categories(texts: Catalog, language: str, ticket_id: int, codes: Sequence[str]) -> Keyboard:
    return rows(
        [
            Button(texts.t(language, f"category.{code}"), data("k", ticket_id, code))
            for code in codes
        ],
        2,
    )


def language_choice(texts: Catalog) -> Keyboard:
    return (
        (Button(texts.t("id", "lang.name"), "l:id"), Button(texts.t("en", "lang.name"), "l:en")),
    )


def field_options(
    texts: Catalog,
    language: str,
    ticket_id: int,
    field: Field,
    choices: Sequence[str],
    max_number: int | None,
) -> list[Button]:
    def option(label: str, value: str) -> Button:
        return Button(label, data("o", ticket_id, f"{field.name}:{value}"))

    if field.type == "choice":
        return [option(choice, str(index)) for index, choice in enumerate(choices)]
    if field.type == "date":
        return [
            option(texts.t(language, "form.today"), "0"),
            option(texts.t(language, "form.tomorrow"), "1"),
        ]
    if field.type == "file":
        return []
    if field.type == "integer" and max_number is not None:
        return [option(str(n), str(n)) for n in range(1, min(max_number, 7) + 1)]
    return []


def skip(texts: Catalog, language: str, ticket_id: int, field_name: str) -> Button:
    return Button(texts.t(language, "form.skip"), data("sk", ticket_id, field_name))


def navigation(
    texts: Catalog, language: str, ticket_id: int, *, editing: bool, first: bool
) -> list[Button]:
    if editing:
        return [Button(texts.t(language, "form.to_summary"), data("b", ticket_id, "summary"))]
    if first:
        return []
    return [Button(texts.t(language, "form.back"), data("b", ticket_id))]


def summary(texts: Catalog, language: str, ticket_id: int) -> Keyboard:
    return (
        (Button(texts.t(language, "form.submit"), data("s", ticket_id)),),
        (
            Button(texts.t(language, "form.edit"), data("e", ticket_id)),
            Button(texts.t(language, "form.cancel"), data("q", ticket_id)),
        ),
    )


def edit_menu(texts: Catalog, language: str, ticket_id: int, fields: Sequence[Field]) -> Keyboard:
    buttons = [Button(field.label[language], data("f", ticket_id, field.name)) for field in fields]
    return (
        *rows(buttons, 2),
        (Button(texts.t(language, "form.to_summary"), data("b", ticket_id, "summary")),),
    )


def confirm_cancel(texts: Catalog, language: str, ticket_id: int) -> Keyboard:
    return (
        (
            Button(texts.t(language, "cancel.yes"), data("y", ticket_id)),
            Button(texts.t(language, "cancel.no"), data("n", ticket_id)),
        ),
    )
