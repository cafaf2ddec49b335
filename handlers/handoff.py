"""Handing an applicant over to the admins: the bot relays both ways until an admin closes it.

Reached from the self-activation follow-up ("still failing") and from /help at any time.
"""

from __future__ import annotations

from db.models import Applicant, Ticket
from db.models_dialog import Handoff
from db.uow import UnitOfWork
from handlers.actors import Actor, StaffDirectory
from handlers.moves import move
from handlers.statuses import Status


async def open_handoff(
    uow: UnitOfWork, applicant: Applicant, ticket: Ticket | None, staff: StaffDirectory
) -> tuple[Handoff, bool]:
    """The open conversation, or a new one announced to every admin chat; True if new."""
    current = await uow.handoffs.open_for(applicant.id)
    if current is not None:
        return current, False
    handoff = await uow.handoffs.add(
        Handoff(
            applicant_id=applicant.id, ticket_id=ticket.id if ticket else None, opened_at=uow.now
        )
    )
    await _to_staff(uow, handoff, staff, "opened", "", f"open:{handoff.id}")
    return handoff, True


async def relay_to_staff(
    uow: UnitOfWork, handoff: Handoff, staff: StaffDirectory, text: str, message_id: int
) -> None:
    await _to_staff(uow, handoff, staff, "message", text, f"{handoff.id}:{message_id}")


async def _to_staff(
    uow: UnitOfWork, handoff: Handoff, staff: StaffDirectory, event: str, text: str, key: str
) -> None:
    for chat_id in staff.admin_chats():
        await uow.outbox.enqueue(
            "relay_to_staff",
            f"relay:{key}:{chat_id}",
            {"handoff_id": handoff.id, "chat_id": chat_id, "event": event, "text": text},
            uow.now,
            ticket_id=handoff.ticket_id,
        )


async def answer_applicant(
    uow: UnitOfWork, handoff: Handoff, actor: Actor, text: str, message_id: int
) -> None:
    await uow.outbox.enqueue(
        "relay_to_applicant",
        f"reply:{handoff.id}:{actor.id}:{message_id}",
        {"handoff_id": handoff.id, "staff_name": actor.name or "", "text": text, "event": "reply"},
        uow.now,
        ticket_id=handoff.ticket_id,
        chat_id=await _applicant_chat(uow, handoff),
    )


async def close_handoff(uow: UnitOfWork, handoff: Handoff, actor: Actor) -> bool:
    """Ends the conversation (and a self-activation ticket with it); False if already closed."""
    if handoff.closed_at is not None:
        return False
    handoff.closed_at = uow.now
    handoff.closed_by = actor.name
    if handoff.ticket_id is not None:
        ticket = await uow.tickets.get(handoff.ticket_id)
        if ticket is not None and ticket.status == Status.SELF_SERVICE:
            await move(uow, ticket, Status.CLOSED, actor, note="conversation closed")
    await uow.outbox.enqueue(
        "relay_to_applicant",
        f"closed:{handoff.id}",
        {"handoff_id": handoff.id, "staff_name": actor.name or "", "text": "", "event": "closed"},
        uow.now,
        ticket_id=handoff.ticket_id,
        chat_id=await _applicant_chat(uow, handoff),
    )
    return True


async def _applicant_chat(uow: UnitOfWork, handoff: Handoff) -> int | None:
    """Where the answers go: relays to one applicant keep their order (see the outbox)."""
    applicant = await uow.applicants.get(handoff.applicant_id)
    return applicant.chat_id if applicant is not None else None
