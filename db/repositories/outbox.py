"""The outbox: side effects recorded in the same transaction as the change that causes them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import OutboxJob

PENDING = "pending"
DONE = "done"
FAILED = "failed"


class OutboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def enqueue(
        self,
        kind: str,
        dedupe_key: str,
        payload: dict[str, Any],
        now: datetime,
        ticket_id: int | None = None,
        run_after: datetime | None = None,
    ) -> OutboxJob | None:
        """Adds a job unless one with the same key exists (then the effect is already planned)."""
        existing = await self.session.execute(
            select(OutboxJob.id).where(OutboxJob.dedupe_key == dedupe_key)
        )
        if existing.scalar_one_or_none() is not None:
            return None
        job = OutboxJob(
            kind=kind,
            ticket_id=ticket_id,
            dedupe_key=dedupe_key,
            payload=payload,
            status=PENDING,
            attempts=0,
            run_after=run_after or now,
            created_at=now,
        )
        self.session.add(job)
        await self.session.flush()
        return job

    async def due_ids(self, now: datetime, limit: int) -> Sequence[int]:
        result = await self.session.execute(
            select(OutboxJob.id)
            .where(
                OutboxJob.status == PENDING,
                OutboxJob.run_after <= now,
                or_(OutboxJob.locked_until.is_(None), OutboxJob.locked_until <= now),
            )
            .order_by(OutboxJob.run_after, OutboxJob.id)
            .limit(limit)
        )
        return result.scalars().all()

    async def claim(self, job_id: int, now: datetime, lease: timedelta) -> bool:
        """Takes a job for `lease`; only one worker (or replica) wins the compare-and-set."""
        result = await self.session.execute(
            update(OutboxJob)
            .where(
                OutboxJob.id == job_id,
                OutboxJob.status == PENDING,
                or_(OutboxJob.locked_until.is_(None), OutboxJob.locked_until <= now),
            )
            .values(locked_until=now + lease, attempts=OutboxJob.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def get(self, job_id: int) -> OutboxJob | None:
        return await self.session.get(OutboxJob, job_id, populate_existing=True)

    async def finish(self, job: OutboxJob, now: datetime) -> None:
        job.status = DONE
        job.finished_at = now
        job.locked_until = None
        job.last_error = None
        await self.session.flush()

    async def retry_later(self, job: OutboxJob, run_after: datetime, error: str) -> None:
        job.run_after = run_after
        job.locked_until = None
        job.last_error = error[:2000]
        await self.session.flush()

    async def fail(self, job: OutboxJob, now: datetime, error: str) -> None:
        job.status = FAILED
        job.finished_at = now
        job.locked_until = None
        job.last_error = error[:2000]
        await self.session.flush()

    async def for_ticket(self, ticket_id: int) -> Sequence[OutboxJob]:
        result = await self.session.execute(
            select(OutboxJob).where(OutboxJob.ticket_id == ticket_id).order_by(OutboxJob.id)
        )
        return result.scalars().all()

    async def in_status(self, status: str) -> Sequence[OutboxJob]:
        result = await self.session.execute(
            select(OutboxJob).where(OutboxJob.status == status).order_by(OutboxJob.id)
        )
        return result.scalars().all()
