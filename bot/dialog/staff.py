"""The staff side of the conversation: Verify / Return for admins, Approve / Reject for heads.

Who pressed is checked against the configured staff on every press; the button's data only
names the ticket, and the ticket's state is read from the database. A refused press or command
is answered politely, changes nothing, and is recorded in the audit trail.
"""

from __future__ import annotations

import logging
import re

from bot.dialog.context import DeskContext
from bot.dialog.events import Button, Inbound, Keyboard, Outcome
from bot.dialog.keyboards import Press, data, rows
from bot.dialog.render import staff_language, status_name
from bot.dialog.staff_commands import StaffCommand
from db.uow import UnitOfWork
from handlers import audit, lookup, review
from handlers.actors import Actor
from handlers.errors import AlreadyDecided, NotStaff, NotYet, TicketNotFound
from handlers.statuses import Role, Status

log = logging.getLogger(__name__)

# "xr": reject with one of the configured reasons (its index in the list, read at press time).
STAFF_VERBS = {"v": Role.ADMIN, "r": Role.ADMIN, "a": Role.HEAD, "x": Role.HEAD, "xr": Role.HEAD}
# How a press is named in the audit trail.
ACTIONS = {"v": "verify", "r": "return", "a": "approve", "x": "reject", "xr": "reject"}
MIN_REASON, MAX_REASON = 3, 500
REASON_LABEL = 60


class StaffDialog:
    def __init__(self, ctx: DeskContext) -> None:
        self.ctx = ctx
        self.t = ctx.texts.t

    @property
    def verification(self) -> bool:
        return self.ctx.staff.verification

    async def press(self, event: Inbound, press: Press) -> Outcome:
        role = STAFF_VERBS[press.verb]
        async with self.ctx.unit() as uow:
            lang = await staff_language(uow, event.person.id)
            if press.ticket_id is None:
                return Outcome(toast=self.t(lang, "button.invalid"))
            ticket_id = press.ticket_id
            try:
                actor = review.act_as(self.ctx.staff, event.person.id, event.person.name, role)
                return await self._act(uow, actor, press, ticket_id, lang)
            except NotStaff:
                # Only the id goes to the log; the name and what was pressed go to the audit.
                log.warning("refused a staff button from user %s (needs %s)", event.person.id, role)
                await audit.record(
                    uow,
                    audit.REFUSED_PRESS,
                    self._someone(event),
                    ticket_id=ticket_id,
                    detail=f"{ACTIONS[press.verb]} (needs {role})",
                )
                return Outcome(toast=self.t(lang, "staff.not_allowed"), alert=True)
            except TicketNotFound:
                return Outcome(toast=self.t(lang, "button.invalid"), alert=True)
            except NotYet as early:
                return Outcome(toast=self._not_yet(lang, early), alert=True)
            except AlreadyDecided as done:
                await audit.record(
                    uow,
                    audit.LATE_PRESS,
                    Actor(role, event.person.id, event.person.name),
                    ticket_id=ticket_id,
                    detail=f"{ACTIONS[press.verb]} when {done.status}",
                )
                return Outcome(toast=self._already(lang, done), alert=True)

    async def _act(
        self, uow: UnitOfWork, actor: Actor, press: Press, ticket_id: int, lang: str
    ) -> Outcome:
        if press.verb == "r":
            return await self._ask_reason(uow, actor, ticket_id, "return", lang)
        if press.verb == "x":
            return await self._ask_reason(uow, actor, ticket_id, "reject", lang)
        if press.verb == "xr":
            return await self._reject_with(uow, actor, ticket_id, press.arg, lang)
        if press.verb == "v":
            ticket = await review.verify(uow, ticket_id, actor, self.ctx.staff)
            toast = self.t(lang, "staff.verified", number=ticket.number)
        else:
            ticket = await review.approve(uow, ticket_id, actor, verification=self.verification)
            toast = self.t(lang, "staff.approved", number=ticket.number)
        return Outcome(toast=toast, wake_worker=True)

    def _someone(self, event: Inbound) -> Actor:
        return Actor(Role.APPLICANT, event.person.id, event.person.name)

    def _waits_for(self, action: str) -> frozenset[str]:
        if action == "return":
            return frozenset({Status.SUBMITTED})
        if self.verification:
            return frozenset({Status.VERIFIED})
        return frozenset({Status.VERIFIED, Status.SUBMITTED})

    async def _ask_reason(
        self, uow: UnitOfWork, actor: Actor, ticket_id: int, action: str, lang: str
    ) -> Outcome:
        ticket = await review.load(uow, ticket_id)
        if ticket.status not in self._waits_for(action):
            if ticket.status == Status.SUBMITTED:
                raise NotYet(ticket.number, ticket.status)
            raise AlreadyDecided(await review.last_decision(uow, ticket.id), ticket.status)
        await uow.staff.set_prompt(actor.id or 0, ticket.id, action, uow.now)
        text = self.t(lang, f"staff.ask_{action}", number=ticket.number)
        buttons: Keyboard = ()
        if action == "reject" and self.ctx.settings.reject_reasons:
            text += "\n\n" + self.t(lang, "staff.or_pick_reason")
            buttons = rows(
                [
                    Button(_label(reason), data("xr", ticket.id, str(index)))
                    for index, reason in enumerate(self.ctx.settings.reject_reasons)
                ],
                1,
            )
        return Outcome(toast=self.t(lang, "staff.type_reason")).say(text, buttons)

    async def _reject_with(
        self, uow: UnitOfWork, actor: Actor, ticket_id: int, arg: str, lang: str
    ) -> Outcome:
        """One tap on a configured reason; the index is looked up in today's configuration."""
        reasons = self.ctx.settings.reject_reasons
        if not re.fullmatch(r"[0-9]{1,2}", arg) or int(arg) >= len(reasons):
            return Outcome(toast=self.t(lang, "button.invalid"), alert=True)
        reason = reasons[int(arg)]
        ticket = await review.reject(uow, ticket_id, actor, reason, verification=self.verification)
        prompt = await uow.staff.prompt(actor.id or 0)
        if prompt is not None and prompt.ticket_id == ticket_id:
            await uow.staff.clear_prompt(actor.id or 0)
        done = self.t(lang, "staff.done_reject", number=ticket.number, reason=reason)
        return Outcome(
            toast=self.t(lang, "staff.rejected", number=ticket.number), wake_worker=True
        ).say(done)

    def _not_yet(self, lang: str, early: NotYet) -> str:
        status = status_name(self.ctx, lang, early.status)
        return self.t(lang, "staff.not_yet", number=early.number, status=status)

    def _already(self, lang: str, done: AlreadyDecided) -> str:
        status = status_name(self.ctx, lang, done.status)
        if done.by is None or done.at is None:
            return self.t(lang, "staff.already_status", status=status)
        return self.t(
            lang,
            "staff.already",
            who=done.by,
            when=self.ctx.texts.moment(lang, done.at, self.ctx.settings.zone),
            status=status,
        )

    async def run_command(self, event: Inbound, command: StaffCommand) -> Outcome:
        roles = self.ctx.staff.roles_of(event.person.id) & command.roles
        if not roles:
            log.warning("refused /%s from user %s", command.names[0], event.person.id)
            async with self.ctx.unit() as uow:
                lang = await staff_language(uow, event.person.id)
                number = lookup.ticket_number_in(event.args)
                ticket = await uow.tickets.by_number(number) if number else None
                await audit.record(
                    uow,
                    audit.REFUSED_COMMAND,
                    self._someone(event),
                    ticket_id=ticket.id if ticket else None,
                    detail=f"/{event.command} {event.args}".strip(),
                )
            return Outcome().say(self.t(lang, "staff.not_allowed_command"))
        # A person who is both admin and head acts as head where a command allows both.
        role = Role.HEAD if Role.HEAD in roles else next(iter(roles))
        return await command.handler(event, Actor(role, event.person.id, event.person.name))

    async def pending_prompt(self, event: Inbound) -> bool:
        async with self.ctx.unit() as uow:
            return await uow.staff.prompt(event.person.id) is not None

    async def answer_prompt(self, event: Inbound) -> Outcome:
        """The text a head or admin typed after Reject / Return: the reason for the applicant."""
        async with self.ctx.unit() as uow:
            lang = await staff_language(uow, event.person.id)
            prompt = await uow.staff.prompt(event.person.id)
            if prompt is None:
                return Outcome()
            if event.command in ("batal", "cancel"):
                await uow.staff.clear_prompt(event.person.id)
                return Outcome().say(self.t(lang, "staff.prompt_cancelled"))
            reason = " ".join(event.text.split())
            if not MIN_REASON <= len(reason) <= MAX_REASON:
                return Outcome().say(
                    self.t(lang, "staff.reason_length", min=MIN_REASON, max=MAX_REASON)
                )
            role = Role.ADMIN if prompt.action == "return" else Role.HEAD
            ticket_id, action = prompt.ticket_id, prompt.action
            await uow.staff.clear_prompt(event.person.id)
            try:
                actor = review.act_as(self.ctx.staff, event.person.id, event.person.name, role)
                if action == "return":
                    ticket = await review.return_form(uow, ticket_id, actor, reason)
                else:
                    ticket = await review.reject(
                        uow, ticket_id, actor, reason, verification=self.verification
                    )
            except NotStaff:
                await audit.record(
                    uow,
                    audit.REFUSED_PRESS,
                    self._someone(event),
                    ticket_id=ticket_id,
                    detail=f"{action} reason (no longer {role})",
                )
                return Outcome().say(self.t(lang, "staff.not_allowed"))
            except NotYet as early:
                return Outcome().say(self._not_yet(lang, early))
            except AlreadyDecided as done:
                return Outcome().say(self._already(lang, done))
            return Outcome(wake_worker=True).say(
                self.t(lang, f"staff.done_{action}", number=ticket.number, reason=reason)
            )


def _label(reason: str) -> str:
    return reason if len(reason) <= REASON_LABEL else reason[: REASON_LABEL - 1] + "…"
