"""SOP step 4: an admin verifies (or returns) the form, the head approves or rejects it."""

from __future__ import annotations

from db.models import Decision, Ticket
from db.uow import UnitOfWork
from handlers.actors import Actor, StaffDirectory
from handlers.cards import post_cards
from handlers.errors import AlreadyDecided, NotStaff, NotYet, TicketNotFound
from handlers.filling import SUMMARY
from handlers.moves import move
from handlers.statuses import Role, Status
from handlers.transitions import TransitionRefused


def act_as(staff: StaffDirectory, user_id: int, name: str, role: Role) -> Actor:
    """The configuration, read at the time of the act, decides; button data never does."""
    if role not in staff.roles_of(user_id):
        raise NotStaff(role)
    return Actor(role, user_id, name)


async def load(uow: UnitOfWork, ticket_id: int) -> Ticket:
    ticket = await uow.tickets.get(ticket_id)
    if ticket is None:
        raise TicketNotFound(ticket_id)
    return ticket


async def notify_applicant(uow: UnitOfWork, ticket: Ticket, event: str) -> None:
    await uow.outbox.enqueue(
        "notify_applicant",
        f"notice:{ticket.id}:{event}:{await uow.tickets.count_transitions(ticket.id)}",
        {"event": event},
        uow.now,
        ticket_id=ticket.id,
        chat_id=ticket.applicant.chat_id,
    )


async def close_cards(uow: UnitOfWork, ticket: Ticket, stage: str, outcome: str) -> None:
    """Every copy of the card loses its buttons and shows who decided."""
    await uow.outbox.enqueue(
        "close_cards",
        f"close:{ticket.id}:{stage}:{await uow.tickets.count_transitions(ticket.id)}",
        {"stage": stage, "outcome": outcome},
        uow.now,
        ticket_id=ticket.id,
    )


async def _decide(
    uow: UnitOfWork,
    ticket: Ticket,
    target: Status,
    actor: Actor,
    kind: str,
    reason: str | None = None,
    cursor: str | None = None,
) -> None:
    try:
        await move(uow, ticket, target, actor, note=reason, cursor=cursor)
    except TransitionRefused:
        decision = await last_decision(uow, ticket.id)
        await uow.session.refresh(ticket)
        raise AlreadyDecided(decision, ticket.status) from None
    await uow.tickets.add_decision(
        Decision(
            ticket_id=ticket.id,
            kind=kind,
            staff_id=actor.id or 0,
            staff_name=actor.name or "",
            reason=reason,
            at=uow.now,
        )
    )


async def verify(uow: UnitOfWork, ticket_id: int, actor: Actor, staff: StaffDirectory) -> Ticket:
    ticket = await load(uow, ticket_id)
    await _decide(uow, ticket, Status.VERIFIED, actor, "verify")
    await close_cards(uow, ticket, "verify", "verified")
    await notify_applicant(uow, ticket, "verified")
    await post_cards(uow, ticket, "decide", staff.head_chats())
    return ticket


async def return_form(uow: UnitOfWork, ticket_id: int, actor: Actor, note: str) -> Ticket:
    """Back to the applicant for correction; the ticket keeps its number and history."""
    ticket = await load(uow, ticket_id)
    await _decide(uow, ticket, Status.FORM, actor, "return", reason=note, cursor=SUMMARY)
    ticket.return_note = note
    await close_cards(uow, ticket, "verify", "returned")
    await notify_applicant(uow, ticket, "returned")
    return ticket


async def _decidable(uow: UnitOfWork, ticket_id: int, verification: bool) -> Ticket:
    """With verification on (the SOP), the head decides only what an admin has verified."""
    ticket = await load(uow, ticket_id)
    if verification and ticket.status == Status.SUBMITTED:
        raise NotYet(ticket.number, ticket.status)
    return ticket


async def approve(
    uow: UnitOfWork, ticket_id: int, actor: Actor, *, verification: bool = True
) -> Ticket:
    ticket = await _decidable(uow, ticket_id, verification)
    await _decide(uow, ticket, Status.APPROVED, actor, "approve")
    await close_cards(uow, ticket, "decide", "approved")
    await notify_applicant(uow, ticket, "approved")
    await uow.outbox.enqueue(
        "provision", f"provision:{ticket.id}", {}, uow.now, ticket_id=ticket.id
    )
    return ticket


async def reject(
    uow: UnitOfWork, ticket_id: int, actor: Actor, reason: str, *, verification: bool = True
) -> Ticket:
    """The rejection notice goes by email and chat with the head's reason (SOP step 4 output)."""
    ticket = await _decidable(uow, ticket_id, verification)
    await _decide(uow, ticket, Status.REJECTED, actor, "reject", reason=reason)
    await close_cards(uow, ticket, "decide", "rejected")
    await notify_applicant(uow, ticket, "rejected")
    await uow.outbox.enqueue(
        "email",
        f"email:{ticket.id}:rejection",
        {"template": "rejection"},
        uow.now,
        ticket_id=ticket.id,
    )
    return ticket


# The decisions a card of each stage is about.
STAGE_DECISIONS = {
    "verify": frozenset({"verify", "return"}),
    "decide": frozenset({"approve", "reject"}),
}


async def last_decision(
    uow: UnitOfWork, ticket_id: int, stage: str | None = None
) -> Decision | None:
    """The latest decision, or the latest of one card stage (a verify card that is edited
    late must still show the admin's verification, not the head's later approval)."""
    decisions = await uow.tickets.decisions(ticket_id)
    if stage is not None:
        decisions = [d for d in decisions if d.kind in STAGE_DECISIONS[stage]]
    return decisions[-1] if decisions else None
