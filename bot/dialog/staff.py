"""The staff side of the conversation: Verify / Return for admins, Approve / Reject for heads.

Who pressed is checked against the configured staff on every press; the button's data only
names the ticket, and the ticket's state is read from the database.
"""

from __future__ import annotations

import logging

from bot.dialog.context import DeskContext
from bot.dialog.events import Inbound, Outcome
from bot.dialog.keyboards import Press
from bot.dialog.staff_commands import StaffCommand
from db.uow import UnitOfWork
from handlers import review
from handlers.actors import Actor
from handlers.errors import AlreadyDecided, NotStaff, TicketNotFound
from handlers.statuses import Role, Status

log = logging.getLogger(__name__)

LANG = "id"
STAFF_VERBS = {"v": Role.ADMIN, "r": Role.ADMIN, "a": Role.HEAD, "x": Role.HEAD}
PROMPT_STATUS = {"r": Status.SUBMITTED, "x": Status.VERIFIED}
MIN_REASON, MAX_REASON = 3, 500


class StaffDialog:
    def __init__(self, ctx: DeskContext) -> None:
        self.ctx = ctx
        self.t = ctx.texts.t

    async def press(self, event: Inbound, press: Press) -> Outcome:
        role = STAFF_VERBS[press.verb]
        if press.ticket_id is None:
            return Outcome(toast=self.t(LANG, "button.invalid"))
        async with self.ctx.unit() as uow:
            try:
                actor = review.act_as(self.ctx.staff, event.person.id, event.person.name, role)
                if press.verb in PROMPT_STATUS:
                    return await self._ask_reason(uow, actor.id or 0, press.ticket_id, press.verb)
                if press.verb == "v":
                    ticket = await review.verify(uow, press.ticket_id, actor, self.ctx.staff)
                    toast = self.t(LANG, "staff.verified", number=ticket.number)
                else:
                    ticket = await review.approve(uow, press.ticket_id, actor)
                    toast = self.t(LANG, "staff.approved", number=ticket.number)
            except NotStaff:
                log.warning("refused a staff button from user %s (needs %s)", event.person.id, role)
                return Outcome(toast=self.t(LANG, "staff.not_allowed"), alert=True)
            except TicketNotFound:
                return Outcome(toast=self.t(LANG, "button.invalid"), alert=True)
            except AlreadyDecided as done:
                return Outcome(toast=self._already(done), alert=True)
            return Outcome(toast=toast, wake_worker=True)

    async def _ask_reason(
        self, uow: UnitOfWork, staff_id: int, ticket_id: int, verb: str
    ) -> Outcome:
        ticket = await review.load(uow, ticket_id)
        if ticket.status != PROMPT_STATUS[verb]:
            raise AlreadyDecided(await review.last_decision(uow, ticket.id), ticket.status)
        action = "return" if verb == "r" else "reject"
        await uow.staff.set_prompt(staff_id, ticket.id, action, uow.now)
        text = self.t(LANG, f"staff.ask_{action}", number=ticket.number)
        return Outcome(toast=self.t(LANG, "staff.type_reason")).say(text)

    def _already(self, done: AlreadyDecided) -> str:
        status = self.t(LANG, f"state.{done.status}")
        if done.by is None or done.at is None:
            return self.t(LANG, "staff.already_status", status=status)
        return self.t(
            LANG,
            "staff.already",
            who=done.by,
            when=self.ctx.texts.moment(LANG, done.at, self.ctx.settings.zone),
            status=status,
        )

    async def run_command(self, event: Inbound, command: StaffCommand) -> Outcome:
        roles = self.ctx.staff.roles_of(event.person.id) & command.roles
        if not roles:
            log.warning("refused /%s from user %s", command.names[0], event.person.id)
            return Outcome().say(self.t(LANG, "staff.not_allowed_command"))
        # A person who is both admin and head acts as head where a command allows both.
        role = Role.HEAD if Role.HEAD in roles else next(iter(roles))
        return await command.handler(event, Actor(role, event.person.id, event.person.name))

    async def pending_prompt(self, event: Inbound) -> bool:
        async with self.ctx.unit() as uow:
            return await uow.staff.prompt(event.person.id) is not None

    async def answer_prompt(self, event: Inbound) -> Outcome:
        """The text a head or admin typed after Reject / Return: the reason for the applicant."""
        async with self.ctx.unit() as uow:
            prompt = await uow.staff.prompt(event.person.id)
            if prompt is None:
                return Outcome()
            if event.command in ("batal", "cancel"):
                await uow.staff.clear_prompt(event.person.id)
                return Outcome().say(self.t(LANG, "staff.prompt_cancelled"))
            reason = " ".join(event.text.split())
            if not MIN_REASON <= len(reason) <= MAX_REASON:
                return Outcome().say(
                    self.t(LANG, "staff.reason_length", min=MIN_REASON, max=MAX_REASON)
                )
            role = Role.ADMIN if prompt.action == "return" else Role.HEAD
            ticket_id, action = prompt.ticket_id, prompt.action
            await uow.staff.clear_prompt(event.person.id)
            try:
                actor = review.act_as(self.ctx.staff, event.person.id, event.person.name, role)
                if action == "return":
                    ticket = await review.return_form(uow, ticket_id, actor, reason)
                else:
                    ticket = await review.reject(uow, ticket_id, actor, reason)
            except NotStaff:
                return Outcome().say(self.t(LANG, "staff.not_allowed"))
            except AlreadyDecided as done:
                return Outcome().say(self._already(done))
            return Outcome(wake_worker=True).say(
                self.t(LANG, f"staff.done_{action}", number=ticket.number, reason=reason)
            )
