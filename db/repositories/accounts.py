"""Hotspot accounts as the database knows them; the router follows this table."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import HotspotAccount


class AccountRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def for_ticket(self, ticket_id: int, *, lock: bool = False) -> HotspotAccount | None:
        """`lock`: hold the row until commit (PostgreSQL), so that the email and the chat copy
        recording their delivery at the same moment on two replicas see each other."""
        query = select(HotspotAccount).where(HotspotAccount.ticket_id == ticket_id)
        if lock:
            query = query.with_for_update()
        result = await self.session.execute(query.execution_options(populate_existing=True))
        return result.scalar_one_or_none()

    async def add(self, account: HotspotAccount) -> HotspotAccount:
        self.session.add(account)
        await self.session.flush()
        return account

    async def username_taken(self, username: str) -> bool:
        result = await self.session.execute(
            select(HotspotAccount.id).where(HotspotAccount.username == username)
        )
        return result.scalar_one_or_none() is not None

    async def expired_active(self, today: date) -> Sequence[HotspotAccount]:
        """Active accounts whose last valid day is before `today`."""
        result = await self.session.execute(
            select(HotspotAccount).where(
                HotspotAccount.status == "active", HotspotAccount.valid_until < today
            )
        )
        return result.scalars().all()

    async def expiring_between(self, first: date, last: date) -> Sequence[HotspotAccount]:
        result = await self.session.execute(
            select(HotspotAccount).where(
                HotspotAccount.status == "active",
                HotspotAccount.valid_until >= first,
                HotspotAccount.valid_until <= last,
            )
        )
        return result.scalars().all()

    async def all(self) -> Sequence[HotspotAccount]:
        result = await self.session.execute(select(HotspotAccount).order_by(HotspotAccount.id))
        return result.scalars().all()
