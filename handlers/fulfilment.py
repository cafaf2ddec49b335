"""SOP steps 5 and 6: the account on the router, then its delivery by email and chat.

The database says what the router should hold; outbox jobs make the router follow. The
plaintext password lives on the account row only for one delivery round: from the moment
it is made until the credentials email was accepted and the chat copy went out (or either
failed for good), then it is wiped. /kirimulang starts a new round with a new password.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from typing import Any

from db.models import HotspotAccount, Ticket
from db.repositories.outbox import DONE, FAILED
from db.uow import UnitOfWork
from handlers.actors import SYSTEM
from handlers.filling import answers_of
from handlers.moves import move
from handlers.statuses import Status
from provisioning.credentials import generate_password, generate_username


class AccountStatus(StrEnum):
    PENDING = "pending"  # the row exists, the router user may not yet
    ACTIVE = "active"
    DISABLED = "disabled"  # past its end, disabled on the router
    REMOVED = "removed"  # past its end, removed from the router
    REVOKED = "revoked"  # stopped early by an admin (/cabut)


def access_window(answers: dict[str, str]) -> tuple[date, date]:
    """First and last valid day, both inclusive."""
    start = date.fromisoformat(answers["start_date"])
    days = int(answers.get("days", "1"))
    return start, start + timedelta(days=days - 1)


def access_end(account: HotspotAccount, zone: tzinfo) -> datetime:
    """The moment access ends: midnight (local time) after the last valid day."""
    return datetime.combine(account.valid_until + timedelta(days=1), time(0), tzinfo=zone)


def devices_of(answers: dict[str, str]) -> int:
    try:
        return max(1, int(answers.get("devices", "1")))
    except ValueError:
        return 1


def delivery_keys(ticket_id: int, round_: int) -> tuple[str, str]:
    """The outbox keys of one delivery round: (credentials email, chat copy)."""
    suffix = "" if round_ == 0 else f":r{round_}"
    return f"email:{ticket_id}:credentials{suffix}", f"notice:{ticket_id}:credentials{suffix}"


async def free_username(uow: UnitOfWork, ticket: Ticket) -> str:
    """A name no account of ours has yet, after the ticket's category."""
    prefix = ticket.category or "lainnya"
    while True:
        name = generate_username(prefix)
        if not await uow.accounts.username_taken(name):
            return name


async def open_account(
    uow: UnitOfWork,
    ticket: Ticket,
    *,
    profile: str,
    server: str,
    limit_uptime: str | None,
    password_length: int,
) -> HotspotAccount:
    """The account row, with its name and password, before the router is asked: a retry
    after a crash then asks for the very same user."""
    existing = await uow.accounts.for_ticket(ticket.id)
    if existing is not None:
        return existing
    answers = answers_of(ticket)
    valid_from, valid_until = access_window(answers)
    return await uow.accounts.add(
        HotspotAccount(
            ticket_id=ticket.id,
            username=await free_username(uow, ticket),
            password=generate_password(password_length),
            profile=profile,
            server=server,
            valid_from=valid_from,
            valid_until=valid_until,
            devices=devices_of(answers),
            limit_uptime=limit_uptime,
            delivery_round=0,
            status=AccountStatus.PENDING,
            created_at=uow.now,
        )
    )


async def rename(uow: UnitOfWork, ticket: Ticket, account: HotspotAccount) -> None:
    """Someone else's router user holds the name: the next try asks for a fresh one."""
    account.username = await free_username(uow, ticket)
    await uow.session.flush()


async def record_account(
    uow: UnitOfWork, ticket: Ticket, account: HotspotAccount, router_id: str, profile: str
) -> None:
    """The router has the user: step 5 is done; both deliveries are queued in the same commit."""
    account.router_id = router_id
    account.profile = profile
    account.status = AccountStatus.ACTIVE
    account.provisioned_at = uow.now
    await move(uow, ticket, Status.PROVISIONED, SYSTEM, note=account.username)
    await queue_delivery(uow, ticket, account)


async def queue_delivery(uow: UnitOfWork, ticket: Ticket, account: HotspotAccount) -> None:
    email_key, notice_key = delivery_keys(ticket.id, account.delivery_round)
    payload = {"round": account.delivery_round}
    await uow.outbox.enqueue(
        "email", email_key, {"template": "credentials", **payload}, uow.now, ticket_id=ticket.id
    )
    await uow.outbox.enqueue(
        "notify_applicant",
        notice_key,
        {"event": "credentials", **payload},
        uow.now,
        ticket_id=ticket.id,
        chat_id=ticket.applicant.chat_id,
    )


async def new_round(
    uow: UnitOfWork, account: HotspotAccount, password_length: int, *, notify: str | None = None
) -> int:
    """A new password for the next delivery; the router gets it before anyone is told (the
    queued job then queues the delivery, and with `notify`, that notice)."""
    account.delivery_round += 1
    account.password = generate_password(password_length)
    account.email_sent_at = None
    account.chat_sent_at = None
    await uow.session.flush()
    round_ = account.delivery_round
    payload: dict[str, Any] = {"account_id": account.id, "round": round_}
    if notify is not None:
        payload["notify"] = notify
    await uow.outbox.enqueue(
        "refresh_account",
        f"password:{account.id}:{round_}",
        payload,
        uow.now,
        ticket_id=account.ticket_id,
    )
    return round_


async def settle_delivery(uow: UnitOfWork, ticket: Ticket, account: HotspotAccount) -> bool:
    """After each delivery outcome: once neither copy is still on its way, the password is
    wiped; once the email was accepted (the SOP's step 6), the ticket is delivered and closed.
    Returns whether the round is over."""
    email_key, notice_key = delivery_keys(ticket.id, account.delivery_round)
    email_over = account.email_sent_at is not None or await _job_over(uow, email_key)
    chat_over = account.chat_sent_at is not None or await _job_over(uow, notice_key)
    if not (email_over and chat_over):
        return False
    account.password = None
    if account.email_sent_at is not None and ticket.status == Status.PROVISIONED:
        await move(uow, ticket, Status.DELIVERED, SYSTEM)
        await move(uow, ticket, Status.CLOSED, SYSTEM)
    await uow.session.flush()
    return True


async def _job_over(uow: UnitOfWork, key: str) -> bool:
    job = await uow.outbox.by_key(key)
    return job is not None and job.status in (DONE, FAILED)


async def email_accepted(uow: UnitOfWork, ticket: Ticket, account: HotspotAccount) -> None:
    account.email_sent_at = uow.now
    await settle_delivery(uow, ticket, account)


async def chat_copy_sent(uow: UnitOfWork, ticket: Ticket, account: HotspotAccount) -> None:
    account.chat_sent_at = uow.now
    await settle_delivery(uow, ticket, account)


async def close_rejected(uow: UnitOfWork, ticket: Ticket) -> None:
    if ticket.status == Status.REJECTED:
        await move(uow, ticket, Status.CLOSED, SYSTEM, note="rejection notice sent")


def expired(account: HotspotAccount, now: datetime, zone: tzinfo) -> bool:
    return now >= access_end(account, zone)


async def stopped_on_router(uow: UnitOfWork, account: HotspotAccount, *, removed: bool) -> None:
    """The router no longer lets the account in (expiry); a revoked account stays revoked."""
    if account.status == AccountStatus.ACTIVE:
        account.status = AccountStatus.REMOVED if removed else AccountStatus.DISABLED
    account.disabled_at = uow.now
    account.password = None
    await uow.session.flush()
