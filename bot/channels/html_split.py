"""Cutting long Telegram-HTML into messages that each fit, without breaking the markup.

Telegram limits a message to 4,096 characters and a caption to 1,024, counted on the text
*after* entity parsing (`&lt;` is one character, tags are none) and in UTF-16 code units
(an emoji outside the BMP counts two). Leading and trailing whitespace is trimmed before it
counts, so the whitespace where a text is cut rides along with the part before it for free.

A cut falls only between whole characters, entities and tags: never inside `&lt;` or a tag.
Tags open at a cut are closed at the end of the part and opened again, with their attributes,
at the start of the next, so every part parses on its own and keeps its formatting. Cuts
prefer a line end, then a space, within the second half of a part; a line longer than the
limit with no space in it is cut between characters.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

# Telegram's own limits (Bot API sendMessage `text`, sendDocument `caption`).
MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024

# Trimmed by Telegram at both ends of a message, so not counted against the limit.
_TRIMMED = " \t\r\n"
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


@dataclass(frozen=True)
class _Token:
    """One piece of the markup: a visible character (`raw` may be an entity such as
    `&lt;`), or an opening or closing tag (`visible` empty, `name` set)."""

    raw: str
    visible: str = ""
    name: str = ""
    closing: bool = False

    @property
    def is_tag(self) -> bool:
        return bool(self.name)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, as Telegram counts."""
    if len(text) == 1:
        return 2 if ord(text) > 0xFFFF else 1
    return len(text.encode("utf-16-le")) // 2


def _entity_end(text: str, start: int) -> int:
    """Index just after the character reference at `text[start] == '&'`, or `start + 1`
    when it is not one (a bare `&`, which Telegram takes literally)."""
    end = start + 1
    n = len(text)
    if end < n and text[end] == "#":
        end += 1
        if end < n and text[end] in "xX":
            end += 1
        while end < n and text[end].isascii() and text[end].isalnum():
            end += 1
    else:
        while end < n and text[end].isascii() and text[end].isalpha():
            end += 1
        if text[start + 1 : end] not in _NAMED:
            return start + 1
    if end < n and text[end] == ";":
        end += 1
    return end if end > start + 2 else start + 1


def tokenize(text: str) -> list[_Token]:
    """The markup as characters, entities and tags, in order.

    Text that is not well-formed HTML is still cut safely: a `<` without a closing `>` is
    taken as a character (Telegram would refuse the message either way).
    """
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "<":
            end = text.find(">", i)
            if end != -1:
                raw = text[i : end + 1]
                closing = raw.startswith("</")
                body = raw[2:-1] if closing else raw[1:-1]
                name = (body.split(None, 1)[0] if body.strip() else "").lower() or "?"
                tokens.append(_Token(raw, name=name, closing=closing))
                i = end + 1
                continue
        if char == "&":
            end = _entity_end(text, i)
            raw = text[i:end]
            tokens.append(_Token(raw, html.unescape(raw) if end > i + 1 else "&"))
            i = end
            continue
        tokens.append(_Token(char, char))
        i += 1
    return tokens


def visible_text(text: str) -> str:
    """The text Telegram shows for this markup, before trimming."""
    return "".join(token.visible for token in tokenize(text))


def visible_length(text: str) -> int:
    """What Telegram counts against its limits: UTF-16 units of the parsed, trimmed text."""
    return utf16_len(visible_text(text).strip(_TRIMMED))


@dataclass
class _Cut:
    index: int  # token index where the next part starts
    stack: tuple[_Token, ...]  # tags open at that point


def split_html(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """`text` as one or more parts whose visible length is at most `limit` each.

    Parts whose visible text would be only whitespace are not produced (Telegram refuses
    an empty message). Joined, the parts' visible texts equal the original's.
    Raises ValueError for a limit below 2 (an emoji needs two units).
    """
    if limit < 2:
        raise ValueError("limit must be at least 2 UTF-16 units")
    if utf16_len(text) <= limit:
        return [text]  # the markup itself fits, so its visible text does
    tokens = tokenize(text)
    if utf16_len("".join(t.visible for t in tokens).strip(_TRIMMED)) <= limit:
        return [text]
    parts: list[str] = []
    start = 0
    opened: tuple[_Token, ...] = ()
    while start < len(tokens):
        cut = _next_cut(tokens, start, opened, limit)
        body = "".join(t.raw for t in tokens[start : cut.index])
        part = "".join(t.raw for t in opened) + body + _closers(cut.stack)
        if any(not t.is_tag and t.visible.strip(_TRIMMED) for t in tokens[start : cut.index]):
            parts.append(part)
        elif parts:
            # Only whitespace and tags: nothing to show, and Telegram refuses it alone.
            parts[-1] = parts[-1] + part
        start, opened = cut.index, cut.stack
    return parts or [text]


def _closers(stack: tuple[_Token, ...]) -> str:
    return "".join(f"</{tag.name}>" for tag in reversed(stack))


def _next_cut(tokens: list[_Token], start: int, opened: tuple[_Token, ...], limit: int) -> _Cut:
    """Where the part beginning at `start` (with `opened` tags re-opened) must end."""
    stack = list(opened)
    counted = 0  # UTF-16 units from the first non-space to the last non-space
    spaces = 0  # trailing whitespace after `counted`: free unless more text follows
    seen = False
    line_cut: _Cut | None = None
    space_cut: _Cut | None = None
    half = limit // 2
    i = start
    while i < len(tokens):
        token = tokens[i]
        if token.is_tag:
            if token.closing:
                if stack:
                    stack.pop()
            else:
                stack.append(token)
            i += 1
            continue
        size = utf16_len(token.visible)
        if token.visible in _TRIMMED:
            if seen:
                spaces += size
                if counted >= half:
                    after = _after_closing_tags(tokens, i + 1, stack)
                    cut = _Cut(after, tuple(stack[: len(stack) - (after - i - 1)]))
                    if token.visible == "\n":
                        line_cut = cut
                    else:
                        space_cut = cut
            i += 1
            continue
        grown = counted + spaces + size if seen else size
        if grown > limit:
            chosen = line_cut or space_cut
            if chosen is not None and chosen.index > start:
                return chosen
            if i == start:
                # A single character wider than what is left: it goes alone.
                return _Cut(i + 1, tuple(stack))
            return _Cut(i, tuple(stack))
        counted, spaces, seen = grown, 0, True
        i += 1
    return _Cut(len(tokens), tuple(stack))


def _after_closing_tags(tokens: list[_Token], index: int, stack: list[_Token]) -> int:
    """Past any closing tags right after a cut, so an element ending there is closed in the
    part it belongs to instead of being re-opened empty in the next."""
    depth = len(stack)
    while index < len(tokens) and tokens[index].closing and depth > 0:
        index += 1
        depth -= 1
    return index
