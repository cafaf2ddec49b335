"""What the staff side reads and records: the audit trail, SLA alerts, searches and reports.

Reports read many tickets at once, so the histories are loaded in bulk (one query per table)
rather than one query per ticket.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from db.models import (
    Applicant,
    Decision,
    FormAnswer,
    HotspotAccount,
    OutboxJob,
    Ticket,
    Transition,
)
from db.models_staff import AuditEvent, SlaAlert
from db.repositories.outbox import FAILED, PENDING


class StaffRecordRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # The audit trail

    async def add_audit(self, event: AuditEvent) -> None:
        self.session.add(event)
        await self.session.flush()

    async def audit_for_ticket(self, ticket_id: int) -> Sequence[AuditEvent]:
        result = await self.session.execute(
            select(AuditEvent).where(AuditEvent.ticket_id == ticket_id).order_by(AuditEvent.id)
        )
        return result.scalars().all()

    async def audit_between(self, start: datetime, end: datetime) -> Sequence[AuditEvent]:
        result = await self.session.execute(
            select(AuditEvent)
            .where(AuditEvent.at >= start, AuditEvent.at < end)
            .order_by(AuditEvent.id)
        )
        return result.scalars().all()

    # SLA alerts

    async def alerts_sent(self, ticket_ids: Iterable[int]) -> set[tuple[int, int, int, str]]:
        """The (ticket, step, round, level) of every alert already sent for these tickets."""
        ids = list(ticket_ids)
        if not ids:
            return set()
        result = await self.session.execute(
            select(SlaAlert.ticket_id, SlaAlert.step, SlaAlert.round, SlaAlert.level).where(
                SlaAlert.ticket_id.in_(ids)
            )
        )
        return {(ticket_id, step, round_, level) for ticket_id, step, round_, level in result}

    async def add_alert(self, alert: SlaAlert) -> None:
        self.session.add(alert)
        await self.session.flush()

    async def alerts_for_ticket(self, ticket_id: int) -> Sequence[SlaAlert]:
        result = await self.session.execute(
            select(SlaAlert).where(SlaAlert.ticket_id == ticket_id).order_by(SlaAlert.id)
        )
        return result.scalars().all()

    async def alerts_between(self, start: datetime, end: datetime) -> Sequence[SlaAlert]:
        result = await self.session.execute(
            select(SlaAlert).where(SlaAlert.at >= start, SlaAlert.at < end).order_by(SlaAlert.id)
        )
        return result.scalars().all()

    # Tickets in bulk

    async def tickets_in(self, statuses: Iterable[str]) -> Sequence[Ticket]:
        result = await self.session.execute(
            select(Ticket)
            .where(Ticket.status.in_(list(statuses)))
            .options(selectinload(Ticket.applicant))
            .order_by(Ticket.id)
        )
        return result.scalars().all()

    async def tickets_created_between(self, start: datetime, end: datetime) -> Sequence[Ticket]:
        result = await self.session.execute(
            select(Ticket)
            .where(Ticket.created_at >= start, Ticket.created_at < end)
            .options(selectinload(Ticket.applicant), selectinload(Ticket.answers))
            .order_by(Ticket.id)
        )
        return result.scalars().all()

    async def tickets_moved_between(self, start: datetime, end: datetime) -> Sequence[Ticket]:
        """Tickets with any transition in the period: the ones whose steps may have ended."""
        moved = select(Transition.ticket_id).where(Transition.at >= start, Transition.at < end)
        result = await self.session.execute(
            select(Ticket)
            .where(Ticket.id.in_(moved))
            .options(selectinload(Ticket.applicant))
            .order_by(Ticket.id)
        )
        return result.scalars().all()

    async def any_ticket_before(self, moment: datetime) -> bool:
        result = await self.session.execute(
            select(Ticket.id).where(Ticket.created_at < moment).limit(1)
        )
        return result.scalar_one_or_none() is not None

    async def transitions_of(self, ticket_ids: Iterable[int]) -> dict[int, list[Transition]]:
        ids = list(ticket_ids)
        found: dict[int, list[Transition]] = defaultdict(list)
        if not ids:
            return found
        result = await self.session.execute(
            select(Transition).where(Transition.ticket_id.in_(ids)).order_by(Transition.id)
        )
        for transition in result.scalars():
            found[transition.ticket_id].append(transition)
        return found

    async def decisions_of(self, ticket_ids: Iterable[int]) -> dict[int, list[Decision]]:
        ids = list(ticket_ids)
        found: dict[int, list[Decision]] = defaultdict(list)
        if not ids:
            return found
        result = await self.session.execute(
            select(Decision).where(Decision.ticket_id.in_(ids)).order_by(Decision.id)
        )
        for decision in result.scalars():
            found[decision.ticket_id].append(decision)
        return found

    async def accounts_of(self, ticket_ids: Iterable[int]) -> dict[int, HotspotAccount]:
        ids = list(ticket_ids)
        if not ids:
            return {}
        result = await self.session.execute(
            select(HotspotAccount).where(HotspotAccount.ticket_id.in_(ids))
        )
        return {account.ticket_id: account for account in result.scalars()}

    async def numbers_of(self, ticket_ids: Iterable[int]) -> dict[int, str]:
        ids = list(ticket_ids)
        if not ids:
            return {}
        result = await self.session.execute(
            select(Ticket.id, Ticket.number).where(Ticket.id.in_(ids))
        )
        return {ticket_id: number for ticket_id, number in result}

    async def accounts_ending(self, first: date, last: date) -> Sequence[HotspotAccount]:
        """Active accounts whose last valid day is between `first` and `last`."""
        result = await self.session.execute(
            select(HotspotAccount)
            .where(
                HotspotAccount.status == "active",
                HotspotAccount.valid_until >= first,
                HotspotAccount.valid_until <= last,
            )
            .order_by(HotspotAccount.valid_until, HotspotAccount.id)
        )
        return result.scalars().all()

    # Search

    async def search(
        self,
        text: str,
        *,
        limit: int,
        phone_digits: str | None = None,
        phone_fields: Iterable[str] = (),
        hidden_fields: Iterable[str] = (),
    ) -> Sequence[Ticket]:
        """Tickets whose number, applicant, form answer or account name contains `text`.
        `hidden_fields` (identity numbers) are never searched; phones also match by digits."""
        by_answer = select(FormAnswer.ticket_id).where(
            FormAnswer.field.not_in(list(hidden_fields)),
            FormAnswer.value.icontains(text, autoescape=True),
        )
        by_applicant = select(Applicant.id).where(
            or_(
                Applicant.display_name.icontains(text, autoescape=True),
                Applicant.username.icontains(text.lstrip("@"), autoescape=True),
            )
        )
        by_account = select(HotspotAccount.ticket_id).where(
            HotspotAccount.username.icontains(text, autoescape=True)
        )
        conditions = [
            Ticket.number.icontains(text, autoescape=True),
            Ticket.id.in_(by_answer),
            Ticket.applicant_id.in_(by_applicant),
            Ticket.id.in_(by_account),
        ]
        if phone_digits:
            conditions.append(
                Ticket.id.in_(
                    select(FormAnswer.ticket_id).where(
                        FormAnswer.field.in_(list(phone_fields)),
                        FormAnswer.value.contains(phone_digits, autoescape=True),
                    )
                )
            )
        result = await self.session.execute(
            select(Ticket)
            .where(or_(*conditions))
            .options(selectinload(Ticket.applicant), selectinload(Ticket.answers))
            .order_by(Ticket.id.desc())
            .limit(limit)
        )
        return result.scalars().all()

    # Jobs that went wrong

    async def failed_jobs_between(self, start: datetime, end: datetime) -> Sequence[OutboxJob]:
        result = await self.session.execute(
            select(OutboxJob)
            .where(
                OutboxJob.status == FAILED,
                OutboxJob.finished_at >= start,
                OutboxJob.finished_at < end,
            )
            .order_by(OutboxJob.id)
        )
        return result.scalars().all()

    async def retrying_jobs(self) -> Sequence[OutboxJob]:
        """Pending jobs that have failed at least once and wait for their next try."""
        result = await self.session.execute(
            select(OutboxJob)
            .where(OutboxJob.status == PENDING, OutboxJob.last_error.is_not(None))
            .order_by(OutboxJob.id)
        )
        return result.scalars().all()
