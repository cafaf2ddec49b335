"""The audit trail: what people and the bot did (or tried) besides changing a status.

Status changes are recorded as transitions and SLA alerts in their own table; this records the
rest so that /tiket can show it: refused presses and commands, late presses on decided cards,
exports, and whatever other parts of the staff side choose to record. Details are for staff
eyes in the database, never for logs.
"""

from __future__ import annotations

from db.models import Ticket
from db.models_staff import AuditEvent
from db.uow import UnitOfWork
from handlers.actors import Actor

MAX_DETAIL = 500

# Actions
REFUSED_PRESS = "refused_press"
REFUSED_COMMAND = "refused_command"
LATE_PRESS = "late_press"
EXPORT = "export"
FORM_REMINDER = "form_reminder"


async def record(
    uow: UnitOfWork,
    action: str,
    actor: Actor,
    *,
    ticket_id: int | None = None,
    detail: str | None = None,
) -> None:
    # A forged press may name a ticket that does not exist; the row must still be written.
    if ticket_id is not None and await uow.session.get(Ticket, ticket_id) is None:
        detail = f"#{ticket_id} (no such ticket) {detail or ''}".strip()
        ticket_id = None
    await uow.records.add_audit(
        AuditEvent(
            ticket_id=ticket_id,
            action=action,
            actor_role=actor.role,
            actor_id=actor.id,
            actor_name=(actor.name or "")[:200] or None,
            detail=detail[:MAX_DETAIL] if detail else None,
            at=uow.now,
        )
    )
