"""STARTTLS, implicit TLS and AUTH, with a self-signed certificate trusted via ca_file."""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest

from bot.mail.sender import SmtpSecurity, SmtpSender
from bot.mail.sink import SmtpSink
from bot.mail.smtp_errors import MailPermanentError
from tests.mail.support import ConfigFactory, MessageFactory, TlsFiles

TLS_MODES: list[SmtpSecurity] = ["starttls", "tls"]


@pytest.mark.parametrize("security", TLS_MODES)
async def test_delivery_over_tls_trusting_ca_file(
    security: SmtpSecurity,
    tmp_path: Path,
    server_ssl_context: ssl.SSLContext,
    tls_files: TlsFiles,
    make_config: ConfigFactory,
    make_message: MessageFactory,
) -> None:
    async with SmtpSink(tmp_path, security=security, ssl_context=server_ssl_context) as sink:
        config = make_config(sink.port, security=security, ca_file=str(tls_files.cert))

        await SmtpSender(config).send(make_message())

        [received] = await sink.wait_for(1)
        assert received.message["Content-Language"] == "id"


@pytest.mark.parametrize("security", TLS_MODES)
async def test_untrusted_certificate_is_permanent(
    security: SmtpSecurity,
    tmp_path: Path,
    server_ssl_context: ssl.SSLContext,
    make_config: ConfigFactory,
    make_message: MessageFactory,
) -> None:
    async with SmtpSink(tmp_path, security=security, ssl_context=server_ssl_context) as sink:
        config = make_config(sink.port, security=security)  # system CAs only

        with pytest.raises(MailPermanentError, match="certificate"):
            await SmtpSender(config).send(make_message())

        assert sink.messages == []


async def test_validate_certs_off_accepts_self_signed(
    tmp_path: Path,
    server_ssl_context: ssl.SSLContext,
    make_config: ConfigFactory,
    make_message: MessageFactory,
) -> None:
    async with SmtpSink(tmp_path, security="tls", ssl_context=server_ssl_context) as sink:
        config = make_config(sink.port, security="tls", validate_certs=False)

        await SmtpSender(config).send(make_message())

        await sink.wait_for(1)


@pytest.mark.parametrize(("password", "accepted"), [("benar", True), ("salah", False)])
async def test_auth_over_starttls(
    password: str,
    accepted: bool,
    tmp_path: Path,
    server_ssl_context: ssl.SSLContext,
    tls_files: TlsFiles,
    make_config: ConfigFactory,
    make_message: MessageFactory,
) -> None:
    async with SmtpSink(
        tmp_path,
        security="starttls",
        ssl_context=server_ssl_context,
        credentials=("helpdesk", "benar"),
    ) as sink:
        config = make_config(
            sink.port,
            security="starttls",
            ca_file=str(tls_files.cert),
            username="helpdesk",
            password=password,
        )
        sender = SmtpSender(config)

        if accepted:
            await sender.send(make_message())
            await sink.wait_for(1)
        else:
            with pytest.raises(MailPermanentError) as caught:
                await sender.send(make_message())
            assert caught.value.code == 535
            assert password not in str(caught.value)


async def test_starttls_required_but_not_offered_is_permanent(
    sink: SmtpSink,
    tls_files: TlsFiles,
    make_config: ConfigFactory,
    make_message: MessageFactory,
) -> None:
    config = make_config(sink.port, security="starttls", ca_file=str(tls_files.cert))

    with pytest.raises(MailPermanentError, match="STARTTLS"):
        await SmtpSender(config).send(make_message())


async def test_unreadable_ca_file_is_permanent(
    tmp_path: Path, make_config: ConfigFactory, make_message: MessageFactory, unused_port: int
) -> None:
    config = make_config(unused_port, security="tls", ca_file=str(tmp_path / "missing.pem"))

    with pytest.raises(MailPermanentError, match="ca_file"):
        await SmtpSender(config).send(make_message())
