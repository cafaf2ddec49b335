"""SOP step 3: the applicant fills the form, one stored answer at a time, then submits."""

from __future__ import annotations

from db.models import Ticket
from db.uow import UnitOfWork
from handlers.actors import Actor, StaffDirectory
from handlers.cards import cards_for_submission
from handlers.form.definition import Field, FormDefinition
from handlers.form.validators import Accepted, Limits, Verdict, validate
from handlers.moves import move
from handlers.statuses import Status

SUMMARY = "summary"
EDIT_PREFIX = "edit:"


def editing(cursor: str | None) -> str | None:
    """The field being re-answered from the summary, if any."""
    if cursor and cursor.startswith(EDIT_PREFIX):
        return cursor.removeprefix(EDIT_PREFIX)
    return None


def current_field(ticket: Ticket, form: FormDefinition) -> Field | None:
    name = editing(ticket.cursor) or ticket.cursor
    return form.get(name) if name else None


def answers_of(ticket: Ticket) -> dict[str, str]:
    return {answer.field: answer.value for answer in ticket.answers}


def next_cursor(ticket: Ticket, form: FormDefinition, answered: str) -> str:
    """After `answered`: back to the summary when editing, else the next unanswered field."""
    if editing(ticket.cursor):
        return SUMMARY
    fields = form.for_category(ticket.category or "")
    names = [field.name for field in fields]
    given = answers_of(ticket)
    after = names[names.index(answered) + 1 :] if answered in names else names
    for name in after:
        if name not in given:
            return name
    missing = [name for name in names if name not in given]
    return missing[0] if missing else SUMMARY


def previous_cursor(ticket: Ticket, form: FormDefinition) -> str | None:
    names = [field.name for field in form.for_category(ticket.category or "")]
    if ticket.cursor == SUMMARY:
        return names[-1]
    if ticket.cursor in names:
        index = names.index(ticket.cursor)
        return names[index - 1] if index > 0 else None
    return None


async def save_answer(
    uow: UnitOfWork, ticket: Ticket, form: FormDefinition, text: str, limits: Limits
) -> Verdict:
    """Validates and stores the answer to the current field; a refused answer changes nothing."""
    field = current_field(ticket, form)
    if ticket.status != Status.FORM or field is None:
        raise ValueError("the ticket is not waiting for a form answer")
    verdict = validate(text, field, limits)
    if isinstance(verdict, Accepted):
        await uow.tickets.set_answer(ticket, field.name, verdict.value, uow.now)
        await set_cursor(uow, ticket, next_cursor(ticket, form, field.name))
    return verdict


async def set_cursor(uow: UnitOfWork, ticket: Ticket, cursor: str | None) -> None:
    ticket.cursor = cursor
    ticket.updated_at = uow.now


def missing_fields(ticket: Ticket, form: FormDefinition) -> list[str]:
    given = answers_of(ticket)
    return [f.name for f in form.for_category(ticket.category or "") if f.name not in given]


async def submit(
    uow: UnitOfWork, ticket: Ticket, form: FormDefinition, actor: Actor, staff: StaffDirectory
) -> None:
    """The completed form goes to the admins for verification (SOP step 4 starts)."""
    if missing_fields(ticket, form):
        raise ValueError("the form is not complete")
    await move(uow, ticket, Status.SUBMITTED, actor)
    ticket.return_note = None
    await cards_for_submission(uow, ticket, staff)
