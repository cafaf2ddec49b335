"""SOP steps 5 and 6: the account on the router, then its delivery by email and chat."""

from __future__ import annotations

from datetime import date, timedelta

from db.models import HotspotAccount, Ticket
from db.uow import UnitOfWork
from handlers.actors import SYSTEM
from handlers.moves import move
from handlers.statuses import Status


def access_window(answers: dict[str, str]) -> tuple[date, date]:
    """First and last valid day, both inclusive."""
    start = date.fromisoformat(answers["start_date"])
    days = int(answers.get("days", "1"))
    return start, start + timedelta(days=days - 1)


async def record_account(uow: UnitOfWork, ticket: Ticket, account: HotspotAccount) -> None:
    """The router has the user: step 5 is done; both deliveries are queued in the same commit."""
    account.status = "active"
    account.provisioned_at = uow.now
    await move(uow, ticket, Status.PROVISIONED, SYSTEM, note=account.username)
    await uow.outbox.enqueue(
        "email",
        f"email:{ticket.id}:credentials",
        {"template": "credentials"},
        uow.now,
        ticket_id=ticket.id,
    )
    await uow.outbox.enqueue(
        "notify_applicant",
        f"notice:{ticket.id}:credentials",
        {"event": "credentials"},
        uow.now,
        ticket_id=ticket.id,
    )


async def delivery_done(uow: UnitOfWork, ticket: Ticket, account: HotspotAccount) -> bool:
    """Once email and chat both went out, the password is wiped and the ticket closes."""
    if account.email_sent_at is None or account.chat_sent_at is None:
        return False
    account.password = None
    if ticket.status == Status.PROVISIONED:
        await move(uow, ticket, Status.DELIVERED, SYSTEM)
        await move(uow, ticket, Status.CLOSED, SYSTEM)
    return True


async def close_rejected(uow: UnitOfWork, ticket: Ticket) -> None:
    if ticket.status == Status.REJECTED:
        await move(uow, ticket, Status.CLOSED, SYSTEM, note="rejection notice sent")


async def disable_account(uow: UnitOfWork, account: HotspotAccount) -> None:
    account.status = "disabled"
    account.disabled_at = uow.now
    await uow.session.flush()
