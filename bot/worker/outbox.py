"""The outbox worker: claims due jobs, runs them, retries with back-off, alerts on failure.

A claimed job is leased, not owned: while it runs the lease is renewed, so a crashed bot's
job is taken again by the next process once its lease runs out. Temporary failures are
retried with exponential back-off up to a cap, for as long as `give_up` allows (a router
down for an hour must not turn into a lost request); permanent ones stop at once. The
runner's `failed` and `stuck` hooks run in the transaction that records the outcome, so an
alert is queued exactly when the failure is recorded, and only once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from bot.clock import Clock
from bot.config import Settings
from bot.worker.errors import JobPermanentError, JobTemporaryError
from db.models import OutboxJob
from db.repositories.outbox import DONE, FAILED, RETRY
from db.uow import Database, UnitOfWork

log = logging.getLogger(__name__)


class Runner(Protocol):
    async def __call__(self, job: OutboxJob) -> None: ...

    async def failed(self, uow: UnitOfWork, job: OutboxJob, error: str) -> None:
        """The job failed for good (recorded in `uow`): undo what must not linger, alert."""
        ...

    async def stuck(self, uow: UnitOfWork, job: OutboxJob, error: str) -> None:
        """The job has been failing for longer than the alert threshold; it keeps trying."""
        ...


def backoff(attempts: int, base: float = 5.0, cap: float = 900.0) -> timedelta:
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


@dataclass(frozen=True)
class RetryPolicy:
    base: float = 5.0
    cap: float = 300.0
    lease: timedelta = timedelta(seconds=60)
    alert_after: timedelta = timedelta(minutes=30)
    give_up: timedelta = timedelta(hours=72)

    @classmethod
    def from_settings(cls, settings: Settings) -> RetryPolicy:
        return cls(
            base=settings.outbox_retry_seconds,
            cap=settings.outbox_retry_cap_seconds,
            lease=timedelta(seconds=settings.outbox_lease_seconds),
            alert_after=timedelta(minutes=settings.outbox_alert_after_minutes),
            give_up=timedelta(hours=settings.outbox_give_up_hours),
        )

    def delay(self, attempts: int) -> timedelta:
        return backoff(attempts, self.base, self.cap)


class OutboxWorker:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        runner: Runner,
        policy: RetryPolicy | None = None,
        *,
        batch: int = 20,
    ) -> None:
        self.db = db
        self.clock = clock
        self.runner = runner
        self.policy = policy or RetryPolicy()
        self.batch = batch
        self._running = False
        self._again = False
        self._stopped = False
        self._tasks: set[asyncio.Task[None]] = set()

    @classmethod
    def from_settings(
        cls, db: Database, clock: Clock, runner: Runner, settings: Settings
    ) -> OutboxWorker:
        return cls(db, clock, runner, RetryPolicy.from_settings(settings))

    @property
    def busy(self) -> bool:
        return self._running

    def wake(self) -> None:
        """Something was queued: sweep now instead of at the next tick."""
        if self._stopped:
            return
        task = asyncio.get_running_loop().create_task(self.sweep())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def stop(self, grace: float = 10.0) -> None:
        """No new jobs; the job under way may finish within `grace` seconds, else it is
        cancelled (its lease then runs out and a later start takes it up, as after a crash)."""
        self._stopped = True
        tasks = list(self._tasks)
        if not tasks:
            return
        _done, pending = await asyncio.wait(tasks, timeout=grace)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    async def sweep(self) -> None:
        if self._stopped:
            return
        if self._running:
            self._again = True
            return
        self._running = True
        current = asyncio.current_task()
        if current is not None:
            self._tasks.add(current)
        try:
            while not self._stopped:
                self._again = False
                ran = await self.run_due()
                if not ran and not self._again:
                    break
        finally:
            self._running = False
            if current is not None:
                self._tasks.discard(current)

    async def run_due(self) -> int:
        async with self.db.unit(self.clock.now()) as uow:
            due = list(await uow.outbox.due_ids(uow.now, self.batch))
        ran = 0
        for job_id in due:
            if self._stopped:
                break
            if await self.run_one(job_id):
                ran += 1
        return ran

    async def run_one(self, job_id: int) -> bool:
        async with self.db.unit(self.clock.now()) as uow:
            if not await uow.outbox.claim(job_id, uow.now, self.policy.lease):
                return False
            job = await uow.outbox.get(job_id)
            assert job is not None
            attempt_id = await uow.outbox.start_attempt(job, uow.now)
        lease = asyncio.create_task(self._keep_lease(job.id, job.attempts))
        try:
            await self.runner(job)
        except JobTemporaryError as error:
            await self._temporary(job_id, attempt_id, str(error))
        except JobPermanentError as error:
            await self._permanent(job_id, attempt_id, str(error))
        except Exception as error:  # a bug in a job must not stop the worker
            log.exception("job %s (%s) raised", job_id, job.kind)
            await self._temporary(job_id, attempt_id, f"{type(error).__name__}: {error}")
        else:
            async with self.db.unit(self.clock.now()) as uow:
                fresh = await uow.outbox.get(job_id)
                assert fresh is not None
                await uow.outbox.finish(fresh, uow.now)
                await uow.outbox.end_attempt(attempt_id, uow.now, DONE)
        finally:
            lease.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await lease
        return True

    async def _keep_lease(self, job_id: int, attempt: int) -> None:
        every = self.policy.lease.total_seconds() / 3
        while True:
            await asyncio.sleep(every)
            try:
                async with self.db.unit(self.clock.now()) as uow:
                    await uow.outbox.extend_lease(job_id, attempt, uow.now + self.policy.lease)
            except Exception as error:  # the next beat tries again; the lease is generous
                log.warning("could not renew the lease of job %s: %s", job_id, error)

    async def _temporary(self, job_id: int, attempt_id: int, error: str) -> None:
        async with self.db.unit(self.clock.now()) as uow:
            job = await uow.outbox.get(job_id)
            assert job is not None
            failing_for = uow.now - job.created_at
            if failing_for >= self.policy.give_up:
                error = f"{error} (still failing after {_hours(failing_for)}; gave up)"
                await self._fail(uow, job, attempt_id, error)
                gave_up = True
            else:
                next_run = uow.now + self.policy.delay(job.attempts)
                await uow.outbox.retry_later(job, next_run, error)
                await uow.outbox.end_attempt(attempt_id, uow.now, RETRY, error, next_run)
                if job.alerted_at is None and failing_for >= self.policy.alert_after:
                    await uow.outbox.mark_alerted(job, uow.now)
                    await self.runner.stuck(uow, job, error)
                gave_up = False
        if gave_up:
            log.error("job %s (%s) gave up: %s", job_id, job.kind, error)
        else:
            log.warning(
                "job %s (%s) attempt %s failed, retrying: %s", job_id, job.kind, job.attempts, error
            )
        self.wake_later()

    async def _permanent(self, job_id: int, attempt_id: int, error: str) -> None:
        async with self.db.unit(self.clock.now()) as uow:
            job = await uow.outbox.get(job_id)
            assert job is not None
            await self._fail(uow, job, attempt_id, error)
        log.error("job %s (%s) failed for good: %s", job_id, job.kind, error)
        self.wake_later()

    async def _fail(self, uow: UnitOfWork, job: OutboxJob, attempt_id: int, error: str) -> None:
        await uow.outbox.fail(job, uow.now, error)
        await uow.outbox.end_attempt(attempt_id, uow.now, FAILED, error)
        await self.runner.failed(uow, job, error)

    def wake_later(self) -> None:
        # The failure hooks may have queued alerts: the running sweep picks them up.
        self._again = True


def _hours(delta: timedelta) -> str:
    return f"{delta.total_seconds() / 3600:.1f} h"
