"""Names shared by the mail tests and their fixtures."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Protocol

from bot.mail.sender import SmtpConfig

SENDER = "Hotspot Desk <hotspot@ptipd.example.ac.id>"
APPLICANT = "pemohon@example.org"
PASSWORD_IN_BODY = "Rahasia-123"


@dataclass(frozen=True)
class TlsFiles:
    cert: Path
    key: Path


class ConfigFactory(Protocol):
    def __call__(self, port: int, **overrides: Any) -> SmtpConfig: ...


class MessageFactory(Protocol):
    def __call__(self, job_key: str = ..., **overrides: Any) -> EmailMessage: ...
