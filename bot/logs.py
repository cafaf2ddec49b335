"""The process's log: one line per start, stop, decision, failure and failed job attempt.

Our own loggers log at `HOTSPOT_LOG_LEVEL` (INFO by default); the libraries' loggers are
held at WARNING, since at INFO APScheduler writes two lines per job run (about 35,000 a day
with a 5-second outbox sweep), Alembic seven per start and httpx one per Bot API call, with
the token in the URL. `HOTSPOT_LOG_FORMAT=json` writes one JSON object per line for a log
collector. Both formats are redacted (bot/redaction.py): the record factory cleans the
message where it is made, the formatter cleans what is added later (tracebacks).
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Literal, TextIO

from bot.redaction import NOISY_LOGGERS, RedactingFormatter, Redactor, install_redaction

LogFormat = Literal["text", "json"]

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Libraries that speak at INFO about routine work; their warnings and errors still show.
QUIET_LIBRARIES = (
    *NOISY_LOGGERS,
    "apscheduler",
    "alembic",
    "telegram",
    "asyncpg",
    "sqlalchemy",
    "aiosmtplib",
    "aiohttp",
    "routeros_api",
)
# A sweep still running when its next turn comes is skipped on purpose (max_instances=1,
# coalesce): the running one does the work, so the warning is noise.
SKIPPED_RUN = "maximum number of running instances reached"


class SkippedSweepFilter(logging.Filter):
    """Drops APScheduler's "skipped: maximum number of running instances" warnings."""

    def filter(self, record: logging.LogRecord) -> bool:
        return SKIPPED_RUN not in record.getMessage()


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message and, for an
    exception, its formatted traceback; every value redacted."""

    def __init__(self, redact: Redactor) -> None:
        super().__init__()
        self.redact = redact

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, str] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": self.redact(record.getMessage()),
        }
        if record.exc_info:
            entry["exception"] = self.redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def install(
    secrets: list[str],
    level: str | int = logging.INFO,
    log_format: LogFormat = "text",
    stream: TextIO | None = None,
) -> Redactor:
    """Replaces the root handlers with one redacting handler on `stream` (stderr by
    default) in `log_format`; our loggers at `level`, the libraries at WARNING (or above
    when `level` is higher). Returns the redactor, for text that leaves by other ways."""
    redactor = install_redaction(secrets)
    handler = logging.StreamHandler(stream or sys.stderr)
    if log_format == "json":
        handler.setFormatter(JsonFormatter(redactor))
    else:
        handler.setFormatter(RedactingFormatter(redactor, TEXT_FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    numeric = logging.getLevelName(level) if isinstance(level, str) else level
    root.setLevel(numeric)
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(max(logging.WARNING, numeric))
    scheduler = logging.getLogger("apscheduler.scheduler")
    if not any(isinstance(f, SkippedSweepFilter) for f in scheduler.filters):
        scheduler.addFilter(SkippedSweepFilter())
    return redactor
