"""The outgoing email itself: one multipart/alternative message per delivery."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime

import idna

_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_DOTS = re.compile(r"\.{2,}")
_KEY_MAX = 64
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_DOMAIN = re.compile(rf"^{_LABEL}(?:\.{_LABEL})*$")
_MESSAGE_ID = re.compile(r"^<[^<>@\s]+@[^<>@\s]+>$")
# BCP 47 shape only; which languages the bot speaks is the dialog's business.
_LANGUAGE = re.compile(r"^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$")


def make_message_id(job_key: str, domain: str) -> str:
    """Return ``<hotspot-desk.{key}@{domain}>`` for an outbox job.

    The id depends only on its arguments, so a retried job carries the same
    Message-ID and a receiving system (or a person) can spot the duplicate.
    """
    if not job_key:
        raise ValueError("job_key must not be empty")
    key = _DOTS.sub(".", _KEY_UNSAFE.sub("-", job_key)).strip(".-")
    if key != job_key or len(key) > _KEY_MAX:
        # Sanitising can map two keys onto one ("a/b", "a:b"); a digest of the
        # original keeps them apart while staying stable across retries.
        digest = hashlib.sha256(job_key.encode("utf-8")).hexdigest()[:12]
        key = f"{key[:_KEY_MAX].rstrip('.-')}.{digest}".lstrip(".")
    return f"<hotspot-desk.{key}@{_normalise_domain(domain)}>"


def build_message(
    *,
    sender: str,
    to: str,
    subject: str,
    text: str,
    html: str,
    message_id: str,
    language: str,
    date: datetime | None = None,
) -> EmailMessage:
    """Build a UTF-8 multipart/alternative message: plain text first, HTML second.

    Clients show the last alternative they can render, so the order puts HTML
    in front of the reader and keeps the plain text for everyone else.
    """
    if not _MESSAGE_ID.match(message_id):
        raise ValueError("message_id must look like <left@right>")
    if not _LANGUAGE.match(language):
        raise ValueError(f"not a language tag: {language!r}")
    if date is None:
        date = datetime.now(UTC)
    elif date.utcoffset() is None:
        raise ValueError("date must be timezone-aware")

    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(date)
    msg["Message-ID"] = message_id
    # RFC 3834: tells vacation responders not to answer a machine.
    msg["Auto-Submitted"] = "auto-generated"
    # Quoted-printable keeps the message 7-bit, so any relay accepts it without
    # 8BITMIME, and the .eml stays readable for people checking the demo.
    msg.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    msg.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    # Only now: turning the message multipart moves every Content-* header
    # into the first part, and this one describes the whole message.
    msg["Content-Language"] = language
    return msg


def _normalise_domain(domain: str) -> str:
    try:
        # IDNA 2008 (the idna package), as for addresses: Python's own codec is IDNA 2003.
        ascii_domain = idna.encode(domain.strip().rstrip("."), uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError) as exc:
        raise ValueError(f"not a domain name: {domain!r}") from exc
    if not _DOMAIN.match(ascii_domain):
        raise ValueError(f"not a domain name: {domain!r}")
    return ascii_domain
