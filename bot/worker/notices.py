"""The applicant's chat notices about their account: credentials, the end coming, changes."""

from __future__ import annotations

from bot.dialog.context import DeskContext
from bot.dialog.events import Button, Reply
from bot.dialog.extension import extension_button_data
from db.models import HotspotAccount, Ticket

ACCOUNT_EVENTS = frozenset({"credentials", "expiring", "extended", "revoked"})


def account_notice(ctx: DeskContext, ticket: Ticket, account: HotspotAccount, event: str) -> Reply:
    lang = ticket.applicant.language
    t = ctx.texts.t
    params: dict[str, object] = {
        "number": ticket.number,
        "username": account.username,
        "valid_from": ctx.texts.long_date(lang, account.valid_from),
        "valid_until": ctx.texts.long_date(lang, account.valid_until),
    }
    if event == "credentials":
        key = "notice.credentials" if account.delivery_round == 0 else "notice.credentials_again"
        return Reply(t(lang, key, password=account.password or "—", **params))
    if event == "expiring":
        button = Button(t(lang, "notice.extend_button"), extension_button_data(ticket.id))
        return Reply(t(lang, "notice.expiring", **params), ((button,),))
    return Reply(t(lang, f"notice.{event}", **params))
