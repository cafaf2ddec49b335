"""Supporting letters and applicant-admin conversations."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models_dialog import Attachment, Handoff, RelayedMessage


class AttachmentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, ticket_id: int, field: str) -> Attachment | None:
        result = await self.session.execute(
            select(Attachment).where(Attachment.ticket_id == ticket_id, Attachment.field == field)
        )
        return result.scalar_one_or_none()

    async def for_ticket(self, ticket_id: int) -> Sequence[Attachment]:
        result = await self.session.execute(
            select(Attachment).where(Attachment.ticket_id == ticket_id).order_by(Attachment.id)
        )
        return result.scalars().all()

    async def replace(self, attachment: Attachment) -> None:
        old = await self.get(attachment.ticket_id, attachment.field)
        if old is not None:
            await self.session.delete(old)
            await self.session.flush()
        self.session.add(attachment)
        await self.session.flush()

    async def remove(self, ticket_id: int, field: str) -> None:
        old = await self.get(ticket_id, field)
        if old is not None:
            await self.session.delete(old)
            await self.session.flush()


class HandoffRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def open_for(self, applicant_id: int) -> Handoff | None:
        result = await self.session.execute(
            select(Handoff)
            .where(Handoff.applicant_id == applicant_id, Handoff.closed_at.is_(None))
            .order_by(Handoff.id.desc())
            .limit(1)
        )
        return result.scalar_one_or_none()

    async def get(self, handoff_id: int) -> Handoff | None:
        return await self.session.get(Handoff, handoff_id, populate_existing=True)

    async def add(self, handoff: Handoff) -> Handoff:
        self.session.add(handoff)
        await self.session.flush()
        return handoff

    async def record_relay(
        self, handoff_id: int, chat_id: int, message_id: int, now: datetime
    ) -> None:
        self.session.add(
            RelayedMessage(
                handoff_id=handoff_id, chat_id=chat_id, message_id=message_id, created_at=now
            )
        )
        await self.session.flush()

    async def by_relayed(self, chat_id: int, message_id: int) -> Handoff | None:
        result = await self.session.execute(
            select(Handoff)
            .join(RelayedMessage, RelayedMessage.handoff_id == Handoff.id)
            .where(RelayedMessage.chat_id == chat_id, RelayedMessage.message_id == message_id)
        )
        return result.scalar_one_or_none()
