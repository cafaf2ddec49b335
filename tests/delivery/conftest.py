"""The bot on the local stand-ins, with retries fast enough for tests."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.demo.stage import LocalStage

GUEST = 3001
OTHER = 3002

QUICK = {
    "outbox_retry_seconds": 0.05,
    "outbox_retry_cap_seconds": 0.2,
    "outbox_interval_seconds": 0.2,
}


@pytest.fixture
async def stage(tmp_path: Path, sqlite_url: str) -> AsyncIterator[LocalStage]:
    async with LocalStage(tmp_path, database_url=sqlite_url, **QUICK) as running:
        running.emulator.add_user(GUEST, "Siti", "Aminah", username="siti")
        running.emulator.add_user(OTHER, "Eve", "Mallory", username="eve")
        yield running


@dataclass(frozen=True)
class Certificate:
    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, self.key)
        return context


def _make_certificate(folder: Path, name: str) -> Certificate:
    openssl = shutil.which("openssl")
    assert openssl is not None, "the openssl command makes the test certificates"
    cert, key = folder / f"{name}.crt", folder / f"{name}.key"
    subprocess.run(
        [
            openssl, "req", "-x509", "-nodes", "-days", "2",
            "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-keyout", str(key), "-out", str(cert),
            "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return Certificate(cert, key)


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    """Self-signed for 127.0.0.1, as a router makes one for api-ssl."""
    return _make_certificate(tmp_path_factory.mktemp("tls"), "router")


@pytest.fixture(scope="session")
def stranger_certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    return _make_certificate(tmp_path_factory.mktemp("tls-other"), "stranger")
