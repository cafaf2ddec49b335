"""APScheduler in the bot's process, in the configured time zone. Every job is a sweep, so a
generous misfire grace and coalescing only ever make it run late, never lose work."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.config import Settings

Sweep = Callable[[], Awaitable[object]]

JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600}


def build_scheduler(
    settings: Settings,
    *,
    outbox: Sweep,
    expiry: Sweep,
    digest: Sweep,
    minutely: dict[str, Sweep] | None = None,
) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone=settings.zone, job_defaults=JOB_DEFAULTS)
    scheduler.add_job(outbox, "interval", seconds=settings.outbox_interval_seconds, id="outbox")
    # Expiry runs at start too: after downtime the accounts that ended meanwhile stop at once.
    scheduler.add_job(
        expiry,
        "interval",
        minutes=settings.expiry_interval_minutes,
        id="expiry",
        next_run_time=datetime.now(settings.zone),
    )
    # Checked every minute rather than fired once at the digest time, so a bot that was down
    # at that moment still sends the day's digest as soon as it is back (checked at start too).
    scheduler.add_job(
        digest, "interval", minutes=1, id="digest", next_run_time=datetime.now(settings.zone)
    )
    for name, sweep in (minutely or {}).items():
        scheduler.add_job(sweep, "interval", minutes=1, id=name)
    return scheduler
