"""Who gets a staff card for a ticket, and when: the outbox jobs that post the cards."""

from __future__ import annotations

from db.models import Ticket
from db.uow import UnitOfWork
from handlers.actors import StaffDirectory
from handlers.statuses import Status


async def submission_round(uow: UnitOfWork, ticket: Ticket) -> int:
    """How many times this ticket has been submitted (a returned form comes back as round 2)."""
    return await uow.tickets.count_transitions(ticket.id, Status.SUBMITTED)


async def post_cards(uow: UnitOfWork, ticket: Ticket, stage: str, chats: list[int]) -> None:
    round_ = await submission_round(uow, ticket)
    has_files = bool(await uow.attachments.for_ticket(ticket.id))
    for chat_id in chats:
        await uow.outbox.enqueue(
            "staff_card",
            f"card:{ticket.id}:{stage}:{round_}:{chat_id}",
            {"chat_id": chat_id, "stage": stage},
            uow.now,
            ticket_id=ticket.id,
        )
        if has_files:
            # The supporting letter follows its card, so the staff judge with it in hand.
            await uow.outbox.enqueue(
                "staff_attachments",
                f"files:{ticket.id}:{stage}:{round_}:{chat_id}",
                {"chat_id": chat_id},
                uow.now,
                ticket_id=ticket.id,
            )


async def cards_for_submission(uow: UnitOfWork, ticket: Ticket, staff: StaffDirectory) -> None:
    """SOP step 4 starts: the admins verify, or (verification off) the heads decide at once."""
    if staff.verification:
        await post_cards(uow, ticket, "verify", staff.admin_chats())
    else:
        await post_cards(uow, ticket, "decide", staff.head_chats())
