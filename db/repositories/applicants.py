"""Applicants: the people who write to the bot."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Applicant


class ApplicantRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_external_id(self, external_id: int, channel: str = "telegram") -> Applicant | None:
        result = await self.session.execute(
            select(Applicant).where(
                Applicant.channel == channel, Applicant.external_id == external_id
            )
        )
        return result.scalar_one_or_none()

    async def get(self, applicant_id: int) -> Applicant | None:
        return await self.session.get(Applicant, applicant_id)

    async def upsert(
        self,
        *,
        external_id: int,
        chat_id: int,
        display_name: str,
        username: str | None,
        language: str,
        now: datetime,
        channel: str = "telegram",
        known: Applicant | None = None,
    ) -> Applicant:
        """`known`: the applicant if the caller has just read it, to save a query."""
        applicant = known or await self.by_external_id(external_id, channel)
        if applicant is None:
            applicant = Applicant(
                channel=channel,
                external_id=external_id,
                chat_id=chat_id,
                display_name=display_name,
                username=username,
                language=language,
                created_at=now,
            )
            self.session.add(applicant)
            await self.session.flush()
            return applicant
        if (applicant.display_name, applicant.username, applicant.chat_id) != (
            display_name,
            username,
            chat_id,
        ):
            applicant.display_name = display_name
            applicant.username = username
            applicant.chat_id = chat_id
        return applicant
