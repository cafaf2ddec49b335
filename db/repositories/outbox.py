"""The outbox: side effects recorded in the same transaction as the change that causes them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, delete, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from db.models import Applicant, OutboxJob, OutboxWorkerRow, Ticket
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
        chat_id: int | None = None,
        *,
        ordered: bool = True,
    ) -> OutboxJob | None:
        """Adds a job unless one with the same key exists (then the effect is already planned).

        `chat_id` is the chat the job writes to (default: the payload's `chat_id`); the jobs
        of one chat run in the order they were queued (see `due_ids`). An `ordered=False`
        job (an alert) neither waits for nor holds back the others of its chat.
        """
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
            chat_id=chat_id if chat_id is not None or not ordered else _payload_chat(payload),
            status=PENDING,
            attempts=0,
            run_after=run_after or now,
            created_at=now,
        )
        self.session.add(job)
        await self.session.flush()
        return job

    async def applicant_chat(self, ticket_id: int) -> int | None:
        """The chat of a ticket's applicant: where the jobs telling them something write."""
        result = await self.session.execute(
            select(Applicant.chat_id)
            .join(Ticket, Ticket.applicant_id == Applicant.id)
            .where(Ticket.id == ticket_id)
        )
        return result.scalar_one_or_none()

    async def due_ids(
        self, now: datetime, limit: int, held_since: datetime | None = None
    ) -> Sequence[int]:
        """Jobs to run now, oldest first, at most `limit`.

        A chat job waits while an earlier (lower id) job for the same chat is pending, so
        that messages arrive in the order their causes happened; an earlier job queued
        before `held_since` (failing for a long time; the admins are told) no longer holds
        the later ones back, and one failed for good never did.
        """
        result = await self.session.execute(
            select(OutboxJob.id)
            .where(
                OutboxJob.status == PENDING,
                OutboxJob.run_after <= now,
                or_(OutboxJob.locked_until.is_(None), OutboxJob.locked_until <= now),
                _not_held(held_since),
            )
            .order_by(OutboxJob.run_after, OutboxJob.id)
            .limit(limit)
        )
        return result.scalars().all()

    async def claim(
        self,
        job_id: int,
        now: datetime,
        lease: timedelta,
        owner: str | None = None,
        held_since: datetime | None = None,
    ) -> bool:
        """Takes a job for `lease` on behalf of `owner` (a worker id); only one worker (or
        replica) wins the compare-and-set. A job held back behind an earlier one of its
        chat (see `due_ids`) is not taken."""
        result = await self.session.execute(
            update(OutboxJob)
            .where(
                OutboxJob.id == job_id,
                OutboxJob.status == PENDING,
                or_(OutboxJob.locked_until.is_(None), OutboxJob.locked_until <= now),
                _not_held(held_since),
            )
            .values(locked_until=now + lease, locked_by=owner, attempts=OutboxJob.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def get(self, job_id: int) -> OutboxJob | None:
        return await self.session.get(OutboxJob, job_id, populate_existing=True)

    async def finish(self, job: OutboxJob, now: datetime) -> None:
        job.status = DONE
        job.finished_at = now
        job.locked_until = None
        job.locked_by = None
        job.last_error = None
        await self.session.flush()

    async def retry_later(self, job: OutboxJob, run_after: datetime, error: str) -> None:
        job.run_after = run_after
        job.locked_until = None
        job.locked_by = None
        job.last_error = error[:2000]
        await self.session.flush()

    async def fail(self, job: OutboxJob, now: datetime, error: str) -> None:
        job.status = FAILED
        job.finished_at = now
        job.locked_until = None
        job.locked_by = None
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

    async def extend_lease(
        self, job_id: int, attempt: int, until: datetime, owner: str | None = None
    ) -> bool:
        """Keeps a running job ours; False if it is no longer (finished, released because
        we were taken for dead, or taken over)."""
        mine = [] if owner is None else [OutboxJob.locked_by == owner]
        result = await self.session.execute(
            update(OutboxJob)
            .where(
                OutboxJob.id == job_id,
                OutboxJob.status == PENDING,
                OutboxJob.attempts == attempt,
                *mine,
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
        job.locked_by = None
        job.finished_at = None
        job.alerted_at = None
        job.created_at = now
        await self.session.flush()

    async def mark_alerted(self, job: OutboxJob, now: datetime) -> None:
        job.alerted_at = now
        await self.session.flush()

    # Worker processes: who holds leases, and whether they still beat.

    async def register_worker(
        self, worker_id: str, host: str, pid: int, process_start: str | None, now: datetime
    ) -> None:
        """Records a worker process as alive; a second call only beats."""
        row = await self.session.get(OutboxWorkerRow, worker_id)
        if row is None:
            self.session.add(
                OutboxWorkerRow(
                    id=worker_id,
                    host=host,
                    pid=pid,
                    process_start=process_start,
                    started_at=now,
                    beat_at=now,
                )
            )
        else:
            row.beat_at = now
        await self.session.flush()

    async def workers(self) -> Sequence[OutboxWorkerRow]:
        result = await self.session.execute(select(OutboxWorkerRow).order_by(OutboxWorkerRow.id))
        return result.scalars().all()

    async def release_workers(self, worker_ids: Sequence[str]) -> int:
        """Forgets workers that are gone and frees the leases they held, so their jobs are
        taken at once. Returns how many jobs were freed. A job finished meanwhile is left."""
        if not worker_ids:
            return 0
        result = await self.session.execute(
            update(OutboxJob)
            .where(OutboxJob.locked_by.in_(worker_ids), OutboxJob.status == PENDING)
            .values(locked_until=None, locked_by=None)
            .execution_options(synchronize_session=False)
        )
        await self.session.execute(
            delete(OutboxWorkerRow)
            .where(OutboxWorkerRow.id.in_(worker_ids))
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

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


def _payload_chat(payload: dict[str, Any]) -> int | None:
    value = payload.get("chat_id")
    return int(value) if isinstance(value, int | str) and str(value).lstrip("-").isdigit() else None


def _not_held(held_since: datetime | None) -> ColumnElement[bool]:
    """No earlier job for the same chat is still pending (and younger than `held_since`)."""
    earlier = aliased(OutboxJob)
    blocking = exists().where(
        earlier.chat_id == OutboxJob.chat_id,
        earlier.id < OutboxJob.id,
        earlier.status == PENDING,
    )
    if held_since is not None:
        blocking = blocking.where(earlier.created_at > held_since)
    return or_(OutboxJob.chat_id.is_(None), ~blocking)
