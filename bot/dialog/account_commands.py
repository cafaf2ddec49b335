"""Admin commands on accounts: /perpanjang (/extend), /cabut (/revoke), /kirimulang (/resend).

Each checks its arguments and answers a wrong one with its usage; the StaffCommandBook has
already checked that the sender is an admin. The reply goes to the admin; the applicant and
the router hear of it through the outbox.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from bot.dialog.context import DeskContext
from bot.dialog.events import Inbound, Outcome
from bot.dialog.staff_commands import StaffCommand, StaffCommandBook
from db.uow import UnitOfWork
from handlers import account_admin, lookup
from handlers.account_admin import AccountAct, AccountRefused
from handlers.actors import Actor
from handlers.errors import TicketNotFound
from handlers.statuses import Role
from handlers.typed import normalise

LANG = "id"
ADMINS = frozenset({Role.ADMIN})
MAX_EXTEND_DAYS = 366
DAYS = re.compile(r"^[0-9]{1,3}$")


def _arguments(event: Inbound) -> list[str]:
    """The words after the command, normalised (digits of any script as ASCII)."""
    return normalise(event.args).split()


def _number(word: str) -> str | None:
    return lookup.ticket_number(word)


def _only_number(event: Inbound) -> str | None:
    """The ticket number when it is the command's one argument."""
    words = _arguments(event)
    return _number(words[0]) if len(words) == 1 else None


class AccountCommands:
    def __init__(self, ctx: DeskContext) -> None:
        self.ctx = ctx
        self.t = ctx.texts.t

    def _usage(self, command: str) -> Outcome:
        return Outcome().say(self.t(LANG, f"accounts.usage_{command}", max=MAX_EXTEND_DAYS))

    def _done(self, act: AccountAct) -> Outcome:
        until = self.ctx.texts.long_date(LANG, act.valid_until) if act.valid_until else "—"
        text = self.t(
            LANG,
            f"accounts.{act.outcome}",
            number=act.number,
            username=act.username or "—",
            valid_until=until,
        )
        return Outcome(wake_worker=True).say(text)

    def _refused(self, refused: AccountRefused) -> Outcome:
        status = self.t(LANG, f"account_status.{refused.status}") if refused.status else "—"
        return Outcome().say(
            self.t(LANG, f"accounts.{refused.reason}", number=refused.number, status=status)
        )

    def _not_found(self, number: str) -> Outcome:
        return Outcome().say(self.t(LANG, "accounts.not_found", number=number))

    async def _act(
        self, number: str, act: Callable[[UnitOfWork], Awaitable[AccountAct]]
    ) -> Outcome:
        async with self.ctx.unit() as uow:
            try:
                done = await act(uow)
            except TicketNotFound:
                return self._not_found(number)
            except AccountRefused as refused:
                return self._refused(refused)
        return self._done(done)

    async def extend(self, event: Inbound, actor: Actor) -> Outcome:
        words = _arguments(event)
        number = _number(words[0]) if len(words) == 2 else None
        if number is None or not DAYS.match(words[1]):
            return self._usage("extend")
        days = int(words[1])
        if not 1 <= days <= MAX_EXTEND_DAYS:
            return self._usage("extend")
        today = self.ctx.today()
        return await self._act(
            number, lambda uow: account_admin.extend(uow, number, days, actor, today)
        )

    async def revoke(self, event: Inbound, actor: Actor) -> Outcome:
        number = _only_number(event)
        if number is None:
            return self._usage("revoke")
        return await self._act(number, lambda uow: account_admin.revoke(uow, number, actor))

    async def resend(self, event: Inbound, actor: Actor) -> Outcome:
        number = _only_number(event)
        if number is None:
            return self._usage("resend")
        length = self.ctx.settings.password_length
        return await self._act(number, lambda uow: account_admin.resend(uow, number, actor, length))


def register_account_commands(book: StaffCommandBook, ctx: DeskContext) -> None:
    commands = AccountCommands(ctx)
    for names, handler, description in (
        (("perpanjang", "extend"), commands.extend, "accounts.extend_description"),
        (("cabut", "revoke"), commands.revoke, "accounts.revoke_description"),
        (("kirimulang", "resend"), commands.resend, "accounts.resend_description"),
    ):
        book.add(StaffCommand(names, ADMINS, handler, description))
