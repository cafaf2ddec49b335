"""Real aiosmtplib against the real sink over TCP: what arrives, and how failures sort."""

from __future__ import annotations

import asyncio
import email
import email.policy
import logging
from collections.abc import AsyncIterator

import pytest

from bot.mail.sender import SmtpSender
from bot.mail.sink import SmtpSink
from bot.mail.smtp_errors import MailPermanentError, MailTemporaryError
from tests.mail.support import APPLICANT, PASSWORD_IN_BODY, ConfigFactory, MessageFactory


@pytest.fixture
def sender(sink: SmtpSink, make_config: ConfigFactory) -> SmtpSender:
    return SmtpSender(make_config(sink.port))


async def test_message_arrives_as_readable_eml(
    sink: SmtpSink, sender: SmtpSender, make_message: MessageFactory
) -> None:
    msg = make_message()

    await sender.send(msg)

    [received] = await sink.wait_for(1)
    assert received.path.parent == sink.directory
    assert received.path.suffix == ".eml"
    assert received.mail_from == "hotspot@ptipd.example.ac.id"
    assert received.rcpt_tos == [APPLICANT]
    on_disk = email.message_from_bytes(received.path.read_bytes(), policy=email.policy.default)
    assert on_disk["Message-ID"] == msg["Message-ID"]
    assert on_disk["Content-Language"] == "id"
    assert [p.get_content_type() for p in on_disk.iter_parts()] == ["text/plain", "text/html"]
    plain = on_disk.get_body(("plain",))
    html = on_disk.get_body(("html",))
    assert plain is not None and html is not None
    assert plain.get_content() == "Nama pengguna: budi\nKata sandi: Rahasia-123\n"
    assert "<b>Rahasia-123</b>" in html.get_content()


async def test_indonesian_text_with_non_ascii_survives(
    sink: SmtpSink, sender: SmtpSender, make_message: MessageFactory
) -> None:
    subject = "Akun hotspot “UIN Malang” — siap digunakan 📶"
    text = "Yth. Bapak/Ibu Ñoman Sé,\nAkun Anda aktif s.d. 31 Desember · kata sandi: Ü-ß-42\n"

    await sender.send(make_message(subject=subject, text=text, html=f"<p>{text}</p>\n"))

    [received] = await sink.wait_for(1)
    assert received.message["Subject"] == subject
    plain = received.message.get_body(("plain",))
    html = received.message.get_body(("html",))
    assert plain is not None and html is not None
    assert plain.get_content() == text
    assert html.get_content() == f"<p>{text}</p>\n"
    # Sent 7-bit, so no relay on the way needs 8BITMIME or SMTPUTF8.
    assert received.path.read_bytes().isascii()


async def test_nothing_of_the_body_is_logged(
    sink: SmtpSink,
    sender: SmtpSender,
    make_message: MessageFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)

    await sender.send(make_message())
    await sink.wait_for(1)

    assert PASSWORD_IN_BODY not in caplog.text
    assert "sent <hotspot-desk.HS-2026-000123.credentials@ptipd.example.ac.id> to 1" in caplog.text


async def test_451_is_temporary_and_the_retry_succeeds(
    sink: SmtpSink, sender: SmtpSender, make_message: MessageFactory
) -> None:
    sink.faults.fail_next("DATA", 451, "4.3.0 Try again later")
    msg = make_message()

    with pytest.raises(MailTemporaryError) as caught:
        await sender.send(msg)
    assert caught.value.code == 451
    assert sink.messages == []

    await sender.send(msg)
    [received] = await sink.wait_for(1)
    assert received.message["Message-ID"] == msg["Message-ID"]


async def test_550_is_permanent(
    sink: SmtpSink, sender: SmtpSender, make_message: MessageFactory
) -> None:
    sink.faults.fail_next("DATA", 550, "5.1.1 Mailbox unavailable")

    with pytest.raises(MailPermanentError) as caught:
        await sender.send(make_message())

    assert caught.value.code == 550
    assert PASSWORD_IN_BODY not in str(caught.value)
    assert sink.messages == []


async def test_refused_only_recipient_is_permanent(
    sink: SmtpSink, sender: SmtpSender, make_message: MessageFactory
) -> None:
    sink.faults.refuse_recipient("*@EXAMPLE.org")

    with pytest.raises(MailPermanentError) as caught:
        await sender.send(make_message())

    assert caught.value.code == 550
    assert caught.value.refused == {APPLICANT: (550, "5.1.1 Mailbox unavailable")}


async def test_one_refused_recipient_of_two_is_reported(
    sink: SmtpSink, sender: SmtpSender, make_message: MessageFactory
) -> None:
    sink.faults.refuse_recipient("admin@blocked.example")
    msg = make_message()
    msg["Cc"] = "Admin <admin@blocked.example>"

    with pytest.raises(MailPermanentError) as caught:
        await sender.send(msg)

    assert set(caught.value.refused) == {"admin@blocked.example"}
    assert "550" in str(caught.value)
    [received] = await sink.wait_for(1)
    assert received.rcpt_tos == [APPLICANT]


async def test_greylisting_at_rcpt_is_temporary(
    sink: SmtpSink, sender: SmtpSender, make_message: MessageFactory
) -> None:
    sink.faults.fail_next("RCPT", 451, "4.7.1 Greylisted, come back later")

    with pytest.raises(MailTemporaryError) as caught:
        await sender.send(make_message())

    assert caught.value.code == 451
    await sender.send(make_message())
    await sink.wait_for(1)


async def test_dropped_connection_is_temporary(
    sink: SmtpSink, sender: SmtpSender, make_message: MessageFactory
) -> None:
    sink.faults.drop("DATA")

    with pytest.raises(MailTemporaryError):
        await sender.send(make_message())

    assert sink.messages == []
    await sender.send(make_message())
    await sink.wait_for(1)


async def test_connection_refused_is_temporary(
    make_config: ConfigFactory, make_message: MessageFactory, unused_port: int
) -> None:
    sender = SmtpSender(make_config(unused_port))

    with pytest.raises(MailTemporaryError) as caught:
        await sender.send(make_message())

    assert caught.value.code is None


@pytest.fixture
async def silent_server() -> AsyncIterator[int]:
    """Accepts connections and never says a word."""
    writers: list[asyncio.StreamWriter] = []

    async def hold(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writers.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    yield server.sockets[0].getsockname()[1]
    server.close()
    for writer in writers:
        writer.close()
    await server.wait_closed()


async def test_silent_server_times_out_as_temporary(
    silent_server: int, make_config: ConfigFactory, make_message: MessageFactory
) -> None:
    config = make_config(silent_server, timeout=0.3)

    with pytest.raises(MailTemporaryError, match=r"[Tt]imed out"):
        await SmtpSender(config).send(make_message())


async def test_a_message_without_recipients_is_permanent(
    sender: SmtpSender, make_message: MessageFactory
) -> None:
    msg = make_message()
    del msg["To"]

    with pytest.raises(MailPermanentError, match="no recipients"):
        await sender.send(msg)
