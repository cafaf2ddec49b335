"""Texts of the admin commands: the queue, one ticket's full timeline, search results, a
month's statistics. Built from the database, in the reader's language."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from babel.dates import format_date

from bot.dialog import render, report_texts
from bot.dialog.context import DeskContext
from bot.texts.catalog import Markup
from db.models import HotspotAccount, OutboxJob, Ticket, Transition
from db.models_staff import AuditEvent, SlaAlert
from handlers import reports

MAX_ERROR = 200


def queue(
    ctx: DeskContext, language: str, waiting: list[reports.Waiting], with_applicants: int
) -> str:
    t = ctx.texts.t
    now = ctx.texts.moment(language, ctx.clock.now(), ctx.settings.zone)
    lines = [t(language, "admin.queue_title", now=now), ""]
    if not waiting and not with_applicants:
        return "\n".join([*lines, t(language, "admin.queue_empty")])
    lines += report_texts.waiting_lines(ctx, language, waiting, with_applicants)
    return "\n".join(lines)


def _name(ctx: DeskContext, language: str, key: str, raw: str) -> str:
    """The catalog's name for `key`, or the raw value for one the catalog does not know."""
    return ctx.texts.t(language, key) if ctx.texts.has(key) else raw


def _actor(ctx: DeskContext, language: str, name: str | None, role: str) -> str:
    role_name = _name(ctx, language, f"role.{role}", role)
    return f"{name} ({role_name})" if name else role_name


def _transition_line(ctx: DeskContext, language: str, t: Transition) -> str:
    params: dict[str, object] = {
        "at": ctx.texts.moment(language, t.at, ctx.settings.zone),
        "status": render.status_name(ctx, language, t.to_status),
        "actor": _actor(ctx, language, t.actor_name, t.actor_role),
    }
    if t.note:
        return ctx.texts.t(language, "admin.line_transition_note", note=t.note, **params)
    return ctx.texts.t(language, "admin.line_transition", **params)


def _audit_line(ctx: DeskContext, language: str, event: AuditEvent) -> str:
    action = _name(ctx, language, f"admin.audit_{event.action}", event.action)
    detail = ctx.texts.t(language, "admin.line_detail", detail=event.detail) if event.detail else ""
    return ctx.texts.t(
        language,
        "admin.line_audit",
        at=ctx.texts.moment(language, event.at, ctx.settings.zone),
        action=action,
        actor=_actor(ctx, language, event.actor_name, event.actor_role),
        detail=Markup(detail),
    )


def _alert_line(ctx: DeskContext, language: str, alert: SlaAlert) -> str:
    t = ctx.texts.t
    roles = ", ".join(t(language, f"role.{role}") for role in alert.recipients.split(","))
    return t(
        language,
        "admin.line_sla",
        at=ctx.texts.moment(language, alert.at, ctx.settings.zone),
        level=t(language, f"admin.level_{alert.level}"),
        step=alert.step,
        round=alert.round,
        used=alert.used_minutes,
        recipients=roles,
    )


def _job_line(ctx: DeskContext, language: str, job: OutboxJob) -> str:
    t = ctx.texts.t
    error = ""
    if job.last_error:
        error = t(language, "admin.line_job_error", error=job.last_error[:MAX_ERROR])
    return t(
        language,
        "admin.line_job",
        kind=job.kind,
        status=_name(ctx, language, f"admin.job_{job.status}", job.status),
        attempts=job.attempts,
        at=ctx.texts.moment(language, job.finished_at or job.created_at, ctx.settings.zone),
        error=Markup(error),
    )


def _account_line(ctx: DeskContext, language: str, account: HotspotAccount | None) -> str:
    t = ctx.texts.t
    if account is None:
        return t(language, "admin.ticket_no_account")
    return t(
        language,
        "admin.ticket_account",
        username=account.username,
        valid_from=ctx.texts.short_date(language, account.valid_from),
        valid_until=ctx.texts.short_date(language, account.valid_until),
        status=_name(ctx, language, f"account_status.{account.status}", account.status),
    )


def ticket(
    ctx: DeskContext,
    language: str,
    ticket: Ticket,
    transitions: Sequence[Transition],
    audit: Sequence[AuditEvent],
    alerts: Sequence[SlaAlert],
    jobs: Sequence[OutboxJob],
    account: HotspotAccount | None,
) -> str:
    """Everything about one ticket: who, the form, the account, and one merged timeline of
    status changes, refused or late attempts and SLA alerts, then the background jobs."""
    t = ctx.texts.t
    events: list[tuple[datetime, int, str]] = []
    events += [(tr.at, 0, _transition_line(ctx, language, tr)) for tr in transitions]
    events += [(a.at, 1, _audit_line(ctx, language, a)) for a in audit]
    events += [(a.at, 2, _alert_line(ctx, language, a)) for a in alerts]
    events.sort(key=lambda e: (e[0], e[1]))
    parts = [
        t(
            language,
            "admin.ticket_title",
            number=ticket.number,
            status=render.status_name(ctx, language, ticket.status),
        ),
        t(
            language,
            "admin.ticket_applicant",
            applicant=ticket.applicant.display_name,
            handle=render.handle(ticket.applicant),
            category=render.category_name(ctx, language, ticket.category),
            created=ctx.texts.moment(language, ticket.created_at, ctx.settings.zone),
        ),
    ]
    if ticket.category and ticket.category not in ctx.self_service:
        parts.append(
            t(language, "admin.ticket_form", answers=render.answer_lines(ctx, ticket, language))
        )
        parts.append(_account_line(ctx, language, account))
    parts.append(
        t(language, "admin.ticket_timeline", lines=Markup("\n".join(e[2] for e in events)))
    )
    if jobs:
        lines = Markup("\n".join(_job_line(ctx, language, job) for job in jobs))
        parts.append(t(language, "admin.ticket_jobs", lines=lines))
    return "\n\n".join(parts)


def found(
    ctx: DeskContext, language: str, query: str, tickets: Sequence[Ticket], limit: int
) -> str:
    t = ctx.texts.t
    if not tickets:
        return t(language, "admin.find_none", query=query)
    lines = [t(language, "admin.find_title", count=len(tickets), query=query)]
    for item in tickets:
        lines.append(
            t(
                language,
                "admin.find_line",
                number=item.number,
                applicant=item.applicant.display_name,
                category=render.category_name(ctx, language, item.category),
                status=render.status_name(ctx, language, item.status),
                created=ctx.texts.short_date(
                    language, item.created_at.astimezone(ctx.settings.zone).date()
                ),
            )
        )
    if len(tickets) >= limit:
        lines.append(t(language, "admin.find_more", shown=len(tickets)))
    return "\n".join(lines)


def month_name(ctx: DeskContext, language: str, first: date) -> str:
    return format_date(first, "MMMM yyyy", locale=ctx.texts.language(language))


def statistics(ctx: DeskContext, language: str, report: reports.PeriodReport) -> str:
    t = ctx.texts.t
    month = month_name(ctx, language, report.period.first)
    lines = [t(language, "admin.stats_title", month=month), ""]
    lines += report_texts.created_lines(ctx, language, report.created)
    lines.append(t(language, "admin.stats_accounts", count=report.accounts_created))
    lines += ["", *report_texts.sla_table(ctx, language, report.figures)]
    lines.append(
        t(language, "digest.alerts_line", reminders=report.reminders, breaches=report.breaches)
    )
    return "\n".join(lines)
