"""Scheduler jobs as sweeps over the database: they keep no state, so nothing is lost by a
restart or a missed run."""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

from bot.dialog.context import DeskContext
from bot.dialog.render import staff_language
from bot.worker.digest import build_digest
from bot.worker.expiry import expiry_sweep
from db.models import DigestRun
from db.uow import UnitOfWork

log = logging.getLogger(__name__)


async def enqueue_expiries(ctx: DeskContext) -> int:
    """Accounts past their end get a job that stops them on the router (the router follows
    the database, never its own comments); accounts ending within a day, a notice."""
    return await expiry_sweep(ctx)


async def send_digest_if_due(ctx: DeskContext) -> bool:
    """Once per local day, at or after the digest time; catches up after downtime."""
    local = ctx.clock.now().astimezone(ctx.settings.zone)
    if local.time() < ctx.settings.digest_time:
        return False
    today = local.date()
    async with ctx.unit() as uow:
        if await uow.session.get(DigestRun, today) is not None:
            return False
        midnight = datetime.combine(today, time(0), tzinfo=ctx.settings.zone)
        if not await uow.records.any_ticket_before(midnight):
            return False  # a new installation: nothing to report on yet
        uow.session.add(DigestRun(day=today, sent_at=uow.now))
        await uow.session.flush()
        await queue_digest(ctx, uow, today - timedelta(days=1), f"digest:{today.isoformat()}")
    log.info("daily digest for %s queued", today - timedelta(days=1))
    return True


async def queue_digest(ctx: DeskContext, uow: UnitOfWork, day: date, key: str) -> None:
    """One chat job per admin and head, each in that person's language."""
    texts: dict[str, str] = {}
    for chat_id in ctx.staff.everyone():
        language = await staff_language(uow, chat_id)
        if language not in texts:
            texts[language] = await build_digest(ctx, uow, day, language)
        await uow.outbox.enqueue(
            "chat", f"{key}:{chat_id}", {"chat_id": chat_id, "text": texts[language]}, uow.now
        )
