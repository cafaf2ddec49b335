"""SMTP failures and the one classifier that sorts them for the outbox worker.

The classifier reads stable tokens only, never a sentence's exact wording: the reply code
(RFC 5321 section 4.2.1: 4xx transient, 5xx permanent), the exception's type, the OpenSSL
reason token (``[SSL: WRONG_VERSION_NUMBER]``) and the capability aiosmtplib names when a
server lacks an extension. Matching is case-insensitive. A failure with no entry in the
table is :class:`MailUnknownError`: retried like a temporary one, but told to the admins
at once, so nothing unknown is retried silently until the give-up time.

Each error text says what the server said (code, enhanced status code, its words, and for
refused recipients each address with its own reply) and, where one is known, what to change.
"""

from __future__ import annotations

import errno
import re
import socket
import ssl
from collections.abc import Iterator, Mapping

import aiosmtplib


class MailError(Exception):
    """Sending failed. ``code`` is the SMTP reply code when the server gave one.

    ``refused`` maps each refused recipient address to its (code, text) reply.
    """

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        refused: Mapping[str, tuple[int, str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.refused: dict[str, tuple[int, str]] = dict(refused or {})


class MailTemporaryError(MailError):
    """Worth retrying later: no connection, a timeout, a disconnect, a 4xx reply."""


class MailUnknownError(MailTemporaryError):
    """A failure the classifier has no entry for: retried, and told to the admins at once."""


class MailPermanentError(MailError):
    """Retrying will not help until someone changes something: a 5xx reply,
    refused recipients, bad credentials, a TLS setup the server does not match.
    """


# OpenSSL reason tokens for "the other side does not speak TLS here": a plain SMTP
# greeting read as a TLS record. OpenSSL 3.0/3.1 say WRONG_VERSION_NUMBER, 3.2+ may say
# RECORD_LAYER_FAILURE; UNKNOWN_PROTOCOL and PACKET_LENGTH_TOO_LONG are older spellings.
_NOT_TLS = frozenset(
    {"wrong_version_number", "record_layer_failure", "unknown_protocol", "packet_length_too_long"}
)
_UNTRUSTED = frozenset(
    {"certificate_verify_failed", "tlsv1_alert_unknown_ca", "sslv3_alert_bad_certificate"}
)
_SSL_REASON = re.compile(r"\[ssl: ([a-z0-9_]+)\]")
_ENHANCED = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")

# aiosmtplib's words when the server's EHLO lacks an extension we asked for.
_MISSING_EXTENSIONS = (
    ("starttls", "the server does not offer STARTTLS: set HOTSPOT_SMTP_SECURITY to the mode "
     "this port speaks (tls for port 465, none for a local relay)"),
    ("auth", "the server does not offer AUTH on this connection: use STARTTLS or TLS, or "
     "leave HOTSPOT_SMTP_USER empty for a relay that trusts this host"),
    ("smtputf8", "the server does not offer SMTPUTF8 (RFC 6531), so an address with a "
     "non-ASCII local part cannot be carried: ask the applicant for another address"),
)  # fmt: skip

# What to change, by enhanced status code (RFC 3463) or by reply code.
_HINTS: dict[str, str] = {
    "5.7.1": "the server refuses this sender or destination: check that it relays for this "
    "host or for HOTSPOT_SMTP_USER",
    "5.7.8": "check HOTSPOT_SMTP_USER and HOTSPOT_SMTP_PASSWORD",
    "5.7.0": "the server wants authentication or TLS first: check HOTSPOT_SMTP_USER and "
    "HOTSPOT_SMTP_SECURITY",
    "5.1.1": "the mailbox does not exist: ask the applicant for the address again",
    "5.1.2": "the domain does not exist: ask the applicant for the address again",
    "5.6.7": "the address needs SMTPUTF8, which the server does not offer: ask the applicant "
    "for another address",
    "535": "check HOTSPOT_SMTP_USER and HOTSPOT_SMTP_PASSWORD",
    "530": "the server wants authentication first: set HOTSPOT_SMTP_USER and HOTSPOT_SMTP_PASSWORD",
}

_TRANSIENT_ERRNOS = frozenset(
    {
        errno.ECONNREFUSED,
        errno.ECONNRESET,
        errno.ECONNABORTED,
        errno.EPIPE,
        errno.ETIMEDOUT,
        errno.EHOSTUNREACH,
        errno.ENETUNREACH,
        errno.ENETDOWN,
        errno.EHOSTDOWN,
    }
)


def classify(exc: BaseException, message_id: str) -> MailError:
    """Sort one failure of sending ``message_id`` into temporary, permanent or unknown.

    ``exc`` is what aiosmtplib (or the socket or ssl layer under it) raised. Returns the
    error to raise; never raises. The table, in order:

    ===================================================  ==========================
    all recipients refused, every reply 4xx (greylisting)  temporary
    all recipients refused, any reply 5xx                  permanent
    any other reply: 4xx / 5xx / anything else             temporary / permanent / unknown
    TLS: certificate not trusted                           permanent
    TLS: the port does not speak TLS (WRONG_VERSION_NUMBER) permanent
    TLS: any other reason                                  unknown
    STARTTLS, AUTH or SMTPUTF8 not offered                 permanent
    timeouts, disconnects, refused or reset connections    temporary
    an address aiosmtplib will not put on the wire         permanent
    anything else                                          unknown
    ===================================================  ==========================
    """
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        refused = {r.recipient: (r.code, r.message) for r in exc.recipients}
        return refusal(message_id, "all recipients refused", refused)
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return _reply(exc, message_id)
    if (tls := _tls_failure(exc, message_id)) is not None:
        return tls
    text = f"{message_id}: {type(exc).__name__}: {exc}"
    if isinstance(exc, aiosmtplib.SMTPNotSupported) or (
        type(exc) is aiosmtplib.SMTPException and "not supported" in str(exc).lower()
    ):
        lowered = str(exc).lower()
        for token, hint in _MISSING_EXTENSIONS:
            if token in lowered:
                return MailPermanentError(f"{text} ({hint})")
        return MailUnknownError(text)
    if _transient(exc):
        return MailTemporaryError(text)
    if isinstance(exc, ValueError):
        # aiosmtplib's check of an address before any byte is sent (a control
        # character, say): the same data fails the same way on every retry.
        return MailPermanentError(text)
    return MailUnknownError(text)


def refusal(message_id: str, what: str, refused: Mapping[str, tuple[int, str]]) -> MailError:
    """The error for recipients the server refused at RCPT: each address with its reply.

    ``refused`` maps an address to its (code, text). Temporary when every reply is 4xx
    (greylisting clears by itself), permanent when any is 5xx, unknown otherwise.
    """
    codes = [code for code, _ in refused.values()]
    replies = "; ".join(f"{address}: {code} {text}" for address, (code, text) in refused.items())
    hints = {h for _, text in refused.values() if (h := _hint(text)) is not None}
    advice = f" ({'; '.join(sorted(hints))})" if hints else ""
    message = f"{message_id}: {what}: {replies}{advice}"
    worst = max(codes, default=0)
    if codes and all(400 <= c < 500 for c in codes):
        return MailTemporaryError(message, code=worst, refused=refused)
    if any(500 <= c < 600 for c in codes):
        return MailPermanentError(message, code=worst, refused=refused)
    return MailUnknownError(message, code=worst or None, refused=refused)


def _reply(exc: aiosmtplib.SMTPResponseException, message_id: str) -> MailError:
    what = "server replied"
    if isinstance(exc, aiosmtplib.SMTPSenderRefused):
        what = f"server refused the sender {exc.sender}:"
    text = f"{message_id}: {what} {exc.code} {exc.message}"
    hint = _hint(exc.message) or _HINTS.get(str(exc.code))
    if hint is not None:
        text = f"{text} ({hint})"
    if 400 <= exc.code < 500:
        return MailTemporaryError(text, code=exc.code)
    if 500 <= exc.code < 600:
        return MailPermanentError(text, code=exc.code)
    # -1 (a line that is not an SMTP reply) or a code where none belongs.
    return MailUnknownError(text, code=exc.code)


def _hint(reply_text: str) -> str | None:
    match = _ENHANCED.search(reply_text)
    return _HINTS.get(".".join(match.groups())) if match else None


def _tls_failure(exc: BaseException, message_id: str) -> MailError | None:
    reasons: set[str] = set()
    for link in _chain(exc):
        if isinstance(link, ssl.SSLCertVerificationError):
            reasons.add("certificate_verify_failed")
        if isinstance(link, ssl.SSLError) and link.reason:
            reasons.add(link.reason.lower())
        # aiosmtplib folds the ssl error into its own message text.
        reasons.update(_SSL_REASON.findall(str(link).lower()))
    if not reasons:
        return None
    text = f"{message_id}: {type(exc).__name__}: {exc}"
    if reasons & _UNTRUSTED:
        return MailPermanentError(
            f"{text} (server certificate not trusted: set HOTSPOT_SMTP_CA_FILE to the "
            "certificate of its CA)"
        )
    if reasons & _NOT_TLS:
        return MailPermanentError(
            f"{text} (TLS mismatch: this port does not speak TLS from the first byte; use "
            "HOTSPOT_SMTP_SECURITY=starttls for port 587 or 25, or the server's TLS port 465)"
        )
    return MailUnknownError(text)


def _transient(exc: BaseException) -> bool:
    if isinstance(
        exc,
        aiosmtplib.SMTPServerDisconnected
        | aiosmtplib.SMTPConnectError
        | aiosmtplib.SMTPTimeoutError
        | TimeoutError
        | ConnectionError
        | socket.gaierror,
    ):
        return True
    return isinstance(exc, OSError) and exc.errno in _TRANSIENT_ERRNOS


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__
