"""The sink against a second real client, Python's smtplib: what it accepts and refuses
must match what aiosmtplib sees and what a real server (Postfix) answers.

smtplib blocks, so each exchange runs in a thread while the sink serves on the loop.
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path
from typing import TypeVar

import pytest

from bot.mail.sender import SmtpSecurity
from bot.mail.sink import SmtpSink
from tests.mail.support import TlsFiles

T = TypeVar("T")
USER = ("helpdesk", "benar")


def _message(to: str = "pemohon@example.org") -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "hotspot@ptipd.example.ac.id"
    msg["To"] = to
    msg["Subject"] = "Akun hotspot"
    msg["Message-ID"] = "<hotspot-desk.smtplib@ptipd.example.ac.id>"
    msg.set_content("Kata sandi: Rahasia-123\n")
    return msg


def _client_context(tls_files: TlsFiles) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(tls_files.cert))


def _connect(
    sink: SmtpSink, security: SmtpSecurity, context: ssl.SSLContext | None
) -> smtplib.SMTP:
    if security == "tls":
        return smtplib.SMTP_SSL(sink.host, sink.port, context=context, timeout=5)
    client = smtplib.SMTP(sink.host, sink.port, timeout=5)
    if security == "starttls":
        client.starttls(context=context)
    return client


async def _in_thread(call: Callable[[], T]) -> T:
    return await asyncio.to_thread(call)


@pytest.mark.parametrize("security", ["none", "starttls", "tls"])
@pytest.mark.parametrize("with_auth", [False, True])
async def test_smtplib_delivers_in_every_mode(
    security: SmtpSecurity,
    with_auth: bool,
    tmp_path: Path,
    server_ssl_context: ssl.SSLContext,
    tls_files: TlsFiles,
) -> None:
    context = None if security == "none" else server_ssl_context
    credentials = USER if with_auth else None
    async with SmtpSink(
        tmp_path, security=security, ssl_context=context, credentials=credentials
    ) as sink:

        def exchange() -> dict[str, tuple[int, bytes]]:
            with _connect(sink, security, _client_context(tls_files)) as client:
                if with_auth:
                    client.login(*USER)
                return client.send_message(_message())

        assert await _in_thread(exchange) == {}
        [received] = await sink.wait_for(1)
        assert received.rcpt_tos == ["pemohon@example.org"]
        assert received.message["Message-ID"] == "<hotspot-desk.smtplib@ptipd.example.ac.id>"


@pytest.mark.parametrize("security", ["none", "starttls", "tls"])
async def test_smtplib_wrong_password_gets_535(
    security: SmtpSecurity, tmp_path: Path, server_ssl_context: ssl.SSLContext, tls_files: TlsFiles
) -> None:
    context = None if security == "none" else server_ssl_context
    async with SmtpSink(tmp_path, security=security, ssl_context=context, credentials=USER) as sink:

        def exchange() -> None:
            with _connect(sink, security, _client_context(tls_files)) as client:
                client.login("helpdesk", "salah")

        with pytest.raises(smtplib.SMTPAuthenticationError) as caught:
            await _in_thread(exchange)
        assert caught.value.smtp_code == 535


async def test_smtplib_mail_without_auth_gets_530(tmp_path: Path) -> None:
    async with SmtpSink(tmp_path, credentials=USER) as sink:

        def exchange() -> None:
            with _connect(sink, "none", None) as client:
                client.send_message(_message())

        with pytest.raises(smtplib.SMTPSenderRefused) as caught:
            await _in_thread(exchange)
        assert caught.value.smtp_code == 530
        assert sink.messages == []


async def test_auth_over_plain_starttls_port_is_refused_before_tls(
    tmp_path: Path, server_ssl_context: ssl.SSLContext
) -> None:
    # Postfix (smtpd_tls_auth_only) and aiosmtpd both hide AUTH until STARTTLS.
    async with SmtpSink(
        tmp_path, security="starttls", ssl_context=server_ssl_context, credentials=USER
    ) as sink:

        def exchange() -> None:
            with _connect(sink, "none", None) as client:
                client.login(*USER)

        with pytest.raises(smtplib.SMTPNotSupportedError):
            await _in_thread(exchange)


async def test_smtplib_unicode_address_with_smtputf8(tmp_path: Path) -> None:
    async with SmtpSink(tmp_path, smtputf8=True) as sink:

        def exchange() -> dict[str, tuple[int, bytes]]:
            with _connect(sink, "none", None) as client:
                return client.send_message(_message("siti.ü@bücherei-contoh.de"))

        assert await _in_thread(exchange) == {}
        [received] = await sink.wait_for(1)
        assert received.rcpt_tos == ["siti.ü@bücherei-contoh.de"]


async def _raw_exchange(sink: SmtpSink, mail_from: str, rcpt_to: str | None = None) -> bytes:
    """The reply to MAIL (or, when given, to RCPT) sent as raw UTF-8 command lines."""
    reader, writer = await asyncio.open_connection(sink.host, sink.port)
    try:
        await reader.readline()
        writer.write(b"EHLO client.example\r\n")
        while not (await reader.readline()).startswith(b"250 "):
            pass
        writer.write(f"MAIL FROM:{mail_from}\r\n".encode())
        reply = await reader.readline()
        if rcpt_to is not None:
            assert reply.startswith(b"250"), reply
            writer.write(f"RCPT TO:{rcpt_to}\r\n".encode())
            reply = await reader.readline()
    finally:
        writer.close()
    return reply


async def test_smtputf8_off_is_not_offered_and_its_parameter_refused(tmp_path: Path) -> None:
    async with SmtpSink(tmp_path, smtputf8=False) as sink:

        def exchange() -> None:
            with _connect(sink, "none", None) as client:
                client.send_message(_message("siti.ü@contoh.id"))

        # smtplib checks the EHLO reply itself, as aiosmtplib does.
        with pytest.raises(smtplib.SMTPNotSupportedError):
            await _in_thread(exchange)
        reply = await _raw_exchange(sink, "<hotspot@ptipd.example.ac.id> SMTPUTF8")
        assert reply == b"555 5.5.4 Unsupported option: SMTPUTF8\r\n"
        reply = await _raw_exchange(sink, "<hotspot@ptipd.example.ac.id>", "<siti.ü@contoh.id>")
        assert reply == b"553 5.6.7 Must declare SMTPUTF8 to send unicode address\r\n"
        assert sink.messages == []


async def test_undeclared_unicode_address_is_refused_like_postfix(tmp_path: Path) -> None:
    async with SmtpSink(tmp_path, smtputf8=True) as sink:
        reply = await _raw_exchange(
            sink, "<hotspot@ptipd.example.ac.id>", "<siti@bücherei-contoh.de>"
        )
        assert reply == b"553 5.6.7 Must declare SMTPUTF8 to send unicode address\r\n"
        reply = await _raw_exchange(sink, "<pengirim@bücherei-contoh.de>")
        assert reply == b"553 5.6.7 Must declare SMTPUTF8 to send unicode address\r\n"


async def test_smtplib_sees_a_relay_refusal_as_postfix_words_it(tmp_path: Path) -> None:
    async with SmtpSink(tmp_path) as sink:
        sink.faults.deny_relay("*@contoh.id")

        def exchange() -> None:
            with _connect(sink, "none", None) as client:
                client.send_message(_message("siti@contoh.id"))

        with pytest.raises(smtplib.SMTPRecipientsRefused) as caught:
            await _in_thread(exchange)
        assert caught.value.recipients == {
            "siti@contoh.id": (554, b"5.7.1 <siti@contoh.id>: Relay access denied")
        }
