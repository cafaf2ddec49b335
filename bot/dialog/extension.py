"""The "ask for an extension" button of the expiry notice.

Its data names only the old ticket ("xt:<ticket id>"); who pressed is checked against that
ticket's applicant, and what can be extended is read from the database at press time.
"""

from __future__ import annotations

import logging
from datetime import date

from bot.dialog import keyboards
from bot.dialog.context import DeskContext
from bot.dialog.events import Inbound, Outcome
from bot.dialog.form_dialog import FormDialog
from bot.dialog.keyboards import Press
from handlers.extension import ExtensionRefused, is_applicants, request_extension
from handlers.filling import answers_of

log = logging.getLogger(__name__)

EXTEND_VERB = "xt"


def extension_button_data(ticket_id: int) -> str:
    return keyboards.data(EXTEND_VERB, ticket_id)


async def press(ctx: DeskContext, event: Inbound, pressed: Press) -> Outcome:
    t = ctx.texts.t
    if pressed.ticket_id is None:
        return Outcome(toast=t("id", "button.invalid"), alert=True)
    async with ctx.unit() as uow:
        old = await uow.tickets.get(pressed.ticket_id)
        if old is None or not is_applicants(old, event.person.id):
            log.warning("refused an extension press from user %s", event.person.id)
            return Outcome(toast=t("id", "extension.not_yours"), alert=True)
        lang = old.applicant.language
        policy = ctx.settings.categories.get(old.category or "")
        try:
            ticket = await request_extension(
                uow,
                old,
                ctx.form,
                today=ctx.today(),
                max_days=policy.max_days if policy else 1,
            )
        except ExtensionRefused as refused:
            text = t(lang, f"extension.{refused.reason}", number=refused.number, old=old.number)
            return Outcome(toast=text, alert=True)
        start = answers_of(ticket).get("start_date")
        opened = t(
            lang,
            "extension.opened",
            number=ticket.number,
            old=old.number,
            start=ctx.texts.long_date(lang, date.fromisoformat(start)) if start else "—",
        )
        outcome = Outcome(toast=t(lang, "extension.opened_toast", number=ticket.number)).say(opened)
        return FormDialog(ctx).show_step(outcome, ticket, lang)
