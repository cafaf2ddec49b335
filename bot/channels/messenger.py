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


class Messenger(Protocol):
    async def send(self, chat_id: int, reply: Reply) -> int:
        """Sends a message and returns its id."""
        ...

    async def edit(self, chat_id: int, message_id: int, reply: Reply) -> None: ...
