"""Addresses on the wire: an international domain goes out in its ASCII (IDNA) form, in
the envelope and in every address header, so a relay without SMTPUTF8 (Postfix with
``smtputf8_enable = no``) carries it; a non-ASCII local part cannot be carried there."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.mail.sender import SmtpSender
from bot.mail.sink import SmtpSink
from bot.mail.smtp_errors import MailPermanentError
from tests.mail.support import ConfigFactory, MessageFactory

UNICODE_DOMAIN = "siti@bücherei-contoh.de"
ASCII_DOMAIN = "siti@xn--bcherei-contoh-gsb.de"


@pytest.fixture
async def strict_sink(tmp_path: Path) -> AsyncIterator[SmtpSink]:
    async with SmtpSink(tmp_path / "outbox", smtputf8=False) as running:
        yield running


async def test_a_unicode_domain_goes_out_in_ascii(
    strict_sink: SmtpSink, make_config: ConfigFactory, make_message: MessageFactory
) -> None:
    await SmtpSender(make_config(strict_sink.port)).send(
        make_message(to=f"Siti Aminah <{UNICODE_DOMAIN}>")
    )

    [received] = await strict_sink.wait_for(1)
    assert received.rcpt_tos == [ASCII_DOMAIN]
    assert received.message["To"].addresses[0].addr_spec == ASCII_DOMAIN
    assert received.message["To"].addresses[0].display_name == "Siti Aminah"
    assert received.path.read_bytes().isascii()


async def test_every_address_header_and_the_sender_go_out_in_ascii(
    strict_sink: SmtpSink, make_config: ConfigFactory, make_message: MessageFactory
) -> None:
    sender_setting = "Hotspot PTIPD <hotspot@ptipd-ü.example>"
    msg = make_message(sender=sender_setting, to=UNICODE_DOMAIN)
    msg["Cc"] = "Admin <admin@bücherei-contoh.de>"
    msg["Reply-To"] = "Helpdesk <helpdesk@ptipd-ü.example>"

    await SmtpSender(make_config(strict_sink.port, sender=sender_setting)).send(msg)

    [received] = await strict_sink.wait_for(1)
    assert received.mail_from == "hotspot@xn--ptipd--8ya.example"
    assert received.rcpt_tos == [ASCII_DOMAIN, "admin@xn--bcherei-contoh-gsb.de"]
    headers = received.message
    assert headers["From"].addresses[0].addr_spec == "hotspot@xn--ptipd--8ya.example"
    assert headers["Reply-To"].addresses[0].addr_spec == "helpdesk@xn--ptipd--8ya.example"
    assert headers["Cc"].addresses[0].addr_spec == "admin@xn--bcherei-contoh-gsb.de"
    assert received.path.read_bytes().isascii()


async def test_the_callers_message_is_left_as_built(
    strict_sink: SmtpSink, make_config: ConfigFactory, make_message: MessageFactory
) -> None:
    msg = make_message(to=UNICODE_DOMAIN)

    await SmtpSender(make_config(strict_sink.port)).send(msg)

    assert msg["To"] == UNICODE_DOMAIN


async def test_an_ascii_domain_typed_as_punycode_is_sent_as_is(
    strict_sink: SmtpSink, make_config: ConfigFactory, make_message: MessageFactory
) -> None:
    await SmtpSender(make_config(strict_sink.port)).send(
        make_message(to="jurgen@xn--bcher-kva.example")
    )

    [received] = await strict_sink.wait_for(1)
    assert received.rcpt_tos == ["jurgen@xn--bcher-kva.example"]


async def test_a_unicode_local_part_without_smtputf8_fails_at_once_and_says_why(
    strict_sink: SmtpSink, make_config: ConfigFactory, make_message: MessageFactory
) -> None:
    with pytest.raises(MailPermanentError) as caught:
        await SmtpSender(make_config(strict_sink.port)).send(make_message(to="siti.ü@contoh.id"))

    text = str(caught.value)
    assert "siti.ü@contoh.id" in text
    assert "SMTPUTF8" in text and "another address" in text
    assert strict_sink.messages == []


async def test_a_unicode_local_part_goes_through_a_relay_with_smtputf8(
    sink: SmtpSink, make_config: ConfigFactory, make_message: MessageFactory
) -> None:
    await SmtpSender(make_config(sink.port)).send(make_message(to="siti.ü@bücherei-contoh.de"))

    [received] = await sink.wait_for(1)
    # The domain still goes in ASCII: only the local part needs SMTPUTF8.
    assert received.rcpt_tos == ["siti.ü@xn--bcherei-contoh-gsb.de"]
