"""Seeding approved requests through the real use cases, and reading what came of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.demo.stage import ADMIN_ID, HEAD_ID, LocalStage
from bot.dialog.context import DeskContext
from db.models import HotspotAccount, OutboxJob, Ticket
from handlers import filling, intake, review
from handlers.actors import Actor
from handlers.statuses import Role

NIK = "3507123456780001"
ADMIN = Actor(Role.ADMIN, ADMIN_ID, "Admin")
HEAD = Actor(Role.HEAD, HEAD_ID, "Kepala")


@dataclass(frozen=True)
class Request:
    ticket_id: int
    number: str


def answers(
    ctx: DeskContext, category: str, *, start: date, days: int, devices: int, email: str
) -> dict[str, str]:
    values = {
        "full_name": "Siti Aminah",
        "id_number": NIK,
        "institution": "Universitas Brawijaya",
        "email": email,
        "phone": "+6281234567890",
        "purpose": "Narasumber seminar nasional di FST",
        "host_unit": "PTIPD",
        "start_date": start.isoformat(),
        "days": str(days),
        "devices": str(devices),
    }
    for field in ctx.form.for_category(category):
        # An optional file (the supporting letter) skipped, as the dialog stores it.
        values.setdefault(field.name, "")
    return values


async def submitted(
    ctx: DeskContext,
    user_id: int,
    *,
    category: str = "tamu",
    days: int = 3,
    devices: int = 1,
    email: str = "siti@example.org",
    start: date | None = None,
) -> Request:
    async with ctx.unit() as uow:
        applicant = await intake.register(
            uow, intake.Contact(user_id, user_id, f"Pemohon {user_id}", None, "id")
        )
        ticket = await intake.open_ticket(uow, applicant)
        actor = Actor(Role.APPLICANT, user_id, applicant.display_name)
        await intake.choose_category(uow, ticket, category, actor, ctx.form, ctx.self_service)
        given = answers(
            ctx, category, start=start or ctx.today(), days=days, devices=devices, email=email
        )
        for name, value in given.items():
            await uow.tickets.set_answer(ticket, name, value, uow.now)
        await filling.set_cursor(uow, ticket, filling.SUMMARY)
        await filling.submit(uow, ticket, ctx.form, actor, ctx.staff)
        return Request(ticket.id, ticket.number)


async def approved(ctx: DeskContext, user_id: int, **kwargs: object) -> Request:
    """A request the head has just approved: its "provision" job is in the outbox."""
    request = await submitted(ctx, user_id, **kwargs)  # type: ignore[arg-type]
    async with ctx.unit() as uow:
        await review.verify(uow, request.ticket_id, ADMIN, ctx.staff)
    async with ctx.unit() as uow:
        await review.approve(uow, request.ticket_id, HEAD)
    return request


async def ticket_of(stage: LocalStage, ticket_id: int) -> Ticket:
    async with stage.runtime.ctx.unit() as uow:
        ticket = await uow.tickets.get(ticket_id)
        assert ticket is not None
        return ticket


async def account_of(stage: LocalStage, ticket_id: int) -> HotspotAccount:
    async with stage.runtime.ctx.unit() as uow:
        account = await uow.accounts.for_ticket(ticket_id)
        assert account is not None
        return account


async def jobs_of(stage: LocalStage, ticket_id: int) -> list[OutboxJob]:
    async with stage.runtime.ctx.unit() as uow:
        return list(await uow.outbox.for_ticket(ticket_id))


def users_of(stage: LocalStage, number: str) -> list[dict[str, str]]:
    return [user for user in stage.router.users if number in user.get("comment", "")]


def emails_of(stage: LocalStage, ticket_id: int) -> list[str]:
    """The Message-IDs of the credentials emails of a ticket, as received."""
    marker = f"email-{ticket_id}-credentials"
    ids = [str(m.message["Message-ID"]).strip() for m in stage.mail.messages]
    return [message_id for message_id in ids if marker in message_id]


def alerts_to(stage: LocalStage, chat_id: int = ADMIN_ID) -> list[str]:
    return [
        m.plain
        for m in stage.emulator.messages_to(chat_id)
        if "Pekerjaan gagal" in m.plain or "Pekerjaan masih gagal" in m.plain
    ]


async def run(stage: LocalStage) -> None:
    stage.runtime.worker.wake()
    await stage.settle()
