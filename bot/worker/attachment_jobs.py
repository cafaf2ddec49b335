"""Outbox job that shows the staff the files an applicant sent (the supporting letter)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.channels.messenger import Messenger
from bot.dialog import render
from bot.dialog.context import DeskContext
from bot.dialog.events import Reply
from bot.worker.common import job_ticket, send_chat
from db.models import OutboxJob


@dataclass
class AttachmentJobs:
    ctx: DeskContext
    messenger: Messenger

    async def to_staff(self, job: OutboxJob) -> None:
        chat_id = int(job.payload["chat_id"])
        async with self.ctx.unit() as uow:
            ticket = await job_ticket(uow, job)
            language = await render.staff_language(uow, chat_id)
            files = [
                (
                    self.ctx.texts.t(
                        language,
                        "staff.attachment_caption",
                        number=ticket.number,
                        label=self._label(a.field, language),
                        name=a.filename,
                    ),
                    a.filename,
                    a.content,
                )
                for a in await uow.attachments.for_ticket(ticket.id)
            ]
        for caption, filename, content in files:
            await send_chat(self.messenger, chat_id, Reply(caption, document=(filename, content)))

    def _label(self, field_name: str, language: str) -> str:
        field = self.ctx.form.get(field_name)
        return field.label[self.ctx.texts.language(language)] if field else field_name
