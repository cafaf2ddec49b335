"""Fixtures for the mail tests: a running sink, a sender aimed at it, TLS material."""

from __future__ import annotations

import asyncio
import shutil
import socket
import ssl
import subprocess
from collections.abc import AsyncIterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from bot.mail.message import build_message, make_message_id
from bot.mail.sender import SmtpConfig
from bot.mail.sink import SmtpSink
from tests.mail.support import (
    APPLICANT,
    PASSWORD_IN_BODY,
    SENDER,
    ConfigFactory,
    MessageFactory,
    TlsFiles,
)


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    """A self-signed certificate for 127.0.0.1 and localhost, made once per run."""
    # cryptography is not in the venv; the openssl CLI does the same job.
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("needs the openssl command to make a test certificate")
    directory = tmp_path_factory.mktemp("tls")
    files = TlsFiles(cert=directory / "cert.pem", key=directory / "key.pem")
    subprocess.run(
        [
            openssl, "req", "-x509", "-nodes", "-days", "2",
            "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-keyout", str(files.key), "-out", str(files.cert),
            "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return files


@pytest.fixture(scope="session")
def server_ssl_context(tls_files: TlsFiles) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(tls_files.cert, tls_files.key)
    return context


@pytest.fixture
async def sink(tmp_path: Path) -> AsyncIterator[SmtpSink]:
    async with SmtpSink(tmp_path / "outbox") as running:
        yield running


@pytest.fixture
def make_config() -> ConfigFactory:
    def make(port: int, **overrides: Any) -> SmtpConfig:
        values: dict[str, Any] = {
            "host": "127.0.0.1",
            "port": port,
            "username": None,
            "password": None,
            "security": "none",
            "sender": SENDER,
            "timeout": 2.0,
        }
        values.update(overrides)
        return SmtpConfig(**values)

    return make


@pytest.fixture
def make_message() -> MessageFactory:
    def make(job_key: str = "HS-2026-000123.credentials", **overrides: Any) -> EmailMessage:
        values: dict[str, Any] = {
            "sender": SENDER,
            "to": APPLICANT,
            "subject": "Akun hotspot Anda",
            "text": f"Nama pengguna: budi\nKata sandi: {PASSWORD_IN_BODY}\n",
            "html": f"<p>Nama pengguna: <b>budi</b><br>Kata sandi: <b>{PASSWORD_IN_BODY}</b></p>\n",
            "message_id": make_message_id(job_key, "ptipd.example.ac.id"),
            "language": "id",
        }
        values.update(overrides)
        return build_message(**values)

    return make


@pytest.fixture
def unused_port() -> int:
    """A port nothing listens on: bound, read, released."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
async def web_server() -> AsyncIterator[int]:
    """A port where something other than SMTP answers (an HTTP server, say)."""

    async def answer(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    yield server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()
