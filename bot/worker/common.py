"""What several outbox jobs share: the job's ticket, and a chat message sent with the
messenger's failures turned into the outbox's (retry later, or stop)."""

from __future__ import annotations

from bot.channels.messenger import Messenger, MessengerPermanentError, MessengerTemporaryError
from bot.dialog.events import Reply
from bot.worker.errors import JobPermanentError, JobTemporaryError
from db.models import OutboxJob, Ticket
from db.uow import UnitOfWork


async def job_ticket(uow: UnitOfWork, job: OutboxJob) -> Ticket:
    ticket = await uow.tickets.get(job.ticket_id or 0)
    if ticket is None:
        raise JobPermanentError(f"ticket {job.ticket_id} not found")
    return ticket


async def send_chat(messenger: Messenger, chat_id: int, reply: Reply) -> int:
    try:
        return await messenger.send(chat_id, reply)
    except MessengerTemporaryError as error:
        raise JobTemporaryError(str(error)) from error
    except MessengerPermanentError as error:
        raise JobPermanentError(str(error)) from error
