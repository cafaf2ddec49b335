"""Reply markup: validated as Telegram does, and flattened into buttons for the tests."""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from bot.emulator.errors import (
    BUTTON_DATA_INVALID,
    CANT_PARSE_BUTTON,
    CANT_PARSE_MARKUP,
    REPLY_MARKUP_TOO_LONG,
    bad_request,
)

Markup = dict[str, Any]

_MAX_BUTTONS = 100
_MAX_CALLBACK_BYTES = 64
_ACTIONS = (
    "callback_data",
    "url",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "callback_game",
    "pay",
    "web_app",
    "copy_text",
)
_URL_SCHEMES = ("http://", "https://", "tg://")


class Button(NamedTuple):
    """One inline button: its label and its callback data or URL.

    A plain tuple compares equal, so tests can write ``[[("Ya", "yes")]]``.
    """

    text: str
    data: str | None


def parse_reply_markup(raw: object) -> Markup | None:
    """Decode and check the structure of a ``reply_markup`` parameter.

    An empty inline keyboard means "no keyboard", as in Telegram. Callback data sizes are
    checked separately (``check_callback_data``) because Telegram reports them only after
    the chat has been resolved.
    """
    if raw is None or raw == "":
        return None
    value: object = raw
    if isinstance(raw, str):
        try:
            value = json.loads(raw)
        except ValueError as exc:
            raise bad_request(CANT_PARSE_MARKUP) from exc
    if not isinstance(value, dict):
        raise bad_request(CANT_PARSE_MARKUP)
    if "inline_keyboard" in value:
        return _inline_keyboard(value["inline_keyboard"])
    if any(key in value for key in ("keyboard", "remove_keyboard", "force_reply")):
        return dict(value)
    raise bad_request(CANT_PARSE_MARKUP)


def _inline_keyboard(rows: object) -> Markup | None:
    if not isinstance(rows, list):
        raise bad_request(
            'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup must be an Array'
        )
    clean_rows: list[list[dict[str, Any]]] = []
    count = 0
    for row in rows:
        if not isinstance(row, list):
            raise bad_request(
                'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup '
                "must be an Array of Arrays"
            )
        clean_row: list[dict[str, Any]] = []
        for button in row:
            clean_row.append(_button(button))
            count += 1
        if clean_row:
            clean_rows.append(clean_row)
    if count > _MAX_BUTTONS:
        raise bad_request(REPLY_MARKUP_TOO_LONG)
    if not clean_rows:
        return None
    return {"inline_keyboard": clean_rows}


def _button(button: object) -> dict[str, Any]:
    if not isinstance(button, dict):
        raise bad_request(CANT_PARSE_BUTTON + "InlineKeyboardButton must be an Object")
    text = button.get("text")
    if not isinstance(text, str):
        raise bad_request(CANT_PARSE_BUTTON + 'Field "text" must be of type String')
    actions = [key for key in _ACTIONS if key in button]
    if not actions:
        raise bad_request(CANT_PARSE_BUTTON + "Text buttons are unallowed in the inline keyboard")
    for key in ("callback_data", "url"):
        if key in button and not isinstance(button[key], str):
            raise bad_request(CANT_PARSE_BUTTON + f'Field "{key}" must be of type String')
    url = button.get("url")
    if isinstance(url, str) and not url.lower().startswith(_URL_SCHEMES):
        raise bad_request(
            f"Bad Request: inline keyboard button URL '{url}' is invalid: Wrong HTTP URL"
        )
    return dict(button)


def check_callback_data(markup: Markup | None) -> None:
    for row in inline_rows(markup):
        for button in row:
            data = button.get("callback_data")
            if isinstance(data, str) and not 1 <= len(data.encode("utf-8")) <= _MAX_CALLBACK_BYTES:
                raise bad_request(BUTTON_DATA_INVALID)


def inline_rows(markup: Markup | None) -> list[list[dict[str, Any]]]:
    if not markup:
        return []
    rows = markup.get("inline_keyboard")
    return rows if isinstance(rows, list) else []


def buttons_of(markup: Markup | None) -> list[list[Button]]:
    return [
        [Button(button["text"], button.get("callback_data", button.get("url"))) for button in row]
        for row in inline_rows(markup)
    ]


def find_button(
    markup: Markup | None, *, callback_data: str | None, button_text: str | None
) -> dict[str, Any] | None:
    """The callback button matching the given data and/or label, if it is on the markup."""
    for row in inline_rows(markup):
        for button in row:
            if "callback_data" not in button:
                continue
            if callback_data is not None and button["callback_data"] != callback_data:
                continue
            if button_text is not None and button["text"] != button_text:
                continue
            return button
    return None
