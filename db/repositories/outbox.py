"""The outbox: side effects recorded in the same transaction as the change that causes them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import OutboxJob
from db.models_delivery import OutboxAttempt

PENDING = "pending"
DONE = "done"
FAILED = "failed"

# How an attempt ended; "running" is left behind by a process that stopped mid-run.
RUNNING = "running"
RETRY = "retry"


@dataclass(frozen=True)
class AttemptRecord:
    number: int
    started_at: datetime
    finished_at: datetime | None
    outcome: str
    error: str | None
    next_run_at: datetime | None


@dataclass(frozen=True)
class JobRecord:
    """An outbox job and its attempts, as /tiket and the digest show them."""

    id: int
    kind: str
    ticket_id: int | None
    dedupe_key: str
    status: str
    attempts: int
    created_at: datetime
    run_after: datetime
    finished_at: datetime | None
    last_error: str | None
    alerted_at: datetime | None
    tries: tuple[AttemptRecord, ...]

    @property
    def retrying(self) -> bool:
        return self.status == PENDING and self.attempts > 0 and self.last_error is not None


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

    # Attempts, leases and alerts (provisioning and delivery).

    async def start_attempt(self, job: OutboxJob, now: datetime) -> int:
        attempt = OutboxAttempt(job_id=job.id, number=job.attempts, started_at=now, outcome=RUNNING)
        self.session.add(attempt)
        await self.session.flush()
        return attempt.id

    async def end_attempt(
        self,
        attempt_id: int,
        now: datetime,
        outcome: str,
        error: str | None = None,
        next_run_at: datetime | None = None,
    ) -> None:
        await self.session.execute(
            update(OutboxAttempt)
            .where(OutboxAttempt.id == attempt_id)
            .values(
                finished_at=now,
                outcome=outcome,
                error=error[:2000] if error else None,
                next_run_at=next_run_at,
            )
            .execution_options(synchronize_session=False)
        )

    async def extend_lease(self, job_id: int, attempt: int, until: datetime) -> bool:
        """Keeps a running job ours; False if it is no longer (finished, or taken over)."""
        result = await self.session.execute(
            update(OutboxJob)
            .where(
                OutboxJob.id == job_id,
                OutboxJob.status == PENDING,
                OutboxJob.attempts == attempt,
            )
            .values(locked_until=until)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def by_key(self, dedupe_key: str) -> OutboxJob | None:
        result = await self.session.execute(
            select(OutboxJob)
            .where(OutboxJob.dedupe_key == dedupe_key)
            .execution_options(populate_existing=True)
        )
        return result.scalar_one_or_none()

    async def revive(self, job: OutboxJob, now: datetime) -> None:
        """A failed job runs again (after someone fixed the cause); its history is kept."""
        job.status = PENDING
        job.run_after = now
        job.locked_until = None
        job.finished_at = None
        job.alerted_at = None
        job.created_at = now
        await self.session.flush()

    async def mark_alerted(self, job: OutboxJob, now: datetime) -> None:
        job.alerted_at = now
        await self.session.flush()

    async def job_history(self, ticket_id: int) -> list[JobRecord]:
        """Every job of a ticket with each of its attempts, oldest first."""
        jobs = await self.for_ticket(ticket_id)
        return await self.records(jobs)

    async def troubled(self) -> list[JobRecord]:
        """Jobs failed for good, and jobs still pending after a failed attempt."""
        result = await self.session.execute(
            select(OutboxJob)
            .where(
                or_(
                    OutboxJob.status == FAILED,
                    (OutboxJob.status == PENDING) & OutboxJob.last_error.is_not(None),
                )
            )
            .order_by(OutboxJob.id)
        )
        return await self.records(result.scalars().all())

    async def records(self, jobs: Sequence[OutboxJob]) -> list[JobRecord]:
        ids = [job.id for job in jobs]
        tries: dict[int, list[AttemptRecord]] = {job_id: [] for job_id in ids}
        if ids:
            result = await self.session.execute(
                select(OutboxAttempt)
                .where(OutboxAttempt.job_id.in_(ids))
                .order_by(OutboxAttempt.job_id, OutboxAttempt.id)
            )
            for row in result.scalars():
                tries[row.job_id].append(
                    AttemptRecord(
                        row.number,
                        row.started_at,
                        row.finished_at,
                        row.outcome,
                        row.error,
                        row.next_run_at,
                    )
                )
        return [
            JobRecord(
                id=job.id,
                kind=job.kind,
                ticket_id=job.ticket_id,
                dedupe_key=job.dedupe_key,
                status=job.status,
                attempts=job.attempts,
                created_at=job.created_at,
                run_after=job.run_after,
                finished_at=job.finished_at,
                last_error=job.last_error,
                alerted_at=job.alerted_at,
                tries=tuple(tries[job.id]),
            )
            for job in jobs
        ]
