"""How SMTP failures sort: real aiosmtplib against the sink (or a server that is no sink),
and the classifier's table on the exceptions aiosmtplib and ssl raise."""

from __future__ import annotations

import errno
import socket
import ssl
from pathlib import Path

import aiosmtplib
import pytest

from bot.mail.sender import SmtpSender
from bot.mail.sink import SmtpSink
from bot.mail.smtp_errors import (
    MailError,
    MailPermanentError,
    MailTemporaryError,
    MailUnknownError,
    classify,
)
from tests.mail.support import ConfigFactory, MessageFactory, TlsFiles


async def test_implicit_tls_against_a_plain_server_is_permanent(
    sink: SmtpSink, make_config: ConfigFactory, make_message: MessageFactory
) -> None:
    # SMTP_SECURITY=tls aimed at a port that speaks plain SMTP (25 or 587 with STARTTLS).
    sender = SmtpSender(make_config(sink.port, security="tls"))

    with pytest.raises(MailError) as caught:
        await sender.send(make_message())

    assert type(caught.value) is MailPermanentError
    assert "WRONG_VERSION_NUMBER" in str(caught.value)
    assert "starttls" in str(caught.value)
    assert sink.messages == []


async def test_a_relay_refusal_names_each_recipient_and_the_servers_words(
    sink: SmtpSink, make_config: ConfigFactory, make_message: MessageFactory
) -> None:
    sink.faults.deny_relay("*@example.org")

    with pytest.raises(MailPermanentError) as caught:
        await SmtpSender(make_config(sink.port)).send(make_message())

    assert caught.value.code == 554
    assert "pemohon@example.org: 554 5.7.1 <pemohon@example.org>: Relay access denied" in str(
        caught.value
    )


async def test_one_refusal_of_two_names_the_refused_recipient(
    sink: SmtpSink, make_config: ConfigFactory, make_message: MessageFactory
) -> None:
    sink.faults.deny_relay("admin@blocked.example")
    msg = make_message()
    msg["Cc"] = "admin@blocked.example"

    with pytest.raises(MailPermanentError) as caught:
        await SmtpSender(make_config(sink.port)).send(msg)

    assert "admin@blocked.example: 554 5.7.1 <admin@blocked.example>: Relay access" in str(
        caught.value
    )


async def test_a_server_that_is_not_smtp_is_unknown(
    web_server: int, make_config: ConfigFactory, make_message: MessageFactory
) -> None:
    with pytest.raises(MailUnknownError) as caught:
        await SmtpSender(make_config(web_server)).send(make_message())

    assert "Malformed SMTP response" in str(caught.value)


async def test_starttls_against_an_implicit_tls_port_times_out_as_temporary(
    tmp_path: Path,
    server_ssl_context: ssl.SSLContext,
    tls_files: TlsFiles,
    make_config: ConfigFactory,
    make_message: MessageFactory,
) -> None:
    # Both sides wait for the other to speak first: nothing tells a mismatch from a
    # slow server, so it stays temporary and the stuck-job alert names the timeout.
    async with SmtpSink(tmp_path, security="tls", ssl_context=server_ssl_context) as sink:
        config = make_config(
            sink.port, security="starttls", ca_file=str(tls_files.cert), timeout=0.3
        )
        with pytest.raises(MailError) as caught:
            await SmtpSender(config).send(make_message())

    assert type(caught.value) is MailTemporaryError


def _ssl_error(reason: str) -> aiosmtplib.SMTPConnectError:
    cause = ssl.SSLError(1, f"[SSL: {reason}] {reason.lower().replace('_', ' ')} (_ssl.c:1006)")
    cause.reason = reason
    error = aiosmtplib.SMTPConnectError(f"Error connecting to smtp.example on port 465: {cause}")
    error.__cause__ = cause
    return error


def _refused(*replies: tuple[str, int, str]) -> aiosmtplib.SMTPRecipientsRefused:
    return aiosmtplib.SMTPRecipientsRefused(
        [aiosmtplib.SMTPRecipientRefused(code, text, address) for address, code, text in replies]
    )


TABLE: list[tuple[str, BaseException, type[MailError]]] = [
    ("greylisted", _refused(("a@x.example", 450, "4.7.1 Greylisted")), MailTemporaryError),
    (
        "relay denied",
        _refused(("a@x.example", 554, "5.7.1 Relay access denied")),
        MailPermanentError,
    ),
    (
        "4xx and 5xx refusals",
        _refused(("a@x.example", 450, "4.2.0 Busy"), ("b@y.example", 550, "5.1.1 Unknown")),
        MailPermanentError,
    ),
    (
        "421 closing",
        aiosmtplib.SMTPResponseException(421, "4.3.2 Shutting down"),
        MailTemporaryError,
    ),
    ("451 at DATA", aiosmtplib.SMTPDataError(451, "4.3.0 Try later"), MailTemporaryError),
    ("552 too big", aiosmtplib.SMTPDataError(552, "5.3.4 Message too big"), MailPermanentError),
    (
        "535 auth failed",
        aiosmtplib.SMTPAuthenticationError(535, "5.7.8 Authentication credentials invalid"),
        MailPermanentError,
    ),
    (
        "454 auth unavailable",
        aiosmtplib.SMTPAuthenticationError(454, "4.7.0 Temporary authentication failure"),
        MailTemporaryError,
    ),
    (
        "sender refused",
        aiosmtplib.SMTPSenderRefused(553, "5.7.1 Sender address rejected", "a@b.example"),
        MailPermanentError,
    ),
    (
        "malformed reply",
        aiosmtplib.SMTPResponseException(-1, "Malformed SMTP response"),
        MailUnknownError,
    ),
    (
        "3xx where none belongs",
        aiosmtplib.SMTPResponseException(334, "VXNlcm5hbWU6"),
        MailUnknownError,
    ),
    (
        "connection refused",
        aiosmtplib.SMTPConnectError("Error connecting: [Errno 111] refused"),
        MailTemporaryError,
    ),
    (
        "connect timeout",
        aiosmtplib.SMTPConnectTimeoutError("Timed out connecting"),
        MailTemporaryError,
    ),
    (
        "read timeout",
        aiosmtplib.SMTPReadTimeoutError("Timed out waiting for server response"),
        MailTemporaryError,
    ),
    ("disconnected", aiosmtplib.SMTPServerDisconnected("Connection lost"), MailTemporaryError),
    (
        "reset",
        ConnectionResetError(errno.ECONNRESET, "Connection reset by peer"),
        MailTemporaryError,
    ),
    ("unreachable", OSError(errno.EHOSTUNREACH, "No route to host"), MailTemporaryError),
    (
        "dns",
        socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution"),
        MailTemporaryError,
    ),
    ("tls on a plain port", _ssl_error("WRONG_VERSION_NUMBER"), MailPermanentError),
    ("tls on a plain port (newer OpenSSL)", _ssl_error("RECORD_LAYER_FAILURE"), MailPermanentError),
    ("tls unknown protocol", _ssl_error("UNKNOWN_PROTOCOL"), MailPermanentError),
    ("tls untrusted", _ssl_error("CERTIFICATE_VERIFY_FAILED"), MailPermanentError),
    ("tls other", _ssl_error("SSLV3_ALERT_HANDSHAKE_FAILURE"), MailUnknownError),
    (
        "no STARTTLS",
        aiosmtplib.SMTPException("SMTP STARTTLS extension not supported by server."),
        MailPermanentError,
    ),
    (
        "no AUTH",
        aiosmtplib.SMTPException("The SMTP AUTH extension is not supported by this server."),
        MailPermanentError,
    ),
    (
        "no SMTPUTF8",
        aiosmtplib.SMTPNotSupported("SMTPUTF8 is not supported by this server"),
        MailPermanentError,
    ),
    ("something new", aiosmtplib.SMTPException("Something nobody has seen"), MailUnknownError),
    ("not even SMTP", RuntimeError("boom"), MailUnknownError),
]


@pytest.mark.parametrize(
    ("error", "expected"), [(e, k) for _, e, k in TABLE], ids=[name for name, _, _ in TABLE]
)
def test_the_classifier_table(error: BaseException, expected: type[MailError]) -> None:
    assert type(classify(error, "<id@x.example>")) is expected


def test_tokens_match_in_any_case() -> None:
    lowered = aiosmtplib.SMTPException("smtp starttls extension NOT SUPPORTED by server.")

    assert type(classify(lowered, "<id@x.example>")) is MailPermanentError
