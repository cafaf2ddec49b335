"""The conversation between an applicant and the admins, relayed by the bot."""

from __future__ import annotations

import logging

from bot.dialog.context import DeskContext
from bot.dialog.events import Inbound, Outcome
from bot.dialog.keyboards import Press
from bot.dialog.render import STAFF_LANGUAGE
from db.models import Applicant, Ticket
from db.models_dialog import Handoff
from db.uow import UnitOfWork
from handlers import handoff as handoffs
from handlers.actors import Actor
from handlers.statuses import Role

log = logging.getLogger(__name__)
MAX_RELAY = 3000


class HandoffDialog:
    def __init__(self, ctx: DeskContext) -> None:
        self.ctx = ctx
        self.t = ctx.texts.t

    async def open(self, uow: UnitOfWork, applicant: Applicant, ticket: Ticket | None) -> Outcome:
        _handoff, new = await handoffs.open_handoff(uow, applicant, ticket, self.ctx.staff)
        key = "handoff.applicant_opened" if new else "handoff.applicant_still_open"
        return Outcome(wake_worker=new).say(self.t(applicant.language, key))

    async def relay(
        self, uow: UnitOfWork, applicant: Applicant, handoff: Handoff, event: Inbound
    ) -> Outcome:
        text = event.text.strip()
        if not text:
            return Outcome().say(self.t(applicant.language, "invalid.empty"))
        if len(text) > MAX_RELAY:
            return Outcome().say(self.t(applicant.language, "invalid.too_long", max=MAX_RELAY))
        await handoffs.relay_to_staff(uow, handoff, self.ctx.staff, text, event.message_id or 0)
        return Outcome(wake_worker=True).say(self.t(applicant.language, "handoff.relayed"))

    async def staff_reply(self, event: Inbound) -> Outcome | None:
        """An admin's reply to a relayed message goes to that applicant; None if it is not one."""
        if event.reply_to is None or Role.ADMIN not in self.ctx.staff.roles_of(event.person.id):
            return None
        async with self.ctx.unit() as uow:
            handoff = await uow.handoffs.by_relayed(event.chat_id, event.reply_to)
            if handoff is None:
                return None
            if handoff.closed_at is not None:
                return Outcome().say(self.t(STAFF_LANGUAGE, "handoff.staff_already_closed"))
            text = event.text.strip()
            if not text or len(text) > MAX_RELAY:
                return Outcome().say(self.t(STAFF_LANGUAGE, "invalid.too_long", max=MAX_RELAY))
            actor = Actor(Role.ADMIN, event.person.id, event.person.name)
            await handoffs.answer_applicant(uow, handoff, actor, text, event.message_id or 0)
        return Outcome(wake_worker=True).say(self.t(STAFF_LANGUAGE, "handoff.staff_sent"))

    async def staff_close(self, event: Inbound, press: Press) -> Outcome:
        if Role.ADMIN not in self.ctx.staff.roles_of(event.person.id):
            log.warning("refused a hand-off close from user %s", event.person.id)
            return Outcome(toast=self.t(STAFF_LANGUAGE, "staff.not_allowed"), alert=True)
        async with self.ctx.unit() as uow:
            handoff = await uow.handoffs.get(press.ticket_id or 0)
            if handoff is None:
                return Outcome(toast=self.t(STAFF_LANGUAGE, "button.invalid"))
            actor = Actor(Role.ADMIN, event.person.id, event.person.name)
            closed = await handoffs.close_handoff(uow, handoff, actor)
        key = "handoff.staff_closed" if closed else "handoff.staff_already_closed"
        return Outcome(toast=self.t(STAFF_LANGUAGE, key), wake_worker=closed)
