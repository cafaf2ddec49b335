"""Telegram-HTML parsing, following the Bot API server's parser (TDLib ``parse_html``).

The error texts and byte offsets match Telegram's, because a bot under test should fail
here exactly where it would fail in production. One deliberate difference: with
``strict=True`` (the emulator's default) a bare ``&`` that does not start an entity is
refused. Telegram itself lets it through as a literal, but its documentation says it must
be escaped, and an unescaped ``&`` is the usual sign of user text that skipped escaping,
the same bug that breaks on the next ``<``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.emulator.errors import (
    CANT_PARSE_ENTITIES,
    TEXT_EMPTY,
    UNSUPPORTED_PARSE_MODE,
    ApiError,
    bad_request,
)
from bot.emulator.text import Entity, FormattedText, sort_entities, trim, utf16_len

_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "a": "text_link",
    "tg-emoji": "custom_emoji",
}
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPACE = " \t\r\n\v\f"
_LINK_SCHEMES = ("http://", "https://", "tg://", "ftp://", "ton://", "mailto:")


@dataclass
class _OpenTag:
    name: str
    argument: str
    utf16_start: int
    char_start: int


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _fail(message: str) -> ApiError:
    return bad_request(CANT_PARSE_ENTITIES + message)


def _decode_entity(text: str, pos: int) -> tuple[str, int] | None:
    """Decode the character reference at ``text[pos] == '&'``; None when it is not one.

    Returns the character and the index just after the reference. As in TDLib the closing
    semicolon is optional.
    """
    n = len(text)
    end = pos + 1
    if end < n and text[end] == "#":
        end += 1
        base = 10
        if end < n and text[end] in "xX":
            base = 16
            end += 1
        digits_start = end
        digits = "0123456789abcdefABCDEF" if base == 16 else "0123456789"
        while end < n and text[end] in digits:
            end += 1
        if end == digits_start or end - pos >= 10:
            return None
        code = int(text[digits_start:end], base)
        if code == 0 or code >= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return None
        char = chr(code)
    else:
        while end < n and text[end].isascii() and text[end].isalpha():
            end += 1
        char_or_none = _NAMED.get(text[pos + 1 : end])
        if char_or_none is None:
            return None
        char = char_or_none
    if end < n and text[end] == ";":
        end += 1
    return char, end


def _valid_link(url: str) -> str | None:
    lowered = url.lower()
    if lowered.startswith(_LINK_SCHEMES):
        return url
    host = url.split("/", 1)[0]
    if "." in host and " " not in url and ":" not in host:
        return "http://" + url
    return None


class _Parser:
    def __init__(self, text: str, strict: bool) -> None:
        self.text = text
        self.strict = strict
        self.out: list[str] = []
        self.utf16 = 0
        self.entities: list[Entity] = []
        self.stack: list[_OpenTag] = []

    def emit(self, chars: str) -> None:
        self.out.append(chars)
        self.utf16 += utf16_len(chars)

    def run(self) -> FormattedText:
        text, n, i = self.text, len(self.text), 0
        while i < n:
            char = text[i]
            if char == "&":
                decoded = _decode_entity(text, i)
                if decoded is not None:
                    self.emit(decoded[0])
                    i = decoded[1]
                    continue
                if self.strict:
                    raise _fail(
                        f'Character "&" must be escaped as "&amp;" '
                        f"at byte offset {_byte_offset(text, i)}"
                    )
                self.emit("&")
                i += 1
            elif char != "<":
                self.emit(char)
                i += 1
            elif i + 1 < n and text[i + 1] == "/":
                i = self.end_tag(i)
            else:
                i = self.start_tag(i)
        if self.stack:
            raise _fail(f'Can\'t find end tag corresponding to start tag "{self.stack[-1].name}"')
        return FormattedText("".join(self.out), tuple(sort_entities(self.entities)))

    def _skip_space(self, i: int) -> int:
        while i < len(self.text) and self.text[i] in _SPACE:
            i += 1
        return i

    def start_tag(self, begin: int) -> int:
        text, n = self.text, len(self.text)
        at = _byte_offset(text, begin)
        i = begin + 1
        while i < n and text[i] not in _SPACE and text[i] != ">":
            i += 1
        if i >= n:
            raise _fail(f"Unclosed start tag at byte offset {at}")
        name = text[begin + 1 : i].lower()
        if name not in _ENTITY_TYPES:
            raise _fail(f'Unsupported start tag "{name}" at byte offset {at}')
        argument = ""
        while True:
            i = self._skip_space(i)
            if i >= n:
                raise _fail(f'Unclosed start tag "{name}" at byte offset {at}')
            if text[i] == ">":
                break
            attr_start = i
            while i < n and text[i] not in _SPACE and text[i] not in "=>":
                i += 1
            attr = text[attr_start:i].lower()
            if not attr:
                raise _fail(f'Empty attribute name in the tag "{name}" at byte offset {at}')
            i = self._skip_space(i)
            if i >= n:
                raise _fail(f'Unclosed start tag "{name}" at byte offset {at}')
            if text[i] != "=":
                if name == "blockquote" and attr == "expandable":
                    argument = "expandable"
                    continue
                raise _fail(
                    "Expected equal sign in declaration of an attribute of the tag "
                    f'"{name}" at byte offset {at}'
                )
            i = self._skip_space(i + 1)
            if i >= n:
                raise _fail(f'Unclosed start tag "{name}" at byte offset {at}')
            value, i = self._attribute_value(i)
            if name == "a" and attr == "href":
                argument = value
            elif name == "code" and attr == "class" and value.startswith("language-"):
                argument = value[len("language-") :]
            elif name == "span" and attr == "class" and value.startswith("tg-"):
                argument = value[len("tg-") :]
            elif name == "tg-emoji" and attr == "emoji-id":
                argument = value
        if name == "span" and argument != "spoiler":
            raise _fail(f'Tag "span" must have class "tg-spoiler" at byte offset {at}')
        if name == "tg-emoji" and not argument.isdigit():
            raise _fail(f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {at}')
        self.stack.append(_OpenTag(name, argument, self.utf16, len(self.out)))
        return i + 1

    def _attribute_value(self, i: int) -> tuple[str, int]:
        text, n = self.text, len(self.text)
        if text[i] not in "'\"":
            start = i
            while i < n and (text[i].isalnum() or text[i] in ".-"):
                i += 1
            if i == start:
                raise _fail(f"Expected quote at byte offset {_byte_offset(text, i)}")
            return text[start:i].lower(), i
        quote = text[i]
        i += 1
        chars: list[str] = []
        while i < n and text[i] != quote:
            if text[i] == "&":
                decoded = _decode_entity(text, i)
                if decoded is not None:
                    chars.append(decoded[0])
                    i = decoded[1]
                    continue
            chars.append(text[i])
            i += 1
        if i >= n:
            raise _fail(f"Unclosed start tag at byte offset {_byte_offset(text, i)}")
        return "".join(chars), i + 1

    def end_tag(self, begin: int) -> int:
        text, n = self.text, len(self.text)
        at = _byte_offset(text, begin)
        if not self.stack:
            raise _fail(f"Unexpected end tag at byte offset {at}")
        i = begin + 2
        while i < n and text[i] not in _SPACE and text[i] != ">":
            i += 1
        end_name = text[begin + 2 : i].lower()
        i = self._skip_space(i)
        if i >= n or text[i] != ">":
            raise _fail(f"Unclosed end tag at byte offset {at}")
        tag = self.stack.pop()
        if end_name and end_name != tag.name:
            raise _fail(
                f'Unmatched end tag at byte offset {at}, expected "</{tag.name}>", '
                f'found "</{end_name}>"'
            )
        self._close(tag)
        return i + 1

    def _close(self, tag: _OpenTag) -> None:
        length = self.utf16 - tag.utf16_start
        if length <= 0:
            return
        entity: Entity = {
            "type": _ENTITY_TYPES[tag.name],
            "offset": tag.utf16_start,
            "length": length,
        }
        if tag.name == "a":
            url = _valid_link(tag.argument or "".join(self.out[tag.char_start :]))
            if url is None:
                return  # Telegram silently drops links it cannot use.
            entity["url"] = url
        elif tag.name == "blockquote" and tag.argument == "expandable":
            entity["type"] = "expandable_blockquote"
        elif tag.name == "tg-emoji":
            entity["custom_emoji_id"] = tag.argument
        elif tag.name == "code" and tag.argument:
            entity["language"] = tag.argument
        elif tag.name == "pre":
            # <pre><code class="language-x"> is one pre entity with a language.
            inner = [
                e
                for e in self.entities
                if e["type"] == "code"
                and e["offset"] == entity["offset"]
                and e["length"] == length
                and "language" in e
            ]
            if inner:
                entity["language"] = inner[0]["language"]
                self.entities.remove(inner[0])
        self.entities.append(entity)


def parse_html(text: str, *, strict: bool = True) -> FormattedText:
    """Parse Telegram-HTML into plain text and entities, or raise ``ApiError``."""
    return _Parser(text, strict).run()


def format_message_text(
    text: str,
    parse_mode: str | None,
    entities: list[Any] | None = None,
    *,
    strict: bool = True,
) -> FormattedText:
    """What Telegram makes of a text (or caption) and its parse mode, trimmed.

    Raises ``ApiError`` for an unsupported parse mode or broken markup. Emptiness is checked
    by the caller: a caption may be empty, a message text may not.
    """
    mode = (parse_mode or "").strip()
    if mode.lower() == "html":
        formatted = parse_html(text, strict=strict)
    elif mode == "" or mode.lower() in ("markdown", "markdownv2"):
        # Markdown is accepted but not interpreted: this product speaks HTML only.
        given = tuple(dict(e) for e in entities or () if isinstance(e, dict))
        formatted = FormattedText(text, given)
    else:
        raise bad_request(UNSUPPORTED_PARSE_MODE)
    return trim(formatted)


def require_text(formatted: FormattedText) -> FormattedText:
    if not formatted.text:
        raise bad_request(TEXT_EMPTY)
    return formatted


def strip_tags(html_text: str) -> str:
    """Best-effort plain text of Telegram-HTML, for records of already-accepted text."""
    try:
        return parse_html(html_text, strict=False).text
    except ApiError:
        return html_text
