"""Keeping the chats that moved: recorded in `chat_redirects`, loaded at every start, and
told to the admins once with the setting to change."""

from __future__ import annotations

import logging
from collections.abc import Callable

from bot.dialog.context import DeskContext
from bot.dialog.render import staff_language

log = logging.getLogger(__name__)


class ChatMoves:
    """The database side of `ChatRedirects`: `load` at start, `record` as its `on_moved`."""

    def __init__(self, ctx: DeskContext, wake: Callable[[], None]) -> None:
        self.ctx = ctx
        self.wake = wake

    async def load(self) -> dict[int, int]:
        """old chat id -> new chat id, every move recorded so far."""
        async with self.ctx.unit() as uow:
            return await uow.chat_redirects.all()

    async def record(self, old_chat_id: int, new_chat_id: int) -> None:
        """Keeps the move and, the first time, queues a notice to every admin chat (the old
        id is followed there too) naming the setting that still holds the old id."""
        async with self.ctx.unit() as uow:
            if not await uow.chat_redirects.record(old_chat_id, new_chat_id, uow.now):
                return
            for chat_id in self.ctx.staff.admin_chats():
                language = await staff_language(uow, chat_id)
                text = self.ctx.texts.t(
                    language, "chat_moved.notice", old=old_chat_id, new=new_chat_id
                )
                await uow.outbox.enqueue(
                    "chat",
                    f"chat-moved:{old_chat_id}:{new_chat_id}:{chat_id}",
                    {"chat_id": chat_id, "text": text},
                    uow.now,
                )
        log.warning(
            "chat %s moved to %s: set HOTSPOT_ADMIN_CHAT_ID if it names the old id",
            old_chat_id,
            new_chat_id,
        )
        self.wake()
