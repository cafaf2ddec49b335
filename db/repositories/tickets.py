"""Tickets, their answers and their history. Status changes are compare-and-set."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from db.models import Decision, FormAnswer, Ticket, TicketCounter, Transition


class StaleTicket(Exception):
    """The ticket's status changed under us: someone else acted first."""


class TicketRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def next_number(self, year: int) -> str:
        # One statement that creates or increments the year's counter: two tickets opened
        # at once (even the year's first two) never get the same number.
        dialect = self.session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        statement = (
            insert(TicketCounter)
            .values(year=year, last=1)
            .on_conflict_do_update(
                index_elements=[TicketCounter.year], set_={"last": TicketCounter.last + 1}
            )
            .returning(TicketCounter.last)
        )
        value = (await self.session.execute(statement)).scalar_one()
        return f"HS-{year}-{value:06d}"

    async def add(self, ticket: Ticket) -> Ticket:
        self.session.add(ticket)
        await self.session.flush()
        return ticket

    async def _one(self, condition: ColumnElement[bool]) -> Ticket | None:
        result = await self.session.execute(
            select(Ticket)
            .where(condition)
            .options(selectinload(Ticket.answers), selectinload(Ticket.applicant))
            .execution_options(populate_existing=True)
        )
        return result.scalar_one_or_none()

    async def get(self, ticket_id: int) -> Ticket | None:
        return await self._one(Ticket.id == ticket_id)

    async def by_number(self, number: str) -> Ticket | None:
        return await self._one(Ticket.number == number)

    async def latest_for_applicant(
        self, applicant_id: int, statuses: Iterable[str] | None = None
    ) -> Ticket | None:
        query = select(Ticket).where(Ticket.applicant_id == applicant_id)
        if statuses is not None:
            query = query.where(Ticket.status.in_(list(statuses)))
        result = await self.session.execute(
            query.order_by(Ticket.id.desc()).limit(1).execution_options(populate_existing=True)
        )
        return result.unique().scalar_one_or_none()

    async def for_applicant(self, applicant_id: int, limit: int = 10) -> Sequence[Ticket]:
        result = await self.session.execute(
            select(Ticket)
            .where(Ticket.applicant_id == applicant_id)
            .options(selectinload(Ticket.transitions))
            .order_by(Ticket.id.desc())
            .limit(limit)
        )
        return result.scalars().all()

    async def idle(self, statuses: Iterable[str], before: datetime) -> Sequence[Ticket]:
        """Tickets waiting on their applicant with no change since `before`."""
        result = await self.session.execute(
            select(Ticket)
            .where(Ticket.status.in_(list(statuses)), Ticket.updated_at < before)
            .order_by(Ticket.id)
        )
        return result.scalars().all()

    async def compare_and_set_status(
        self, ticket: Ticket, expected: str, target: str, now: datetime, cursor: str | None
    ) -> None:
        result = await self.session.execute(
            update(Ticket)
            .where(Ticket.id == ticket.id, Ticket.status == expected)
            .values(status=target, updated_at=now, cursor=cursor)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise StaleTicket(ticket.number)
        # Mirror what the UPDATE wrote without marking the object dirty.
        for name, value in (("status", target), ("updated_at", now), ("cursor", cursor)):
            set_committed_value(ticket, name, value)

    async def add_transition(self, transition: Transition) -> None:
        self.session.add(transition)
        await self.session.flush()

    async def transitions(self, ticket_id: int) -> Sequence[Transition]:
        result = await self.session.execute(
            select(Transition).where(Transition.ticket_id == ticket_id).order_by(Transition.id)
        )
        return result.scalars().all()

    async def count_transitions(self, ticket_id: int, to_status: str | None = None) -> int:
        """How many status changes the ticket has had (only into `to_status`, if given)."""
        query = select(func.count()).where(Transition.ticket_id == ticket_id)
        if to_status is not None:
            query = query.where(Transition.to_status == to_status)
        return (await self.session.execute(query)).scalar_one()

    async def set_answer(self, ticket: Ticket, field: str, value: str, now: datetime) -> None:
        # Written at the commit, with the cursor move that follows an answer.
        for answer in ticket.answers:
            if answer.field == field:
                answer.value = value
                answer.updated_at = now
                return
        ticket.answers.append(FormAnswer(field=field, value=value, updated_at=now))

    async def clear_answer(self, ticket: Ticket, field: str) -> None:
        ticket.answers[:] = [answer for answer in ticket.answers if answer.field != field]
        await self.session.flush()

    async def add_decision(self, decision: Decision) -> None:
        self.session.add(decision)
        await self.session.flush()

    async def decisions(self, ticket_id: int) -> Sequence[Decision]:
        result = await self.session.execute(
            select(Decision).where(Decision.ticket_id == ticket_id).order_by(Decision.id)
        )
        return result.scalars().all()

    async def all(self) -> Sequence[Ticket]:
        result = await self.session.execute(
            select(Ticket).options(selectinload(Ticket.applicant)).order_by(Ticket.id)
        )
        return result.scalars().all()
