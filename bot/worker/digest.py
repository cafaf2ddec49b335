"""The admins' daily digest: what came in, what waits, and each SOP step against its standard."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta

from bot.dialog import render
from bot.dialog.context import DeskContext
from bot.texts.catalog import Markup
from db.repositories.outbox import FAILED
from db.uow import UnitOfWork
from handlers import sla
from handlers.statuses import Status

WAITING_FOR = {
    Status.SUBMITTED: "who_admin",
    Status.VERIFIED: "who_head",
    Status.APPROVED: "who_system",
    Status.PROVISIONED: "who_system",
    Status.REJECTED: "who_system",
}


def _minutes(value: timedelta | None) -> str:
    if value is None:
        return "—"
    seconds = int(value.total_seconds())
    if seconds < 60:
        return f"{seconds} s"
    return f"{seconds // 60} min"


def day_bounds(ctx: DeskContext, day: date) -> tuple[datetime, datetime]:
    zone = ctx.settings.zone
    start = datetime.combine(day, time(0), tzinfo=zone)
    return start, start + timedelta(days=1)


async def build_digest(ctx: DeskContext, uow: UnitOfWork, day: date, language: str = "id") -> str:
    t = ctx.texts.t
    start, end = day_bounds(ctx, day)
    tickets = await uow.tickets.all()
    lines = [t(language, "digest.title", day=ctx.texts.long_date(language, day)), ""]

    created = [tk for tk in tickets if start <= tk.created_at < end]
    outcomes: dict[str, Counter[str]] = defaultdict(Counter)
    for ticket in created:
        outcomes[ticket.category or "open"][render.status_name(ctx, language, ticket.status)] += 1
    lines.append(t(language, "digest.created_header", total=len(created)))
    for category, counts in sorted(outcomes.items()):
        name = render.category_name(ctx, language, None if category == "open" else category)
        summary = ", ".join(f"{status} {n}" for status, n in counts.most_common())
        lines.append(
            t(
                language,
                "digest.created_line",
                category=name,
                total=sum(counts.values()),
                outcomes=summary,
            )
        )
    if not created:
        lines.append(t(language, "digest.none"))

    pending = [tk for tk in tickets if tk.status in WAITING_FOR]
    lines += ["", t(language, "digest.pending_header", total=len(pending))]
    for ticket in pending:
        transitions = await uow.tickets.transitions(ticket.id)
        since = transitions[-1].at if transitions else ticket.updated_at
        lines.append(
            t(
                language,
                "digest.pending_line",
                number=ticket.number,
                status=render.status_name(ctx, language, ticket.status),
                since=ctx.texts.moment(language, since, ctx.settings.zone),
                who=t(language, f"digest.{WAITING_FOR[Status(ticket.status)]}"),
            )
        )
    if not pending:
        lines.append(t(language, "digest.none"))

    measures: list[sla.Measure] = []
    for ticket in tickets:
        transitions = await uow.tickets.transitions(ticket.id)
        measures += [m for m in sla.measure(ticket, transitions) if start <= m.ended < end]
    lines += ["", t(language, "digest.steps_header")]
    for figures in sla.summarise(measures):
        standard = figures.step.standard
        lines.append(
            t(
                language,
                "digest.step_line",
                step=figures.step.number,
                name=t(language, f"step.{figures.step.key}"),
                standard=_minutes(standard)
                if standard
                else Markup(t(language, "digest.no_standard")),
                count=figures.count,
                within=figures.within,
                median=_minutes(figures.median),
            )
        )
    failed = await uow.outbox.in_status(FAILED)
    if failed:
        lines += ["", t(language, "digest.failures", count=len(failed))]
    return "\n".join(lines)
