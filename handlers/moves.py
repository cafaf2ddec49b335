"""The one function that changes a ticket's status: checked, compare-and-set, recorded."""

from __future__ import annotations

from db.models import Ticket, Transition
from db.repositories.tickets import StaleTicket
from db.uow import UnitOfWork
from handlers.actors import Actor
from handlers.statuses import Status
from handlers.transitions import TransitionRefused, check


async def move(
    uow: UnitOfWork,
    ticket: Ticket,
    target: Status,
    actor: Actor,
    note: str | None = None,
    cursor: str | None = None,
) -> None:
    """Moves `ticket` to `target` or raises; another writer's change in between is refused too."""
    current = Status(ticket.status)
    check(current, target, actor.role)
    try:
        await uow.tickets.compare_and_set_status(ticket, current, target, uow.now, cursor)
    except StaleTicket:
        raise TransitionRefused(current, target, actor.role) from None
    await uow.tickets.add_transition(
        Transition(
            ticket_id=ticket.id,
            from_status=current,
            to_status=target,
            actor_role=actor.role,
            actor_id=actor.id,
            actor_name=actor.name,
            note=note,
            at=uow.now,
        )
    )
    who = str(actor.role) if actor.id is None else f"{actor.role} {actor.id}"
    uow.note("ticket %s: %s -> %s by %s", ticket.number, current, target, who)
