"""Chats that moved (a Telegram group upgraded to a supergroup), kept across restarts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models_staff import ChatRedirect


class ChatRedirectRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def all(self) -> dict[int, int]:
        """old chat id -> new chat id, for every move recorded."""
        result = await self.session.execute(select(ChatRedirect))
        return {row.old_chat_id: row.new_chat_id for row in result.scalars()}

    async def record(self, old_chat_id: int, new_chat_id: int, now: datetime) -> bool:
        """Keeps the move; False when this exact move was already known (the caller then
        has told the admins already)."""
        known = await self.session.get(ChatRedirect, old_chat_id, with_for_update=True)
        if known is not None:
            if known.new_chat_id == new_chat_id:
                return False
            known.new_chat_id = new_chat_id
            known.moved_at = now
        else:
            self.session.add(
                ChatRedirect(old_chat_id=old_chat_id, new_chat_id=new_chat_id, moved_at=now)
            )
        await self.session.flush()
        return True
