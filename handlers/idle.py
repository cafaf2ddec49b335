"""Forms left alone: one reminder, then expiry; self-activation follow-ups that got no answer
are closed. Run as a sweep, so a bot that was down catches up at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from db.uow import UnitOfWork
from handlers import audit
from handlers.actors import SYSTEM
from handlers.leaving import expire
from handlers.moves import move
from handlers.review import notify_applicant
from handlers.statuses import Status

WAITING_ON_APPLICANT = (Status.OPEN, Status.FORM)


@dataclass(frozen=True)
class IdleCounts:
    reminded: int = 0
    expired: int = 0
    closed: int = 0


async def sweep_idle(
    uow: UnitOfWork, remind_after: timedelta, expire_after: timedelta
) -> IdleCounts:
    reminded = expired = closed = 0
    for ticket in await uow.tickets.idle(WAITING_ON_APPLICANT, uow.now - expire_after):
        await expire(uow, ticket)
        await notify_applicant(uow, ticket, "expired")
        expired += 1
    for ticket in await uow.tickets.idle(WAITING_ON_APPLICANT, uow.now - remind_after):
        if ticket.reminded_at is None:
            ticket.reminded_at = uow.now
            await notify_applicant(uow, ticket, "reminder")
            await audit.record(uow, audit.FORM_REMINDER, SYSTEM, ticket_id=ticket.id)
            reminded += 1
    for ticket in await uow.tickets.idle((Status.SELF_SERVICE,), uow.now - expire_after):
        if await uow.handoffs.open_for(ticket.applicant_id) is None:
            await move(uow, ticket, Status.CLOSED, SYSTEM, note="no follow-up answer")
            closed += 1
    return IdleCounts(reminded, expired, closed)
