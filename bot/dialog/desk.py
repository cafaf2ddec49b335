"""The front door: every inbound event from any channel comes through `Desk.handle`."""

from __future__ import annotations

from bot.dialog import extension
from bot.dialog.applicant import ApplicantDialog
from bot.dialog.context import DeskContext
from bot.dialog.events import Inbound, Kind, Outcome
from bot.dialog.flood import FloodGuard, Verdict
from bot.dialog.keyboards import Press
from bot.dialog.staff import STAFF_VERBS, StaffDialog
from bot.dialog.staff_commands import StaffCommandBook


class Desk:
    def __init__(self, ctx: DeskContext, commands: StaffCommandBook | None = None) -> None:
        self.ctx = ctx
        self.commands = commands or StaffCommandBook()
        self.applicant = ApplicantDialog(ctx)
        self.staff = StaffDialog(ctx)
        limit = ctx.settings.flood_messages_per_minute
        self.flood = FloodGuard(limit=limit)
        # Presses answer what the bot offered, so a quick hand gets more room than typing.
        self.press_flood = FloodGuard(limit=limit * 3)

    async def handle(self, event: Inbound) -> Outcome:
        is_staff = self.ctx.staff.is_staff(event.person.id)
        if not is_staff:
            guard = self.press_flood if event.kind is Kind.BUTTON else self.flood
            verdict = guard.check(event.person.id, self.ctx.clock.now())
            if verdict is not Verdict.OK:
                return await self._flooded(event, verdict)
        if event.kind is Kind.COMMAND:
            command = self.commands.find(event.command)
            if command is not None:
                return await self.staff.run_command(event, command)
        if event.kind is Kind.BUTTON:
            press = Press.parse(event.data)
            if press is not None and press.verb in STAFF_VERBS:
                return await self.staff.press(event, press)
            if press is not None and press.verb == extension.EXTEND_VERB:
                return await extension.press(self.ctx, event, press)
            if press is not None and press.verb == "hc":
                return await self.applicant.handoff.staff_close(event, press)
        if is_staff and event.kind is Kind.TEXT and event.reply_to is not None:
            relayed = await self.applicant.handoff.staff_reply(event)
            if relayed is not None:
                return relayed
        if self._answers_a_prompt(event) and await self.staff.pending_prompt(event):
            return await self.staff.answer_prompt(event)
        if not event.private:
            # Group chats are for staff cards; applicants are served in private. Staff who
            # edit a reply there (to a relayed message) learn that the edit went nowhere.
            if is_staff and event.kind is Kind.EDIT:
                return await self.applicant.edit_note(event)
            return Outcome()
        return await self.applicant.handle(event)

    async def _flooded(self, event: Inbound, verdict: Verdict) -> Outcome:
        if verdict is Verdict.WARN:
            return await self.applicant.flood_warning(event)
        # Stay quiet, but a button press is still answered or the client keeps spinning.
        return Outcome(toast="…") if event.kind is Kind.BUTTON else Outcome()

    def _answers_a_prompt(self, event: Inbound) -> bool:
        """Staff text (or /batal) may be the reason a Reject or Return asked for."""
        if not self.ctx.staff.is_staff(event.person.id):
            return False
        return event.kind is Kind.TEXT or (
            event.kind is Kind.COMMAND and event.command in ("batal", "cancel")
        )
