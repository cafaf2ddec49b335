"""SLA reminders and breach alerts: which are due now, each recorded so it goes out once.

At `reminder_share` (80 %) of a step's standard the role holding the ticket gets a reminder;
at 100 % the admins (and, for step 4, the heads) get a breach alert. The record is keyed by
ticket, step, round and level: a resubmitted form starts a new round with its own alerts.
A clock that jumps past 100 % at once (the bot was down) gets the breach alert only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from db.models import Ticket
from db.models_staff import SlaAlert
from db.uow import UnitOfWork
from handlers import sla
from handlers.statuses import Role, Status

# The statuses in which a staff-held clock may run (steps 4 and 5).
WATCHED = (Status.SUBMITTED, Status.VERIFIED, Status.APPROVED)


@dataclass(frozen=True)
class DueAlert:
    ticket: Ticket
    step: sla.Step
    round: int
    level: str
    used: timedelta
    standard: timedelta
    holder: Role
    recipients: tuple[Role, ...]


def recipients(level: str, step: sla.Step, holder: Role) -> tuple[Role, ...]:
    if level == sla.REMINDER:
        return (holder,)
    return (Role.ADMIN, Role.HEAD) if step.number == 4 else (Role.ADMIN,)


async def record_due(uow: UnitOfWork, rules: sla.SlaRules, verification: bool) -> list[DueAlert]:
    tickets = list(await uow.records.tickets_in(WATCHED))
    histories = await uow.records.transitions_of(t.id for t in tickets)
    sent = await uow.records.alerts_sent(t.id for t in tickets)
    due = []
    for ticket in tickets:
        running = sla.running_round(ticket, histories.get(ticket.id, []))
        if running is None:
            continue
        step = running.step
        holder = sla.holder(step, ticket.status, verification)
        standard = rules.standard(step)
        if holder is None or standard is None:
            continue
        used = rules.elapsed(step, running.started, uow.now)
        level = rules.level(step, used)
        if level is None:
            continue
        if (ticket.id, step.number, running.number, level) in sent:
            continue
        if level == sla.REMINDER and (ticket.id, step.number, running.number, sla.BREACH) in sent:
            continue
        roles = recipients(level, step, holder)
        await uow.records.add_alert(
            SlaAlert(
                ticket_id=ticket.id,
                step=step.number,
                round=running.number,
                level=level,
                used_minutes=int(used.total_seconds() // 60),
                recipients=",".join(roles),
                at=uow.now,
            )
        )
        due.append(DueAlert(ticket, step, running.number, level, used, standard, holder, roles))
    return due
