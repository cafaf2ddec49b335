"""Scheduler jobs as sweeps over the database: they keep no state, so nothing is lost by a
restart or a missed run."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from bot.dialog.context import DeskContext
from bot.worker.digest import build_digest
from db.models import DigestRun
from db.uow import UnitOfWork

log = logging.getLogger(__name__)


async def enqueue_expiries(ctx: DeskContext) -> int:
    """Accounts past their last valid day get a disable job (the router follows the database)."""
    async with ctx.unit() as uow:
        accounts = await uow.accounts.expired_active(ctx.today())
        for account in accounts:
            await uow.outbox.enqueue(
                "disable_account",
                f"disable:{account.id}",
                {"account_id": account.id},
                uow.now,
                ticket_id=account.ticket_id,
            )
    return len(accounts)


async def send_digest_if_due(ctx: DeskContext) -> bool:
    """Once per local day, at or after the digest time; catches up after downtime."""
    local = ctx.clock.now().astimezone(ctx.settings.zone)
    if local.time() < ctx.settings.digest_time:
        return False
    today = local.date()
    async with ctx.unit() as uow:
        if await uow.session.get(DigestRun, today) is not None:
            return False
        uow.session.add(DigestRun(day=today, sent_at=uow.now))
        await uow.session.flush()
        await queue_digest(ctx, uow, today - timedelta(days=1), f"digest:{today.isoformat()}")
    log.info("daily digest for %s queued", today - timedelta(days=1))
    return True


async def queue_digest(ctx: DeskContext, uow: UnitOfWork, day: date, key: str) -> None:
    text = await build_digest(ctx, uow, day)
    for chat_id in ctx.staff.everyone():
        await uow.outbox.enqueue(
            "chat", f"{key}:{chat_id}", {"chat_id": chat_id, "text": text}, uow.now
        )
