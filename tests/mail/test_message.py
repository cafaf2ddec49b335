"""The message as built, before any SMTP: structure, headers, ids."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from bot.mail.message import build_message, make_message_id
from tests.mail.support import MessageFactory


def test_plain_text_first_then_html(make_message: MessageFactory) -> None:
    msg = make_message()

    assert msg.get_content_type() == "multipart/alternative"
    parts = list(msg.iter_parts())
    assert [part.get_content_type() for part in parts] == ["text/plain", "text/html"]
    assert all(part.get_content_charset() == "utf-8" for part in parts)
    assert msg["Content-Language"] == "id"
    assert msg["Message-ID"] == "<hotspot-desk.HS-2026-000123.credentials@ptipd.example.ac.id>"
    assert msg["Auto-Submitted"] == "auto-generated"


def test_date_given_is_used_and_naive_date_refused(make_message: MessageFactory) -> None:
    when = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)

    assert make_message(date=when)["Date"] == "Mon, 02 Mar 2026 09:30:00 +0000"
    with pytest.raises(ValueError, match="timezone"):
        make_message(date=datetime(2026, 3, 2, 9, 30))


@pytest.mark.parametrize(
    ("field", "value"),
    [("message_id", "no-angle-brackets@x"), ("language", "id\r\nBcc: x@y"), ("language", "")],
)
def test_bad_header_values_refused(make_message: MessageFactory, field: str, value: str) -> None:
    with pytest.raises(ValueError):
        make_message(**{field: value})


def test_header_injection_through_subject_refused() -> None:
    with pytest.raises(ValueError):
        build_message(
            sender="a@example.org",
            to="b@example.org",
            subject="Halo\r\nBcc: everyone@example.org",
            text="x",
            html="<p>x</p>",
            message_id="<a@example.org>",
            language="en",
        )


def test_message_id_is_stable_for_a_job_key() -> None:
    first = make_message_id("HS-2026-000123/credentials#1", "PTIPD.example.ac.id")

    assert first == make_message_id("HS-2026-000123/credentials#1", "ptipd.example.ac.id")
    assert re.fullmatch(r"<hotspot-desk\.[A-Za-z0-9._-]+@ptipd\.example\.ac\.id>", first)


def test_sanitised_keys_do_not_collide() -> None:
    ids = {make_message_id(key, "example.org") for key in ("a/b", "a:b", "a-b", "a b")}

    assert len(ids) == 4
    assert make_message_id("a-b", "example.org") == "<hotspot-desk.a-b@example.org>"


@pytest.mark.parametrize("key", ["../../etc", "..", "x" * 300, "sandi: <rahasia>@x", "ünïcode"])
def test_awkward_keys_still_give_a_valid_id(key: str) -> None:
    message_id = make_message_id(key, "example.org")

    assert re.fullmatch(
        r"<hotspot-desk\.[A-Za-z0-9_-][A-Za-z0-9._-]{0,80}@example\.org>", message_id
    )
    assert ".." not in message_id


def test_empty_key_and_bad_domain_refused() -> None:
    with pytest.raises(ValueError):
        make_message_id("", "example.org")
    with pytest.raises(ValueError):
        make_message_id("k", "exa mple.org")
