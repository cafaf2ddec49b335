"""The admin commands: Indonesian names first, English aliases after, for admins and heads.

Each validates what follows the command and answers anything else with its usage. The
StaffDialog has already checked the sender's role (and recorded a refusal) before these run.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.dialog import staff_views
from bot.dialog.context import DeskContext
from bot.dialog.events import Inbound, Outcome, Reply
from bot.dialog.render import staff_language
from bot.dialog.staff_commands import StaffCommand, StaffCommandBook
from bot.sla_config import sla_rules
from bot.worker.digest import build_digest
from db.uow import UnitOfWork
from handlers import audit, export, lookup, reports
from handlers.actors import Actor
from handlers.statuses import Role

STAFF = frozenset({Role.ADMIN, Role.HEAD})
FIND_LIMIT = 15

Body = Callable[[UnitOfWork, Inbound, Actor, str], Awaitable[Outcome | None]]


class AdminCommands:
    def __init__(self, ctx: DeskContext) -> None:
        self.ctx = ctx
        self.t = ctx.texts.t

    def wrap(self, name: str, body: Body) -> Callable[[Inbound, Actor], Awaitable[Outcome]]:
        """One unit of work per command, in the sender's language; None from `body` means
        the arguments were wrong, answered with the command's usage."""

        async def handler(event: Inbound, actor: Actor) -> Outcome:
            async with self.ctx.unit() as uow:
                language = await staff_language(uow, event.person.id)
                outcome = await body(uow, event, actor, language)
            if outcome is None:
                return Outcome().say(
                    self.t(
                        language,
                        f"admin.usage_{name}",
                        min=lookup.MIN_SEARCH,
                        max=lookup.MAX_SEARCH,
                    )
                )
            return outcome

        return handler

    async def queue(
        self, uow: UnitOfWork, event: Inbound, actor: Actor, language: str
    ) -> Outcome | None:
        if event.args:
            return None
        rules = sla_rules(self.ctx.settings)
        waiting, with_applicants = await reports.waiting_now(
            uow, rules, self.ctx.staff.verification
        )
        return Outcome().say(staff_views.queue(self.ctx, language, waiting, with_applicants))

    async def ticket(
        self, uow: UnitOfWork, event: Inbound, actor: Actor, language: str
    ) -> Outcome | None:
        number = lookup.ticket_number(event.args)
        if number is None:
            return None
        found = await uow.tickets.by_number(number)
        if found is None:
            return Outcome().say(self.t(language, "admin.not_found", number=number))
        text = staff_views.ticket(
            self.ctx,
            language,
            found,
            await uow.tickets.transitions(found.id),
            await uow.records.audit_for_ticket(found.id),
            await uow.records.alerts_for_ticket(found.id),
            await uow.outbox.for_ticket(found.id),
            await uow.accounts.for_ticket(found.id),
        )
        return Outcome().say(text)

    async def find(
        self, uow: UnitOfWork, event: Inbound, actor: Actor, language: str
    ) -> Outcome | None:
        query = lookup.search(event.args)
        if query is None:
            return None
        fields = self.ctx.form.fields
        tickets = await uow.records.search(
            query.text,
            limit=FIND_LIMIT,
            phone_digits=query.phone_digits,
            phone_fields=[f.name for f in fields if f.type == "phone"],
            hidden_fields=[f.name for f in fields if f.type in export.MASKED_TYPES],
        )
        return Outcome().say(staff_views.found(self.ctx, language, query.text, tickets, FIND_LIMIT))

    async def stats(
        self, uow: UnitOfWork, event: Inbound, actor: Actor, language: str
    ) -> Outcome | None:
        period = lookup.month(event.args, self.ctx.today(), self.ctx.settings.zone)
        if period is None:
            return None
        report = await reports.period_report(uow, period, sla_rules(self.ctx.settings))
        return Outcome().say(staff_views.statistics(self.ctx, language, report))

    async def export(
        self, uow: UnitOfWork, event: Inbound, actor: Actor, language: str
    ) -> Outcome | None:
        period = lookup.month(event.args, self.ctx.today(), self.ctx.settings.zone)
        if period is None:
            return None
        fields = self.ctx.form.fields
        rows = await export.month_rows(
            uow, period, fields, sla_rules(self.ctx.settings), self.ctx.settings.zone
        )
        content = export.to_csv(export.columns(fields), rows)
        month = f"{period.first:%Y-%m}"
        await audit.record(uow, audit.EXPORT, actor, detail=f"{month}: {len(rows)} tickets")
        caption = self.t(
            language,
            "admin.export_caption",
            month=staff_views.month_name(self.ctx, language, period.first),
            count=len(rows),
        )
        document = (f"hotspot-tiket-{month}.csv", content)
        return Outcome(replies=[Reply(caption, document=document)])

    async def digest(
        self, uow: UnitOfWork, event: Inbound, actor: Actor, language: str
    ) -> Outcome | None:
        day = lookup.day(event.args, self.ctx.today())
        if day is None:
            return None
        return Outcome().say(await build_digest(self.ctx, uow, day, language))


def register_admin_commands(book: StaffCommandBook, ctx: DeskContext) -> None:
    commands = AdminCommands(ctx)
    table: list[tuple[tuple[str, ...], str, Body]] = [
        (("antrian", "queue"), "antrian", commands.queue),
        (("tiket", "ticket"), "tiket", commands.ticket),
        (("cari", "find"), "cari", commands.find),
        (("statistik", "stats"), "statistik", commands.stats),
        (("ekspor", "export"), "ekspor", commands.export),
        (("ringkasan", "digest"), "ringkasan", commands.digest),
    ]
    for names, key, body in table:
        book.add(StaffCommand(names, STAFF, commands.wrap(key, body), f"admin.{key}"))
