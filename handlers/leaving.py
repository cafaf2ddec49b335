"""Leaving early: the applicant cancels, or an abandoned form expires."""

from __future__ import annotations

from db.models import Ticket
from db.uow import UnitOfWork
from handlers.actors import SYSTEM, Actor
from handlers.moves import move
from handlers.review import close_cards
from handlers.statuses import Status

CARD_STAGE = {Status.SUBMITTED: "verify", Status.VERIFIED: "decide"}


async def cancel(uow: UnitOfWork, ticket: Ticket, actor: Actor) -> None:
    previous = Status(ticket.status)
    await move(uow, ticket, Status.CANCELLED, actor)
    stage = CARD_STAGE.get(previous)
    if stage:
        await close_cards(uow, ticket, stage, "cancelled")


async def expire(uow: UnitOfWork, ticket: Ticket) -> None:
    await move(uow, ticket, Status.EXPIRED, SYSTEM, note="form abandoned")
