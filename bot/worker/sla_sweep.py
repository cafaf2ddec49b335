"""The SLA sweep: every minute, the reminders and breach alerts that are due go out as chat
jobs, in the same transaction that records them (so each goes out exactly once)."""

from __future__ import annotations

import logging

from bot.dialog.context import DeskContext
from bot.dialog.render import staff_language
from bot.dialog.report_texts import whole_minutes
from bot.sla_config import sla_rules
from db.uow import UnitOfWork
from handlers.sla_alerts import DueAlert, record_due
from handlers.statuses import Role

log = logging.getLogger(__name__)


def chats_for(ctx: DeskContext, roles: tuple[Role, ...]) -> list[int]:
    chats: list[int] = []
    for role in roles:
        found = ctx.staff.admin_chats() if role == Role.ADMIN else ctx.staff.head_chats()
        chats += [chat for chat in found if chat not in chats]
    return chats


async def _text(ctx: DeskContext, uow: UnitOfWork, alert: DueAlert, chat_id: int) -> str:
    language = await staff_language(uow, chat_id)
    t = ctx.texts.t
    return t(
        language,
        f"sla.{alert.level}",
        number=alert.ticket.number,
        applicant=alert.ticket.applicant.display_name,
        who=t(language, f"digest.who_{alert.holder}"),
        step=alert.step.number,
        name=t(language, f"step.{alert.step.key}"),
        used=whole_minutes(alert.used),
        standard=whole_minutes(alert.standard),
    )


async def send_due_sla_alerts(ctx: DeskContext) -> int:
    async with ctx.unit() as uow:
        due = await record_due(uow, sla_rules(ctx.settings), ctx.staff.verification)
        for alert in due:
            for chat_id in chats_for(ctx, alert.recipients):
                await uow.outbox.enqueue(
                    "chat",
                    f"sla:{alert.ticket.id}:{alert.step.number}:{alert.round}:{alert.level}:{chat_id}",
                    {"chat_id": chat_id, "text": await _text(ctx, uow, alert, chat_id)},
                    uow.now,
                    ticket_id=alert.ticket.id,
                )
    for alert in due:
        log.info("SLA %s for %s, step %s", alert.level, alert.ticket.number, alert.step.number)
    return len(due)
