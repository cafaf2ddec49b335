"""Keeps secrets out of log lines, whatever library wrote them.

The bot token sits in every Bot API URL, and HTTP clients print URLs. Redaction happens
where log records are made, so it holds for every handler, including ones added later.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

# A Telegram bot token: digits, a colon, 30+ URL-safe characters.
TOKEN_PATTERN = re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}")
# Their URLs carry the token; their DEBUG lines carry message bodies and addresses.
NOISY_LOGGERS = ("httpx", "httpcore", "telegram.request", "mail.log", "aiosqlite")


class Redactor:
    def __init__(self, secrets: list[str]) -> None:
        self.secrets = sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "[redacted]")
        return TOKEN_PATTERN.sub("[redacted-token]", text)


def _redacting_factory(
    base: Callable[..., logging.LogRecord], redact: Redactor
) -> Callable[..., logging.LogRecord]:
    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = base(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is the logging module's business, not ours
            return record
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return record

    return factory


_original_factory = logging.getLogRecordFactory()


def install_redaction(secrets: list[str]) -> Redactor:
    redactor = Redactor(secrets)
    logging.setLogRecordFactory(_redacting_factory(_original_factory, redactor))
    return redactor


class RedactingFormatter(logging.Formatter):
    """Also cleans what records do not hold as text yet: formatted tracebacks."""

    def __init__(self, redact: Redactor, fmt: str) -> None:
        super().__init__(fmt)
        self.redact = redact

    def format(self, record: logging.LogRecord) -> str:
        return self.redact(super().format(record))

