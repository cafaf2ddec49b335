"""Telegram-HTML parsing: entities in UTF-16 units and Telegram's exact error texts."""

from __future__ import annotations

import pytest

from bot.emulator.errors import ApiError
from bot.emulator.html import format_message_text, parse_html


def test_entities_are_measured_in_utf16_units() -> None:
    parsed = parse_html("📶 <b>Wi-Fi</b> &amp; <i>akun</i>")
    assert parsed.text == "📶 Wi-Fi & akun"
    assert list(parsed.entities) == [
        {"type": "bold", "offset": 3, "length": 5},
        {"type": "italic", "offset": 11, "length": 4},
    ]


def test_links_code_spoilers_and_quotes() -> None:
    parsed = parse_html(
        '<a href="https://uin-malang.ac.id/?a=1&amp;b=2">web</a> '
        '<pre><code class="language-python">x = 1</code></pre> '
        '<span class="tg-spoiler">s</span> <blockquote expandable>q</blockquote> '
        "&#65;&#x42;&lt;&gt;&quot;"
    )
    assert parsed.text == 'web x = 1 s q AB<>"'
    types = {e["type"]: e for e in parsed.entities}
    assert types["text_link"]["url"] == "https://uin-malang.ac.id/?a=1&b=2"
    assert types["pre"]["language"] == "python"
    assert "code" not in types
    assert types["spoiler"]["length"] == 1
    assert types["expandable_blockquote"]["length"] == 1


@pytest.mark.parametrize(
    ("markup", "description"),
    [
        ("<br>", 'Unsupported start tag "br" at byte offset 0'),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("é <b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b", "Unclosed start tag at byte offset 0"),
        ('<span class="x">y</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("AT&T", 'Character "&" must be escaped as "&amp;" at byte offset 2'),
    ],
)
def test_broken_markup_gets_telegrams_error(markup: str, description: str) -> None:
    with pytest.raises(ApiError) as caught:
        parse_html(markup)
    assert caught.value.status == 400
    assert caught.value.description == "Bad Request: can't parse entities: " + description


def test_lenient_mode_keeps_a_bare_ampersand_like_telegram() -> None:
    assert parse_html("AT&T &nbsp;", strict=False).text == "AT&T &nbsp;"


def test_text_is_trimmed_and_entities_follow() -> None:
    formatted = format_message_text("\n  <b>Halo</b>  \n", "HTML")
    assert formatted.text == "Halo"
    assert list(formatted.entities) == [{"type": "bold", "offset": 0, "length": 4}]


def test_unknown_parse_mode_is_refused() -> None:
    with pytest.raises(ApiError, match="unsupported parse_mode"):
        format_message_text("x", "BBCode")
