"""Texts built from the database: summaries, cards, notices. Shared by the dialog and workers."""

from __future__ import annotations

from datetime import date

from bot.dialog.context import DeskContext
from bot.dialog.events import Button, Keyboard
from bot.dialog.keyboards import data
from bot.texts.catalog import Markup
from db.models import Applicant, Decision, HotspotAccount, Ticket, Transition
from db.uow import UnitOfWork
from handlers.filling import answers_of
from handlers.form.definition import Field
from handlers.statuses import Role


def display_value(ctx: DeskContext, language: str, field: Field, value: str) -> str:
    if field.type == "date":
        return ctx.texts.long_date(language, date.fromisoformat(value))
    return value


def answer_lines(ctx: DeskContext, ticket: Ticket, language: str) -> Markup:
    given = answers_of(ticket)
    lines = []
    for field in ctx.form.for_category(ticket.category or ""):
        value = given.get(field.name)
        shown = display_value(ctx, language, field, value) if value else "—"
        lines.append(
            ctx.texts.t(language, "form.summary_line", label=field.label[language], value=shown)
        )
    return Markup("\n".join(lines))


def category_name(ctx: DeskContext, language: str, code: str | None) -> str:
    return ctx.texts.t(language, f"category.{code}") if code else "—"


def status_name(ctx: DeskContext, language: str, status: str) -> str:
    return ctx.texts.t(language, f"state.{status}")


def handle(applicant: Applicant) -> str:
    """How staff reach the applicant: the @username, else the chat id."""
    return f"@{applicant.username}" if applicant.username else str(applicant.external_id)


def summary(ctx: DeskContext, ticket: Ticket, language: str) -> str:
    return ctx.texts.t(
        language,
        "form.summary",
        number=ticket.number,
        category=category_name(ctx, language, ticket.category),
        answers=answer_lines(ctx, ticket, language),
    )


STAFF_LANGUAGE = "id"
# Notes worth showing in a history: what staff wrote (a return note, a rejection reason).
NOTED_ROLES = frozenset({Role.ADMIN, Role.HEAD})


async def staff_language(uow: UnitOfWork, chat_id: int) -> str:
    """Staff read Indonesian unless they chose a language as applicants (/bahasa)."""
    person = await uow.applicants.by_external_id(chat_id)
    return person.language if person is not None else STAFF_LANGUAGE


def history(ctx: DeskContext, transitions: list[Transition], language: str) -> Markup:
    zone = ctx.settings.zone
    lines = []
    for t in transitions:
        params: dict[str, object] = {
            "at": ctx.texts.moment(language, t.at, zone),
            "status": status_name(ctx, language, t.to_status),
            "actor": t.actor_name or ctx.texts.t(language, f"role.{t.actor_role}"),
        }
        if t.note and t.actor_role in NOTED_ROLES:
            lines.append(ctx.texts.t(language, "staff.history_line_note", note=t.note, **params))
        else:
            lines.append(ctx.texts.t(language, "staff.history_line", **params))
    return Markup("\n".join(lines))


def staff_card(
    ctx: DeskContext,
    ticket: Ticket,
    transitions: list[Transition],
    stage: str,
    language: str = STAFF_LANGUAGE,
) -> tuple[str, Keyboard]:
    text = ctx.texts.t(
        language,
        f"staff.card_{stage}",
        number=ticket.number,
        category=category_name(ctx, language, ticket.category),
        applicant=ticket.applicant.display_name,
        handle=handle(ticket.applicant),
        answers=answer_lines(ctx, ticket, language),
        history=history(ctx, transitions, language),
    )
    if stage == "verify":
        buttons: Keyboard = (
            (
                Button(ctx.texts.t(language, "staff.button_verify"), data("v", ticket.id)),
                Button(ctx.texts.t(language, "staff.button_return"), data("r", ticket.id)),
            ),
        )
    else:
        buttons = (
            (
                Button(ctx.texts.t(language, "staff.button_approve"), data("a", ticket.id)),
                Button(ctx.texts.t(language, "staff.button_reject"), data("x", ticket.id)),
            ),
        )
    return text, buttons


def closed_card(
    ctx: DeskContext,
    ticket: Ticket,
    decision: Decision | None,
    outcome: str,
    language: str = STAFF_LANGUAGE,
) -> str:
    who = decision.staff_name if decision else ctx.texts.t(language, "staff.nobody")
    when = ctx.texts.moment(language, decision.at, ctx.settings.zone) if decision else "—"
    return ctx.texts.t(
        language,
        "staff.card_closed",
        number=ticket.number,
        applicant=ticket.applicant.display_name,
        outcome=ctx.texts.t(language, f"staff.outcome_{outcome}"),
        who=who,
        when=when,
        reason=decision.reason if decision and decision.reason else "—",
    )


def applicant_notice(
    ctx: DeskContext,
    ticket: Ticket,
    event: str,
    decision: Decision | None,
    account: HotspotAccount | None,
) -> str:
    language = ticket.applicant.language
    params: dict[str, object] = {"number": ticket.number}
    if decision is not None:
        params.update(who=decision.staff_name, reason=decision.reason or "—")
    if account is not None:
        params.update(
            username=account.username,
            password=account.password or "—",
            valid_from=ctx.texts.long_date(language, account.valid_from),
            valid_until=ctx.texts.long_date(language, account.valid_until),
        )
    return ctx.texts.t(language, f"notice.{event}", **params)
