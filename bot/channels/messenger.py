"""The outbound side of a chat channel, as the workers see it."""

from __future__ import annotations

from typing import Protocol

from bot.dialog.events import Reply


class MessengerError(Exception):
    pass


class MessengerTemporaryError(MessengerError):
    """Worth retrying: flood control, a network error, a server error."""


class MessengerPermanentError(MessengerError):
    """Retrying will not help: the user blocked the bot, the chat does not exist."""


class MessengerRecipientGoneError(MessengerPermanentError):
    """The person blocked the bot or left the platform: their own choice, so nothing for the
    admins to fix when a reply to them fails."""


class MessengerEditGoneError(MessengerPermanentError):
    """The message to edit is gone (deleted, too old, in a chat that moved): editing it will
    never work, but a new message can still say the same."""


class MessengerUnknownError(MessengerTemporaryError):
    """An error the channel's classifier has no entry for: it is retried like a temporary
    one, but the admins are told at once (once), with the platform's own words, instead of
    finding out after the give-up time."""


class MessengerRedirectError(MessengerError):
    """The chat moved (a Telegram group upgraded to a supergroup): `new_chat_id` is where it
    lives now. Follow it at once, remember it, and tell the admins which setting to change."""

    def __init__(self, message: str, new_chat_id: int) -> None:
        super().__init__(message)
        self.new_chat_id = new_chat_id


class Messenger(Protocol):
    async def send(self, chat_id: int, reply: Reply) -> int:
        """Sends a message and returns its id."""
        ...

    async def edit(self, chat_id: int, message_id: int, reply: Reply) -> None: ...

    def resolve(self, chat_id: int) -> int:
        """The chat a send to `chat_id` reaches now (itself, or where it moved)."""
        ...
