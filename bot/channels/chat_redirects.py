"""Chats that moved, followed by every send: a Telegram group upgraded to a supergroup gets a
new id, and the old one answers every send with an error for good.

The map lives in memory for the sends; whoever owns the database loads it at start and is
told of each new move through `on_moved`, so that a restart keeps it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping

log = logging.getLogger(__name__)

OnMoved = Callable[[int, int], Awaitable[None]]


class ChatRedirects:
    """old chat id -> new chat id, followed through chains (a chat may move twice)."""

    def __init__(self) -> None:
        self._moves: dict[int, int] = {}
        self.on_moved: OnMoved | None = None

    def load(self, moves: Mapping[int, int]) -> None:
        self._moves.update(moves)

    def resolve(self, chat_id: int) -> int:
        seen = {chat_id}
        while chat_id in self._moves:
            chat_id = self._moves[chat_id]
            if chat_id in seen:  # a cycle can only come from a hand-edited table
                break
            seen.add(chat_id)
        return chat_id

    async def moved(self, old_chat_id: int, new_chat_id: int) -> None:
        """Follow `old_chat_id` to `new_chat_id` from now on and tell `on_moved`. Best effort:
        if recording fails the move is still followed until a restart, after which the first
        send to the old id meets Telegram's answer again and records it then."""
        if old_chat_id == new_chat_id:
            return
        self._moves[old_chat_id] = new_chat_id
        log.warning("chat %s moved to %s; following it", old_chat_id, new_chat_id)
        if self.on_moved is None:
            return
        try:
            await self.on_moved(old_chat_id, new_chat_id)
        except Exception as error:
            log.warning("could not record the move of chat %s: %s", old_chat_id, error)
