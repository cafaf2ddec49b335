"""Leaving early: the applicant cancels, or an abandoned form expires."""

from __future__ import annotations

from db.models import Ticket
from db.uow import UnitOfWork
from handlers.actors import SYSTEM, Actor
from handlers.moves import move
from handlers.review import close_cards
from handlers.statuses import Status

# A submitted form has verify cards, or decide cards when verification is switched off.
CARD_STAGES = {Status.SUBMITTED: ("verify", "decide"), Status.VERIFIED: ("decide",)}


async def cancel(uow: UnitOfWork, ticket: Ticket, actor: Actor) -> None:
    previous = Status(ticket.status)
    await move(uow, ticket, Status.CANCELLED, actor)
    for stage in CARD_STAGES.get(previous, ()):
        await close_cards(uow, ticket, stage, "cancelled")


async def expire(uow: UnitOfWork, ticket: Ticket) -> None:
    await move(uow, ticket, Status.EXPIRED, SYSTEM, note="form abandoned")
