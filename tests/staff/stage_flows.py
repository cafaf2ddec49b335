"""The real bot on the local stand-ins, with submitted forms made straight in its database
(the applicant's dialog has its own tests): staff cards then go out through Telegram."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from bot.clock import Clock
from bot.demo.stage import LocalStage
from handlers import filling, intake
from handlers.actors import Actor
from handlers.statuses import Role
from tests.staff.history import ANSWERS

GUEST, STRANGER = 2001, 2002
DEPUTY = 9003
GROUP = -100777
BY_TYPE = {"name": "Siti Aminah", "identity": "3507123456780001", "file": "", "integer": "1"}


@asynccontextmanager
async def running(
    tmp_path: Path, database_url: str, clock: Clock | None = None, **overrides: Any
) -> AsyncIterator[LocalStage]:
    stage = LocalStage(
        tmp_path, database_url=database_url, clock=clock, head_ids=(9002, DEPUTY), **overrides
    )
    stage.emulator.add_user(GUEST, "Siti", "Aminah", username="siti")
    stage.emulator.add_user(STRANGER, "Eve", "Mallory", username="eve")
    async with stage:
        yield stage


async def submitted(stage: LocalStage, user_id: int = GUEST) -> int:
    """A complete guest form, submitted now; waits until the staff cards are out."""
    runtime = stage.runtime
    ctx = runtime.ctx
    async with runtime.db.unit(runtime.clock.now()) as uow:
        contact = intake.Contact(user_id, user_id, "Siti Aminah", "siti", "id")
        applicant = await intake.register(uow, contact)
        ticket = await intake.open_ticket(uow, applicant)
        actor = Actor(Role.APPLICANT, user_id, "Siti Aminah")
        await intake.choose_category(uow, ticket, "tamu", actor, ctx.form, ctx.self_service)
        for field in ctx.form.for_category("tamu"):
            value = ANSWERS.get(field.name, BY_TYPE.get(field.type, "PTIPD"))
            if field.type == "date":
                value = ctx.today().isoformat()
            await uow.tickets.set_answer(ticket, field.name, value, uow.now)
        await filling.set_cursor(uow, ticket, filling.SUMMARY)
        await filling.submit(uow, ticket, ctx.form, actor, ctx.staff)
        ticket_id = ticket.id
    runtime.worker.wake()
    await stage.settle()
    return ticket_id


async def status_of(stage: LocalStage, ticket_id: int) -> str:
    async with stage.runtime.db.unit(stage.runtime.clock.now()) as uow:
        ticket = await uow.tickets.get(ticket_id)
        assert ticket is not None
        return ticket.status


async def forge(stage: LocalStage, user_id: int, data: str) -> str:
    """A modified client sends any callback data on a message it can see."""
    if not stage.emulator.messages_to(user_id):
        await stage.say(user_id, "/help")
    message = stage.emulator.messages_to(user_id)[-1]
    query_id = await stage.emulator.press(user_id, message, callback_data=data, forge=True)
    await stage.settle()
    return stage.emulator.callback_answers[query_id].text or ""


def texts_to(stage: LocalStage, chat_id: int) -> list[str]:
    return [m.plain for m in stage.emulator.messages_to(chat_id)]
