"""Expiry from the database: every few minutes (and at start, to catch up after downtime),
accounts past their end get a job that stops them on the router, and accounts whose end is
near get one notice with a button to ask for an extension."""

from __future__ import annotations

import logging
import math
from datetime import timedelta

from bot.dialog.context import DeskContext
from handlers.fulfilment import access_end

log = logging.getLogger(__name__)


async def expiry_sweep(ctx: DeskContext) -> int:
    """How many jobs it queued; keys make a second sweep queue nothing new."""
    zone = ctx.settings.zone
    queued = 0
    async with ctx.unit() as uow:
        today = uow.now.astimezone(zone).date()
        for account in await uow.accounts.expired_active(today):
            until = account.valid_until.isoformat()
            job = await uow.outbox.enqueue(
                "disable_account",
                # Keyed by the end date: an account extended and ended again is stopped again.
                f"expire:{account.id}:{until}",
                {"account_id": account.id, "reason": "expire"},
                uow.now,
                ticket_id=account.ticket_id,
            )
            queued += job is not None
        notice = timedelta(hours=ctx.settings.expiry_notice_hours)
        if notice:
            horizon = today + timedelta(days=math.ceil(notice / timedelta(days=1)) + 1)
            for account in await uow.accounts.expiring_between(today, horizon):
                end = access_end(account, zone)
                notice_from = end - notice
                if not notice_from <= uow.now < end:
                    continue
                # Made inside the notice window: the credentials already said when it ends.
                if account.provisioned_at is None or account.provisioned_at >= notice_from:
                    continue
                until = account.valid_until.isoformat()
                job = await uow.outbox.enqueue(
                    "notify_applicant",
                    f"notice:{account.ticket_id}:expiring:{until}",
                    {"event": "expiring", "account_id": account.id, "valid_until": until},
                    uow.now,
                    ticket_id=account.ticket_id,
                    chat_id=await uow.outbox.applicant_chat(account.ticket_id),
                )
                queued += job is not None
    if queued:
        log.info("expiry sweep queued %d job(s)", queued)
    return queued
