"""The two emails of the SOP: the account (step 6) and the rejection notice (step 4)."""

from __future__ import annotations

import html
from email.message import EmailMessage
from email.utils import parseaddr

from bot.dialog.context import DeskContext
from bot.mail.message import build_message, make_message_id
from db.models import HotspotAccount, Ticket
from handlers.filling import answers_of


def _plain(ctx: DeskContext, language: str, key: str, **params: object) -> str:
    """Catalog text for a plain-text body: no escaping, no markup."""
    template = ctx.texts.texts[ctx.texts.language(language)][key]
    return template.format(**params)


def _paragraphs(*paragraphs: str) -> str:
    return "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs if p)


def _page(*parts: str) -> str:
    return (
        f'<!doctype html><html><body style="font-family:sans-serif">{"".join(parts)}</body></html>'
    )


def _domain(sender: str) -> str:
    address = parseaddr(sender)[1]
    return address.rpartition("@")[2] or "localhost"


def credentials_email(
    ctx: DeskContext, ticket: Ticket, account: HotspotAccount, job_key: str
) -> EmailMessage:
    lang = ticket.applicant.language
    answers = answers_of(ticket)
    name = answers.get("full_name", ticket.applicant.display_name)
    k = "email.credentials."
    valid = _plain(
        ctx,
        lang,
        k + "valid_range",
        valid_from=ctx.texts.long_date(lang, account.valid_from),
        valid_until=ctx.texts.long_date(lang, account.valid_until),
    )
    rows = [
        (_plain(ctx, lang, k + "username"), account.username),
        (_plain(ctx, lang, k + "password"), account.password or ""),
        (_plain(ctx, lang, k + "valid"), valid),
    ]
    greeting = _plain(ctx, lang, k + "greeting", name=name)
    # A resend says so, so that the applicant knows the earlier password is dead.
    body_key = "body" if account.delivery_round == 0 else "body_again"
    body = _plain(ctx, lang, k + body_key, number=ticket.number)
    howto = _plain(ctx, lang, k + "howto")
    closing = _plain(ctx, lang, k + "closing")
    text = "\n\n".join(
        [greeting, body, "\n".join(f"{label}: {value}" for label, value in rows), howto, closing]
    )
    table = "".join(
        f"<tr><td>{html.escape(label)}</td><td><b><code>{html.escape(value)}</code></b></td></tr>"
        for label, value in rows
    )
    page = _page(
        _paragraphs(greeting, body),
        f'<table cellpadding="4">{table}</table>',
        _paragraphs(howto, closing),
    )
    return build_message(
        sender=ctx.settings.smtp_sender,
        to=answers["email"],
        subject=_plain(ctx, lang, k + "subject", number=ticket.number),
        text=text,
        html=page,
        message_id=make_message_id(job_key, _domain(ctx.settings.smtp_sender)),
        language=lang,
    )


def rejection_email(ctx: DeskContext, ticket: Ticket, reason: str, job_key: str) -> EmailMessage:
    lang = ticket.applicant.language
    answers = answers_of(ticket)
    name = answers.get("full_name", ticket.applicant.display_name)
    k = "email.rejection."
    greeting = _plain(ctx, lang, k + "greeting", name=name)
    body = _plain(ctx, lang, k + "body", number=ticket.number)
    because = f"{_plain(ctx, lang, k + 'reason')}: {reason}"
    closing = _plain(ctx, lang, k + "closing")
    return build_message(
        sender=ctx.settings.smtp_sender,
        to=answers["email"],
        subject=_plain(ctx, lang, k + "subject", number=ticket.number),
        text="\n\n".join([greeting, body, because, closing]),
        html=_page(_paragraphs(greeting, body, because, closing)),
        message_id=make_message_id(job_key, _domain(ctx.settings.smtp_sender)),
        language=lang,
    )
