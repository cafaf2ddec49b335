"""Handing a built message to an SMTP server, with failures sorted for the outbox worker."""

from __future__ import annotations

import asyncio
import logging
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr
from typing import Literal, get_args

import aiosmtplib

from bot.mail.addresses import needs_smtputf8, wire_address, wire_message
from bot.mail.smtp_errors import MailPermanentError, classify, refusal

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
        address = parseaddr(self.sender)[1]
        if not address:
            raise ValueError("sender must be an email address")
        if needs_smtputf8(address):
            # Every message would need SMTPUTF8 at every relay on the way.
            raise ValueError("the sender's local part (before @) must be ASCII")


class SmtpSender:
    """Sends one message per connection; the outbox worker paces and retries."""

    def __init__(self, config: SmtpConfig) -> None:
        self._config = config
        self._envelope_sender = wire_address(parseaddr(config.sender)[1])
        self._tls_context: ssl.SSLContext | None = None

    async def send(self, msg: EmailMessage) -> None:
        """Send ``msg`` to its To, Cc and Bcc over one connection.

        Domains go out in their ASCII form, in the envelope and the address headers
        (``msg`` itself is not changed). Raises MailTemporaryError (retry later),
        MailUnknownError (retry, and tell the admins), MailPermanentError (stop).
        """
        message_id = str(msg.get("Message-ID", "<no message-id>"))
        try:
            wired = wire_message(msg)
        except ValueError as exc:
            raise MailPermanentError(f"{message_id}: {exc}") from exc
        recipients = _recipients(wired)
        if not recipients:
            raise MailPermanentError(f"{message_id} has no recipients")
        config = self._config
        tls_context = await self._get_tls_context()
        try:
            refused, _ = await aiosmtplib.send(
                wired,
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
        except Exception as exc:
            unicode_local = [a for a in (self._envelope_sender, *recipients) if not a.isascii()]
            if isinstance(exc, aiosmtplib.SMTPNotSupported) and unicode_local:
                raise MailPermanentError(
                    f"{message_id}: {', '.join(unicode_local)}: the part before @ is not ASCII, "
                    "and the mail server does not offer SMTPUTF8 (RFC 6531) to carry it: "
                    "ask the applicant for another address"
                ) from exc
            raise classify(exc, message_id) from exc
        if refused:
            # The server took the message for the other recipients, so a retry
            # would send them a second copy: report it as final.
            detail = {address: (reply.code, reply.message) for address, reply in refused.items()}
            error = refusal(
                message_id, f"{len(detail)} of {len(recipients)} recipients refused", detail
            )
            raise MailPermanentError(str(error), code=error.code, refused=detail)
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
