"""The idle-form sweep, scheduled every minute."""

from __future__ import annotations

from datetime import timedelta

from bot.dialog.context import DeskContext
from handlers.idle import IdleCounts, sweep_idle


async def sweep_idle_forms(ctx: DeskContext) -> IdleCounts:
    settings = ctx.settings
    async with ctx.unit() as uow:
        return await sweep_idle(
            uow,
            remind_after=timedelta(minutes=settings.form_reminder_minutes),
            expire_after=timedelta(hours=settings.form_expiry_hours),
        )
