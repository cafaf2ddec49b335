"""Outbox jobs of a hand-off: an applicant's words to every admin chat, an admin's answer back."""

from __future__ import annotations

from dataclasses import dataclass

from bot.channels.messenger import Messenger
from bot.dialog.context import DeskContext
from bot.dialog.events import Button, Reply
from bot.dialog.render import STAFF_LANGUAGE
from bot.worker.common import send_chat
from bot.worker.errors import JobPermanentError
from db.models import OutboxJob


@dataclass
class RelayJobs:
    ctx: DeskContext
    messenger: Messenger

    async def to_staff(self, job: OutboxJob) -> None:
        handoff_id = int(job.payload["handoff_id"])
        chat_id = int(job.payload["chat_id"])
        t = self.ctx.texts.t
        async with self.ctx.unit() as uow:
            handoff = await uow.handoffs.get(handoff_id)
            if handoff is None:
                raise JobPermanentError(f"hand-off {handoff_id} not found")
            applicant = await uow.applicants.get(handoff.applicant_id)
            assert applicant is not None
            ticket = await uow.tickets.get(handoff.ticket_id) if handoff.ticket_id else None
        handle = f"@{applicant.username}" if applicant.username else str(applicant.external_id)
        text = t(
            STAFF_LANGUAGE,
            f"handoff.staff_{job.payload['event']}",
            name=applicant.display_name,
            handle=handle,
            number=ticket.number if ticket else "—",
            text=job.payload["text"],
        )
        close = Button(t(STAFF_LANGUAGE, "handoff.button_close"), f"hc:{handoff_id}")
        message_id = await send_chat(self.messenger, chat_id, Reply(text, ((close,),)))
        # Recorded where it went, so an answer from a chat that moved still finds it.
        chat_id = self.messenger.resolve(chat_id)
        async with self.ctx.unit() as uow:
            await uow.handoffs.record_relay(handoff_id, chat_id, message_id, uow.now)

    async def to_applicant(self, job: OutboxJob) -> None:
        handoff_id = int(job.payload["handoff_id"])
        async with self.ctx.unit() as uow:
            handoff = await uow.handoffs.get(handoff_id)
            if handoff is None:
                raise JobPermanentError(f"hand-off {handoff_id} not found")
            applicant = await uow.applicants.get(handoff.applicant_id)
            assert applicant is not None
        text = self.ctx.texts.t(
            applicant.language,
            f"handoff.applicant_{job.payload['event']}",
            staff=job.payload["staff_name"],
            text=job.payload["text"],
        )
        await send_chat(self.messenger, applicant.chat_id, Reply(text))
