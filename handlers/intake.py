"""SOP steps 1 and 2: open a ticket, triage the applicant by category."""

from __future__ import annotations

from dataclasses import dataclass

from db.models import Applicant, Ticket, Transition
from db.uow import UnitOfWork
from handlers.actors import Actor
from handlers.form.definition import FormDefinition
from handlers.moves import move
from handlers.statuses import ACTIVE, Role, Status


@dataclass(frozen=True)
class Contact:
    """The person writing, as the channel knows them."""

    external_id: int
    chat_id: int
    display_name: str
    username: str | None
    language: str


async def register(uow: UnitOfWork, contact: Contact, known: Applicant | None = None) -> Applicant:
    return await uow.applicants.upsert(
        known=known,
        external_id=contact.external_id,
        chat_id=contact.chat_id,
        display_name=contact.display_name,
        username=contact.username,
        language=contact.language,
        now=uow.now,
    )


async def active_ticket(uow: UnitOfWork, applicant: Applicant) -> Ticket | None:
    return await uow.tickets.latest_for_applicant(applicant.id, [s.value for s in ACTIVE])


async def open_ticket(uow: UnitOfWork, applicant: Applicant) -> Ticket:
    """SOP step 1: the request gets a ticket and a number the applicant can quote."""
    number = await uow.tickets.next_number(uow.now.year)
    ticket = await uow.tickets.add(
        Ticket(
            number=number,
            applicant_id=applicant.id,
            status=Status.OPEN,
            created_at=uow.now,
            updated_at=uow.now,
            first_contact_at=uow.now,
            applicant=applicant,
            answers=[],
        )
    )
    await uow.tickets.add_transition(
        Transition(
            ticket_id=ticket.id,
            from_status="new",
            to_status=Status.OPEN,
            actor_role=Role.APPLICANT,
            actor_id=applicant.external_id,
            actor_name=applicant.display_name,
            at=uow.now,
        )
    )
    return ticket


async def choose_category(
    uow: UnitOfWork,
    ticket: Ticket,
    category: str,
    actor: Actor,
    form: FormDefinition,
    self_service: frozenset[str],
) -> Status:
    """SOP step 2: lecturers, students and staff self-activate; everyone else gets the form."""
    if category in self_service:
        # Stays open for the follow-up: "it worked" closes it, "still failing" goes to an admin.
        ticket.category = category
        await move(uow, ticket, Status.SELF_SERVICE, actor, note=category)
        return Status.SELF_SERVICE
    fields = form.for_category(category)
    ticket.category = category
    await move(uow, ticket, Status.FORM, actor, note=category, cursor=fields[0].name)
    return Status.FORM
