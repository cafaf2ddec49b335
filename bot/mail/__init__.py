"""Email as an outbound channel: building the message and handing it to SMTP.

The local stand-in server lives in :mod:`bot.mail.sink` and is imported from
there, so production code does not load it.
"""

from bot.mail.message import build_message, make_message_id
from bot.mail.sender import SmtpConfig, SmtpSecurity, SmtpSender
from bot.mail.smtp_errors import MailError, MailPermanentError, MailTemporaryError, MailUnknownError

__all__ = [
    "MailError",
    "MailPermanentError",
    "MailTemporaryError",
    "MailUnknownError",
    "SmtpConfig",
    "SmtpSecurity",
    "SmtpSender",
    "build_message",
    "make_message_id",
]
