"""What a failed Bot API call means for us: one table of Telegram's own error texts.

python-telegram-bot turns an error answer into an exception by HTTP status (403 Forbidden,
400 BadRequest, 5xx NetworkError...) and rewrites the description: it drops a leading
"Bad Request: " and capitalises the rest (`str.capitalize`, so "BUTTON_DATA_INVALID" becomes
"Button_data_invalid"). The texts are therefore matched as lower-case stable tokens, never by
exact wording. Two answers are told by class, because python-telegram-bot raises them from the
answer's `parameters`: `RetryAfter` (flood control, 429) and `ChatMigrated` (a group upgraded
to a supergroup). A text that is not in the table is UNKNOWN: retried, and told to the admins
at once with Telegram's words, rather than guessed at.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from telegram.error import (
    BadRequest,
    ChatMigrated,
    InvalidToken,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.channels.messenger import (
    MessengerEditGoneError,
    MessengerError,
    MessengerPermanentError,
    MessengerRecipientGoneError,
    MessengerRedirectError,
    MessengerTemporaryError,
    MessengerUnknownError,
)


class Verdict(StrEnum):
    IGNORE = "ignore"  # nothing to do: the outcome is already there (an edit with no change)
    SEND_NEW = "send_new"  # the message to edit is gone or frozen: send a new one instead
    PERMANENT = "permanent"  # retrying cannot help: no such chat, no rights, our own bad markup
    GONE = "gone"  # permanent, and the person's own doing: they blocked the bot, left Telegram
    TEMPORARY = "temporary"  # retry with back-off: flood control, network, Telegram's 5xx
    REDIRECT = "redirect"  # the chat moved: follow `new_chat_id`
    UNKNOWN = "unknown"  # not in the table: retry, and tell the admins at once


# Lower-case tokens of Telegram's descriptions (Bot API server texts), first match wins.
KNOWN_TEXTS: tuple[tuple[str, Verdict], ...] = (
    ("message is not modified", Verdict.IGNORE),
    ("query is too old", Verdict.IGNORE),
    ("query id is invalid", Verdict.IGNORE),
    ("message to edit not found", Verdict.SEND_NEW),
    ("message can't be edited", Verdict.SEND_NEW),
    ("there is no text in the message to edit", Verdict.SEND_NEW),
    ("there is no caption in the message to edit", Verdict.SEND_NEW),
    ("message_id_invalid", Verdict.SEND_NEW),
    ("group chat was upgraded to a supergroup chat", Verdict.REDIRECT),
    ("chat not found", Verdict.PERMANENT),
    ("bot was blocked by the user", Verdict.GONE),
    ("user is deactivated", Verdict.GONE),
    ("bot was kicked", Verdict.PERMANENT),
    ("bot is not a member", Verdict.PERMANENT),
    ("bot can't initiate conversation", Verdict.PERMANENT),
    ("bot can't send messages to bots", Verdict.PERMANENT),
    ("not enough rights", Verdict.PERMANENT),
    ("have no rights to send", Verdict.PERMANENT),
    ("need administrator rights", Verdict.PERMANENT),
    ("chat_write_forbidden", Verdict.PERMANENT),
    ("chat_admin_required", Verdict.PERMANENT),
    ("chat_restricted", Verdict.PERMANENT),
    ("group chat was deactivated", Verdict.PERMANENT),
    ("peer_id_invalid", Verdict.PERMANENT),
    ("user not found", Verdict.PERMANENT),
    ("topic_closed", Verdict.PERMANENT),
    ("can't parse entities", Verdict.PERMANENT),
    ("message is too long", Verdict.PERMANENT),
    ("message caption is too long", Verdict.PERMANENT),
    ("message text is empty", Verdict.PERMANENT),
    ("button_data_invalid", Verdict.PERMANENT),
    ("reply markup is too long", Verdict.PERMANENT),
    ("can't parse inline keyboard button", Verdict.PERMANENT),
    ("message to be replied not found", Verdict.PERMANENT),
    ("wrong file identifier", Verdict.PERMANENT),
    ("file is too big", Verdict.PERMANENT),
    ("file must be non-empty", Verdict.PERMANENT),
    ("request entity too large", Verdict.PERMANENT),
    ("too many requests", Verdict.TEMPORARY),
    ("flood control exceeded", Verdict.TEMPORARY),
    ("timed out", Verdict.TEMPORARY),
    ("internal server error", Verdict.TEMPORARY),
    ("bad gateway", Verdict.TEMPORARY),
    ("service unavailable", Verdict.TEMPORARY),
    ("gateway timeout", Verdict.TEMPORARY),
    ("unknown error in http implementation", Verdict.TEMPORARY),
    ("httpx.", Verdict.TEMPORARY),
)


@dataclass(frozen=True)
class Classified:
    """A Bot API failure sorted: the verdict, Telegram's own words (for logs and the admins'
    alerts), and for a REDIRECT the chat's new id (None when Telegram gave none)."""

    verdict: Verdict
    words: str
    new_chat_id: int | None = None


def telegram_words(error: TelegramError) -> str:
    """Telegram's description as it sent it, as far as python-telegram-bot left it: the
    "Bad Request: " it dropped is put back and the first letter it capitalised lowered."""
    if isinstance(error, ChatMigrated):
        return (
            "Bad Request: group chat was upgraded to a supergroup chat "
            f"(migrate_to_chat_id {error.new_chat_id})"
        )
    if isinstance(error, RetryAfter):
        # The library's own sentence: it keeps the wait but not Telegram's text.
        return f"Too Many Requests: {error.message}"
    message = error.message
    if isinstance(error, BadRequest):
        return f"Bad Request: {message[:1].lower()}{message[1:]}"
    return message


def classify(error: TelegramError) -> Classified:
    """Sorts one python-telegram-bot exception; never raises."""
    words = telegram_words(error)
    if isinstance(error, ChatMigrated):
        return Classified(Verdict.REDIRECT, words, int(error.new_chat_id))
    if isinstance(error, RetryAfter | TimedOut):
        return Classified(Verdict.TEMPORARY, words)
    if isinstance(error, InvalidToken):
        return Classified(Verdict.PERMANENT, words)
    lowered = words.lower()
    for token, verdict in KNOWN_TEXTS:
        if token in lowered:
            if verdict is Verdict.REDIRECT:
                # Without `migrate_to_chat_id` there is nowhere to follow.
                return Classified(Verdict.PERMANENT, words)
            return Classified(verdict, words)
    return Classified(Verdict.UNKNOWN, words)


def messenger_error(classified: Classified) -> MessengerError:
    """The product's error for a verdict that stops the call (not IGNORE)."""
    words = f"Telegram: {classified.words}"
    match classified.verdict:
        case Verdict.SEND_NEW:
            return MessengerEditGoneError(words)
        case Verdict.PERMANENT:
            return MessengerPermanentError(words)
        case Verdict.GONE:
            return MessengerRecipientGoneError(words)
        case Verdict.TEMPORARY:
            return MessengerTemporaryError(words)
        case Verdict.REDIRECT if classified.new_chat_id is not None:
            return MessengerRedirectError(words, classified.new_chat_id)
        case _:
            return MessengerUnknownError(words)
