"""Keeps secrets out of log lines, whatever library wrote them."""

from __future__ import annotations

import logging
import re

# A Telegram bot token: digits, a colon, 30+ URL-safe characters. It appears in the Bot API
# URL that HTTP clients print ("POST https://api.telegram.org/bot<token>/getUpdates").
TOKEN_PATTERN = re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}")
NOISY_LOGGERS = ("httpx", "httpcore", "telegram.request", "mail.log", "aiosqlite", "apscheduler.executors.default")


class RedactingFilter(logging.Filter):
    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [secret for secret in secrets if len(secret) >= 4]

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "[redacted]")
        return TOKEN_PATTERN.sub("[redacted-token]", text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = self.redact(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        return True


def install(secrets: list[str], level: int = logging.INFO) -> RedactingFilter:
    """Root logging with redaction on every handler; HTTP client loggers held at WARNING."""
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    redactor = RedactingFilter(secrets)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redactor)
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    return redactor
