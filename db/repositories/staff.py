"""What the staff side keeps: card copies and pending free-text prompts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import StaffCard, StaffPrompt


class StaffRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_card(
        self, ticket_id: int, stage: str, chat_id: int, message_id: int, now: datetime
    ) -> None:
        self.session.add(
            StaffCard(
                ticket_id=ticket_id,
                stage=stage,
                chat_id=chat_id,
                message_id=message_id,
                created_at=now,
            )
        )
        await self.session.flush()

    async def open_cards(self, ticket_id: int, stage: str) -> Sequence[StaffCard]:
        result = await self.session.execute(
            select(StaffCard).where(
                StaffCard.ticket_id == ticket_id, StaffCard.stage == stage, ~StaffCard.closed
            )
        )
        return result.scalars().all()

    async def set_prompt(self, staff_id: int, ticket_id: int, action: str, now: datetime) -> None:
        await self.clear_prompt(staff_id)
        self.session.add(
            StaffPrompt(staff_id=staff_id, ticket_id=ticket_id, action=action, created_at=now)
        )
        await self.session.flush()

    async def prompt(self, staff_id: int) -> StaffPrompt | None:
        return await self.session.get(StaffPrompt, staff_id, populate_existing=True)

    async def clear_prompt(self, staff_id: int) -> None:
        await self.session.execute(delete(StaffPrompt).where(StaffPrompt.staff_id == staff_id))
        await self.session.flush()
