"""SOP step 3: the applicant fills the form, one stored answer at a time, then submits."""

from __future__ import annotations

from dataclasses import dataclass

from db.models import Ticket
from db.uow import UnitOfWork
from handlers.actors import Actor, StaffDirectory
from handlers.cards import cards_for_submission
from handlers.form.definition import Field, FormDefinition
from handlers.form.validators import Accepted, Limits, Rejected, Verdict, validate
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
    """The form's answers by field name."""
    return {answer.field: answer.value for answer in ticket.answers}


def note_source(ticket: Ticket, field: str, message_id: int | None, *, accepted: bool) -> None:
    """Remembers which message answered `field` (None: a button or a file) or was refused."""
    if accepted:
        ticket.answered_field, ticket.answered_message_id = field, message_id
        ticket.refused_field = ticket.refused_message_id = None
    else:
        ticket.refused_field, ticket.refused_message_id = field, message_id


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
    uow: UnitOfWork,
    ticket: Ticket,
    form: FormDefinition,
    text: str,
    limits: Limits,
    message_id: int | None = None,
) -> Verdict:
    """Validates and stores the answer to the current field; a refused answer changes nothing
    but the note of which message was refused. `message_id`: the chat message that gave it
    (None for a button), so that an edit of it can be told apart (`apply_edit`)."""
    field = current_field(ticket, form)
    if ticket.status != Status.FORM or field is None:
        raise ValueError("the ticket is not waiting for a form answer")
    verdict = validate(text, field, limits)
    accepted = isinstance(verdict, Accepted)
    if isinstance(verdict, Accepted):
        await uow.tickets.set_answer(ticket, field.name, verdict.value, uow.now)
        await set_cursor(uow, ticket, next_cursor(ticket, form, field.name))
    if accepted or message_id is not None:
        note_source(ticket, field.name, message_id, accepted=accepted)
    return verdict


@dataclass(frozen=True)
class EditResult:
    """What an edited message did. `outcome`: "answer" (it was the refused answer of the field
    still asked, and was read as a new answer: `verdict`), "applied", "unchanged", "refused"
    (the field just answered: its stored `value` after the edit) or "not_read"."""

    outcome: str
    field: Field | None = None
    verdict: Verdict | None = None
    value: str | None = None


async def apply_edit(
    uow: UnitOfWork,
    ticket: Ticket,
    form: FormDefinition,
    message_id: int,
    text: str,
    limits: Limits,
) -> EditResult:
    """The applicant edited chat message `message_id` to `text`. Only the message that gave
    the latest answer, or the refused answer of the field still asked, counts; the cursor
    stays where it is when the latest answer changes."""
    if ticket.status != Status.FORM:
        return EditResult("not_read")
    asked = current_field(ticket, form)
    refused = (ticket.refused_field, ticket.refused_message_id)
    if asked is not None and refused == (asked.name, message_id):
        verdict = await save_answer(uow, ticket, form, text, limits, message_id)
        return EditResult("answer", asked, verdict)
    answered = ticket.answered_field if ticket.answered_message_id == message_id else None
    field = form.get(answered) if answered else None
    if field is None or not field.applies_to(ticket.category or ""):
        return EditResult("not_read")
    stored = answers_of(ticket).get(field.name)
    verdict = validate(text, field, limits)
    if isinstance(verdict, Rejected):
        return EditResult("refused", field, verdict, stored)
    if verdict.value == stored:
        return EditResult("unchanged", field, verdict, stored)
    await uow.tickets.set_answer(ticket, field.name, verdict.value, uow.now)
    ticket.updated_at = uow.now
    return EditResult("applied", field, verdict, verdict.value)


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
