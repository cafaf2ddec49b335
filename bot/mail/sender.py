"""Handing a built message to an SMTP server, with failures sorted for the outbox worker."""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr
from typing import Literal, get_args

import aiosmtplib

log = logging.getLogger(__name__)

SmtpSecurity = Literal["none", "starttls", "tls"]


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    host: str
    port: int
    username: str | None
    # Kept out of repr so that logging a config never prints the secret.
    password: str | None = field(repr=False)
    security: SmtpSecurity
    sender: str
    timeout: float = 30
    validate_certs: bool = True
    ca_file: str | None = None

    def __post_init__(self) -> None:
        if self.security not in get_args(SmtpSecurity):
            raise ValueError(f"security must be one of {get_args(SmtpSecurity)}")
        if not 0 < self.port < 65536:
            raise ValueError("port must be between 1 and 65535")
        if (self.username is None) != (self.password is None):
            raise ValueError("username and password go together")
        if self.timeout <= 0:
            raise ValueError("timeout must be positive")
        if not parseaddr(self.sender)[1]:
            raise ValueError("sender must be an email address")


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


class SmtpSender:
    """Sends one message per connection; the outbox worker paces and retries."""

    def __init__(self, config: SmtpConfig) -> None:
        self._config = config
        self._envelope_sender = parseaddr(config.sender)[1]
        self._tls_context: ssl.SSLContext | None = None

    async def send(self, msg: EmailMessage) -> None:
        message_id = str(msg.get("Message-ID", "<no message-id>"))
        recipients = _recipients(msg)
        if not recipients:
            raise MailPermanentError(f"{message_id} has no recipients")
        config = self._config
        tls_context = await self._get_tls_context()
        try:
            refused, _ = await aiosmtplib.send(
                msg,
                sender=self._envelope_sender,
                recipients=recipients,
                hostname=config.host,
                port=config.port,
                username=config.username,
                password=config.password,
                use_tls=config.security == "tls",
                # False, not None: None would let aiosmtplib upgrade on its own,
                # and "none" must mean exactly what the operator configured.
                start_tls=config.security == "starttls",
                validate_certs=config.validate_certs,
                tls_context=tls_context,
                timeout=config.timeout,
            )
        except (aiosmtplib.SMTPException, OSError, ValueError) as exc:
            raise _classify(exc, message_id) from exc
        if refused:
            # The server took the message for the other recipients, so a retry
            # would send them a second copy: report it as final.
            detail = {address: (reply.code, reply.message) for address, reply in refused.items()}
            codes = ", ".join(str(code) for code, _ in detail.values())
            raise MailPermanentError(
                f"{message_id}: {len(detail)} of {len(recipients)} recipients refused ({codes})",
                code=next(iter(detail.values()))[0],
                refused=detail,
            )
        log.info("sent %s to %d recipients", message_id, len(recipients))

    async def _get_tls_context(self) -> ssl.SSLContext | None:
        config = self._config
        if config.ca_file is None or config.security == "none":
            return None
        if self._tls_context is None:
            try:
                # Reads the CA file; kept off the event loop like aiosmtplib does.
                self._tls_context = await asyncio.to_thread(
                    _tls_context, config.ca_file, config.validate_certs
                )
            except OSError as exc:  # ssl.SSLError included
                raise MailPermanentError(f"cannot load ca_file {config.ca_file}: {exc}") from exc
        return self._tls_context


def _tls_context(ca_file: str, validate_certs: bool) -> ssl.SSLContext:
    # Trusts only ca_file: a private CA is the reason to set it.
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=ca_file)
    if not validate_certs:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def _recipients(msg: EmailMessage) -> list[str]:
    values = [str(value) for name in ("To", "Cc", "Bcc") for value in msg.get_all(name, [])]
    addresses = (address for _, address in getaddresses(values) if address)
    return list(dict.fromkeys(addresses))


def _classify(exc: Exception, message_id: str) -> MailError:
    """Sort an aiosmtplib failure into temporary or permanent."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        refused = {r.recipient: (r.code, r.message) for r in exc.recipients}
        codes = sorted({code for code, _ in refused.values()})
        text = f"{message_id}: all recipients refused ({', '.join(map(str, codes))})"
        # Greylisting answers RCPT with 4xx; that one clears up by itself.
        error = MailTemporaryError if all(400 <= c < 500 for c in codes) else MailPermanentError
        return error(text, code=codes[-1], refused=refused)
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        text = f"{message_id}: server replied {exc.code} {exc.message}"
        if 500 <= exc.code < 600:
            return MailPermanentError(text, code=exc.code)
        return MailTemporaryError(text, code=exc.code)
    if _certificate_rejected(exc):
        # An untrusted or mismatched certificate needs an operator, not retries.
        return MailPermanentError(f"{message_id}: server certificate not trusted: {exc}")
    if isinstance(
        exc,
        aiosmtplib.SMTPServerDisconnected
        | aiosmtplib.SMTPConnectError
        | aiosmtplib.SMTPTimeoutError
        | OSError,
    ):
        return MailTemporaryError(f"{message_id}: {type(exc).__name__}: {exc}")
    # Left: ValueError (an address that cannot go on the wire) and plain
    # SMTPException / SMTPNotSupported (the server lacks STARTTLS, AUTH or
    # SMTPUTF8): configuration or data problems that a retry repeats.
    return MailPermanentError(f"{message_id}: {type(exc).__name__}: {exc}")


def _certificate_rejected(exc: BaseException) -> bool:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, ssl.SSLCertVerificationError):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False
