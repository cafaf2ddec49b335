"""What an admin may do to an account after the SOP is done: extend it, stop it, send it again.

Each changes the database and queues the router work in the same transaction; the router
then follows (see `bot/worker/account_jobs.py`). Each act is written to the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from db.models import HotspotAccount, Ticket
from db.repositories.outbox import FAILED, PENDING
from db.uow import UnitOfWork
from handlers import audit, fulfilment
from handlers.actors import Actor
from handlers.errors import DeskError, TicketNotFound
from handlers.fulfilment import AccountStatus
from handlers.statuses import Status

EXTENDED = "account_extend"
REVOKED = "account_revoke"
RESENT = "account_resend"


class AccountRefused(DeskError):
    """`reason` names the catalog text: no_account, not_active, already_revoked,
    cannot_extend_revoked, in_progress."""

    def __init__(self, reason: str, number: str, status: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.number = number
        self.status = status


@dataclass(frozen=True)
class AccountAct:
    """What was done, for the admin's reply. `outcome` names the catalog text."""

    outcome: str
    number: str
    username: str | None = None
    valid_until: date | None = None


async def _load(uow: UnitOfWork, number: str) -> tuple[Ticket, HotspotAccount | None]:
    ticket = await uow.tickets.by_number(number)
    if ticket is None:
        raise TicketNotFound(number)
    return ticket, await uow.accounts.for_ticket(ticket.id)


def _stamp(uow: UnitOfWork) -> str:
    return uow.now.strftime("%Y%m%dT%H%M%S.%f")


async def extend(uow: UnitOfWork, number: str, days: int, actor: Actor, today: date) -> AccountAct:
    """`days` more days of access; an account that already ended starts again from today."""
    ticket, account = await _load(uow, number)
    if account is None or account.status == AccountStatus.PENDING:
        raise AccountRefused("no_account", ticket.number)
    if account.status == AccountStatus.REVOKED:
        raise AccountRefused("cannot_extend_revoked", ticket.number)
    start = max(account.valid_until, today - timedelta(days=1))
    before = account.valid_until
    account.valid_until = start + timedelta(days=days)
    if account.status != AccountStatus.ACTIVE:
        account.status = AccountStatus.ACTIVE
        account.disabled_at = None
    await uow.session.flush()
    await uow.outbox.enqueue(
        "refresh_account",
        f"refresh:{account.id}:{account.valid_until.isoformat()}:{_stamp(uow)}",
        {"account_id": account.id, "notify": "extended"},
        uow.now,
        ticket_id=ticket.id,
    )
    await audit.record(
        uow,
        EXTENDED,
        actor,
        ticket_id=ticket.id,
        detail=f"+{days} d: {before.isoformat()} → {account.valid_until.isoformat()}",
    )
    return AccountAct("extended", ticket.number, account.username, account.valid_until)


async def revoke(uow: UnitOfWork, number: str, actor: Actor) -> AccountAct:
    """Stop the account now: no more logins, live sessions dropped, pending deliveries void."""
    ticket, account = await _load(uow, number)
    if account is None or account.status == AccountStatus.PENDING:
        raise AccountRefused("no_account", ticket.number)
    key = f"revoke:{account.id}"
    if account.status == AccountStatus.REVOKED:
        job = await uow.outbox.by_key(key)
        if job is not None and job.status == FAILED:
            # The router refused last time; the admin fixed it and asks again.
            await uow.outbox.revive(job, uow.now)
            return AccountAct("retrying_revoke", ticket.number, account.username)
        raise AccountRefused("already_revoked", ticket.number)
    account.status = AccountStatus.REVOKED
    account.revoked_at = uow.now
    account.password = None
    await uow.session.flush()
    await uow.outbox.enqueue(
        "disable_account",
        key,
        {"account_id": account.id, "reason": "revoke"},
        uow.now,
        ticket_id=ticket.id,
    )
    await audit.record(uow, REVOKED, actor, ticket_id=ticket.id, detail=account.username)
    return AccountAct("revoked", ticket.number, account.username)


async def resend(uow: UnitOfWork, number: str, actor: Actor, password_length: int) -> AccountAct:
    """A new password, set on the router and then sent by email and chat; or, when creating
    the account failed for good, another try at creating it."""
    ticket, account = await _load(uow, number)
    if ticket.status == Status.APPROVED:
        job = await uow.outbox.by_key(f"provision:{ticket.id}")
        if job is None:
            raise AccountRefused("no_account", ticket.number)
        if job.status == PENDING:
            raise AccountRefused("in_progress", ticket.number)
        await uow.outbox.revive(job, uow.now)
        await audit.record(uow, RESENT, actor, ticket_id=ticket.id, detail="provision again")
        return AccountAct("retrying", ticket.number)
    if account is None:
        raise AccountRefused("no_account", ticket.number)
    if account.status != AccountStatus.ACTIVE:
        raise AccountRefused("not_active", ticket.number, account.status)
    round_ = await fulfilment.new_round(uow, account, password_length)
    await audit.record(uow, RESENT, actor, ticket_id=ticket.id, detail=f"round {round_}")
    return AccountAct("resent", ticket.number, account.username, account.valid_until)
