"""Asking for more time: a new ticket, filled in from the old one, through the same approval.

The new ticket starts at the form's summary (or at the first question it could not fill in,
such as a new supporting letter) with the old answers, the access starting the day after the
old account ends. Once approved it gets an account of its own, exactly like any request; the
old account still ends on its own date, so no approval is ever bypassed.
"""

from __future__ import annotations

from datetime import date, timedelta

from db.models import Ticket
from db.models_delivery import TicketExtension
from db.uow import UnitOfWork
from handlers import intake
from handlers.actors import Actor
from handlers.errors import DeskError
from handlers.filling import SUMMARY, answers_of, missing_fields, set_cursor
from handlers.form.definition import FormDefinition
from handlers.fulfilment import AccountStatus
from handlers.statuses import Role

EXTENDABLE = frozenset({AccountStatus.ACTIVE, AccountStatus.DISABLED, AccountStatus.REMOVED})
# Not copied: a new supporting letter belongs to the new request.
NOT_COPIED_TYPES = frozenset({"file"})


class ExtensionRefused(DeskError):
    """`reason`: "no_account" (nothing to extend) or "busy" (another request is open)."""

    def __init__(self, reason: str, number: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.number = number


def is_applicants(ticket: Ticket, person_id: int) -> bool:
    """Only the applicant may ask to extend their own account; button data proves nothing."""
    return ticket.applicant.external_id == person_id


async def request_extension(
    uow: UnitOfWork, old: Ticket, form: FormDefinition, *, today: date, max_days: int
) -> Ticket:
    account = await uow.accounts.for_ticket(old.id)
    if account is None or account.status not in EXTENDABLE or not old.category:
        raise ExtensionRefused("no_account", old.number)
    applicant = old.applicant
    active = await intake.active_ticket(uow, applicant)
    if active is not None:
        raise ExtensionRefused("busy", active.number)
    ticket = await intake.open_ticket(uow, applicant)
    actor = Actor(Role.APPLICANT, applicant.external_id, applicant.display_name)
    await intake.choose_category(uow, ticket, old.category, actor, form, frozenset())
    given = answers_of(old)
    start = max(today, account.valid_until + timedelta(days=1))
    days = max(1, min(int(given.get("days", "1")), max_days))
    for field in form.for_category(old.category):
        if field.name == "start_date":
            value: str | None = start.isoformat()
        elif field.name == "days":
            value = str(days)
        elif field.type in NOT_COPIED_TYPES:
            value = None
        else:
            value = given.get(field.name)
        if value is not None:
            await uow.tickets.set_answer(ticket, field.name, value, uow.now)
    missing = missing_fields(ticket, form)
    await set_cursor(uow, ticket, missing[0] if missing else SUMMARY)
    uow.session.add(
        TicketExtension(ticket_id=ticket.id, extends_ticket_id=old.id, created_at=uow.now)
    )
    await uow.session.flush()
    return ticket
