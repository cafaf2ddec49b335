"""The daily digest for admins and heads: yesterday's requests by category and outcome, what
waits now and for whom, each SOP step against its standard (laid out like the SOP's table),
accounts ending within 24 hours, and failures."""

from __future__ import annotations

from datetime import date, timedelta

from bot.dialog import report_texts
from bot.dialog.context import DeskContext
from bot.sla_config import sla_rules
from db.uow import UnitOfWork
from handlers import reports
from handlers.lookup import day_period

# Longest list in a digest: the rest is one "and N more" line (/antrian shows everything).
LONGEST = 25


async def build_digest(ctx: DeskContext, uow: UnitOfWork, day: date, language: str = "id") -> str:
    """The digest about `day`; what waits, what ends soon and what fails are as of now."""
    t = ctx.texts.t
    zone = ctx.settings.zone
    rules = sla_rules(ctx.settings)
    period = day_period(day, zone)
    report = await reports.period_report(uow, period, rules)
    waiting, with_applicants = await reports.waiting_now(uow, rules, ctx.staff.verification)
    expiring = await reports.expiring_soon(uow, uow.now, zone)
    troubles = await reports.troubles(uow, period.start)

    # The table (the one block of several lines) comes before the lists that may be long, so
    # that a digest split over several messages never cuts it.
    lines = [t(language, "digest.title", day=ctx.texts.long_date(language, day)), ""]
    lines += report_texts.created_lines(ctx, language, report.created)
    lines += ["", *report_texts.sla_table(ctx, language, report.figures)]
    lines.append(
        t(language, "digest.alerts_line", reminders=report.reminders, breaches=report.breaches)
    )
    lines += ["", *report_texts.waiting_lines(ctx, language, waiting, with_applicants, LONGEST)]
    lines += ["", t(language, "digest.expiring_header", total=len(expiring))]
    for account, number, ends in expiring[:LONGEST]:
        lines.append(
            t(
                language,
                "digest.expiring_line",
                username=account.username,
                number=number,
                ends=ctx.texts.moment(language, ends - timedelta(minutes=1), zone),
            )
        )
    lines += report_texts.rest(ctx, language, len(expiring), LONGEST)
    lines += ["", t(language, "digest.troubles_header", total=len(troubles))]
    for job, number in troubles[:LONGEST]:
        key = "digest.trouble_failed" if job.status == "failed" else "digest.trouble_retrying"
        lines.append(
            t(
                language,
                key,
                number=number,
                kind=job.kind,
                attempts=job.attempts,
                error=(job.last_error or "—")[:200],
            )
        )
    lines += report_texts.rest(ctx, language, len(troubles), LONGEST)
    return "\n".join(lines)
