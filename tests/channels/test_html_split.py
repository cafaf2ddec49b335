"""The splitter against the emulator's Telegram-HTML parser: every part parses, fits, and
the parts together show exactly the original text."""

from __future__ import annotations

import html

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.channels.html_split import split_html, utf16_len, visible_length
from bot.channels.html_split import split_html as split_text
from bot.emulator.html import format_message_text, parse_html

# Characters that stress the cut: markup-significant ones, whitespace, and an emoji outside
# the BMP (two UTF-16 units).
ALPHABET = st.sampled_from([*"ab <>&\"'\n", "é", "😀", "\t"])
TAGS = (
    ("<b>", "</b>"),
    ("<i>", "</i>"),
    ("<u>", "</u>"),
    ("<code>", "</code>"),
    ('<a href="https://example.org/?a=1&amp;b=2">', "</a>"),
    ('<span class="tg-spoiler">', "</span>"),
    ("<blockquote>", "</blockquote>"),
)


@st.composite
def markup(draw: st.DrawFn, depth: int = 0) -> str:
    pieces: list[str] = []
    for _ in range(draw(st.integers(1, 6))):
        if depth < 3 and draw(st.booleans()):
            opening, closing = draw(st.sampled_from(TAGS))
            pieces.append(opening + draw(markup(depth + 1)) + closing)
        else:
            text = draw(st.text(ALPHABET, min_size=1, max_size=60))
            pieces.append(html.escape(text, quote=False))
    return "".join(pieces)


def shown(part: str) -> str:
    return parse_html(part).text


@settings(max_examples=300, deadline=None)
@given(markup(), st.integers(2, 80))
def test_every_part_parses_fits_and_together_they_are_the_original(text: str, limit: int) -> None:
    assume(shown(text).strip())  # Telegram refuses a blank message whatever we do
    parts = split_html(text, limit)
    for part in parts:
        formatted = format_message_text(part, "HTML")
        assert formatted.text, f"an empty part from {text!r}"
        assert utf16_len(formatted.text) <= limit
        assert visible_length(part) <= limit
    joined = "".join(shown(part) for part in parts)
    assert joined == shown(text)


@settings(max_examples=100, deadline=None)
@given(markup())
def test_a_text_that_fits_is_left_alone(text: str) -> None:
    limit = max(2, visible_length(text))
    assert split_html(text, limit) == [text]


def test_a_paste_rich_in_markup_characters_is_measured_as_telegram_shows_it() -> None:
    paste = "if a < b && c > d then <stop> & go; " * 84  # 3,024 visible characters
    escaped = html.escape(paste, quote=False)
    assert len(escaped) > 4096 and len(paste) < 4096
    assert split_text(escaped) == [escaped]


def test_a_long_paste_is_never_cut_inside_an_entity() -> None:
    escaped = html.escape("<&>" * 3000, quote=False)
    parts = split_text(escaped)
    assert len(parts) == 3
    assert "".join(shown(p) for p in parts) == "<&>" * 3000
    for part in parts:
        format_message_text(part, "HTML")


def test_tags_open_at_a_cut_close_and_open_again_with_their_attributes() -> None:
    text = '<b>Daftar</b>\n<a href="https://x.example/?q=1&amp;r=2">' + "tautan " * 20 + "</a>"
    parts = split_html(text, 60)
    assert len(parts) > 1
    for part in parts[1:]:
        assert part.startswith('<a href="https://x.example/?q=1&amp;r=2">')
        assert part.endswith("</a>")
        entities = format_message_text(part, "HTML").entities
        assert entities and entities[0]["type"] == "text_link"


def test_cuts_prefer_line_ends() -> None:
    lines = [f"baris {n:03d} " + "x" * 40 for n in range(200)]
    parts = split_html("\n".join(lines), 1000)
    for part in parts:
        assert all(line.startswith("baris ") for line in part.strip().split("\n"))
