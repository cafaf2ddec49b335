"""What several outbox jobs share: the job's ticket, and a chat message sent with the
messenger's failures turned into the outbox's (retry later, or stop)."""

from __future__ import annotations

from bot.channels.messenger import (
    Messenger,
    MessengerError,
    MessengerPermanentError,
    MessengerUnknownError,
)
from bot.dialog.events import Reply
from bot.worker.errors import JobPermanentError, JobTemporaryError, JobUnknownError
from db.models import OutboxJob, Ticket
from db.uow import UnitOfWork


async def job_ticket(uow: UnitOfWork, job: OutboxJob) -> Ticket:
    ticket = await uow.tickets.get(job.ticket_id or 0)
    if ticket is None:
        raise JobPermanentError(f"ticket {job.ticket_id} not found")
    return ticket


def job_error(error: MessengerError) -> Exception:
    """The outbox's error for a messenger's, keeping the platform's words: unknown ->
    `JobUnknownError` (retried, the admins told at once), permanent -> `JobPermanentError`,
    anything else (temporary, a chat still moving) -> `JobTemporaryError`."""
    if isinstance(error, MessengerUnknownError):
        return JobUnknownError(str(error))
    if isinstance(error, MessengerPermanentError):
        return JobPermanentError(str(error))
    return JobTemporaryError(str(error))


async def send_chat(messenger: Messenger, chat_id: int, reply: Reply) -> int:
    """Sends `reply` to `chat_id` (or where that chat moved) and returns the message id.
    Raises the outbox's errors (see `job_error`)."""
    try:
        return await messenger.send(chat_id, reply)
    except MessengerError as error:
        raise job_error(error) from error
