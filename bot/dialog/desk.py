"""The front door: every inbound event from any channel comes through `Desk.handle`."""

from __future__ import annotations

from bot.dialog.applicant import ApplicantDialog
from bot.dialog.context import DeskContext
from bot.dialog.events import Inbound, Kind, Outcome
from bot.dialog.keyboards import Press
from bot.dialog.staff import STAFF_VERBS, StaffDialog
from bot.dialog.staff_commands import StaffCommandBook


class Desk:
    def __init__(self, ctx: DeskContext, commands: StaffCommandBook | None = None) -> None:
        self.ctx = ctx
        self.commands = commands or StaffCommandBook()
        self.applicant = ApplicantDialog(ctx)
        self.staff = StaffDialog(ctx)

    async def handle(self, event: Inbound) -> Outcome:
        if event.kind is Kind.COMMAND:
            command = self.commands.find(event.command)
            if command is not None:
                return await self.staff.run_command(event, command)
        if event.kind is Kind.BUTTON:
            press = Press.parse(event.data)
            if press is not None and press.verb in STAFF_VERBS:
                return await self.staff.press(event, press)
        if self._answers_a_prompt(event) and await self.staff.pending_prompt(event):
            return await self.staff.answer_prompt(event)
        if not event.private:
            # Group chats are for staff cards; applicants are served in private.
            return Outcome()
        return await self.applicant.handle(event)

    def _answers_a_prompt(self, event: Inbound) -> bool:
        """Staff text (or /batal) may be the reason a Reject or Return asked for."""
        if not self.ctx.staff.is_staff(event.person.id):
            return False
        return event.kind is Kind.TEXT or (
            event.kind is Kind.COMMAND and event.command in ("batal", "cancel")
        )
