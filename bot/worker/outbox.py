"""The outbox worker: claims due jobs, runs them, retries with back-off, alerts on failure."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from bot.clock import Clock
from bot.worker.errors import JobPermanentError, JobTemporaryError
from db.models import OutboxJob
from db.uow import Database

log = logging.getLogger(__name__)

Runner = Callable[[OutboxJob], Awaitable[None]]
Alert = Callable[[OutboxJob, str], Awaitable[None]]


def backoff(attempts: int, base: float = 5.0, cap: float = 900.0) -> timedelta:
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


class OutboxWorker:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        runner: Runner,
        alert: Alert,
        *,
        max_attempts: int = 8,
        lease: timedelta = timedelta(minutes=5),
        batch: int = 20,
        retry_base: float = 5.0,
    ) -> None:
        self.db = db
        self.clock = clock
        self.runner = runner
        self.alert = alert
        self.max_attempts = max_attempts
        self.lease = lease
        self.batch = batch
        self.retry_base = retry_base
        self._running = False
        self._again = False
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def busy(self) -> bool:
        return self._running

    def wake(self) -> None:
        """Something was queued: sweep now instead of at the next tick."""
        task = asyncio.get_running_loop().create_task(self.sweep())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def sweep(self) -> None:
        if self._running:
            self._again = True
            return
        self._running = True
        try:
            while True:
                self._again = False
                ran = await self.run_due()
                if not ran and not self._again:
                    break
        finally:
            self._running = False

    async def run_due(self) -> int:
        async with self.db.unit(self.clock.now()) as uow:
            due = list(await uow.outbox.due_ids(uow.now, self.batch))
        ran = 0
        for job_id in due:
            if await self.run_one(job_id):
                ran += 1
        return ran

    async def run_one(self, job_id: int) -> bool:
        async with self.db.unit(self.clock.now()) as uow:
            if not await uow.outbox.claim(job_id, uow.now, self.lease):
                return False
            job = await uow.outbox.get(job_id)
        assert job is not None
        try:
            await self.runner(job)
        except JobTemporaryError as error:
            await self._temporary(job_id, str(error))
        except JobPermanentError as error:
            await self._permanent(job_id, str(error))
        except Exception as error:  # a bug in a job must not stop the worker
            log.exception("job %s (%s) raised", job_id, job.kind)
            await self._temporary(job_id, f"{type(error).__name__}: {error}")
        else:
            async with self.db.unit(self.clock.now()) as uow:
                fresh = await uow.outbox.get(job_id)
                assert fresh is not None
                await uow.outbox.finish(fresh, uow.now)
        return True

    async def _temporary(self, job_id: int, error: str) -> None:
        async with self.db.unit(self.clock.now()) as uow:
            job = await uow.outbox.get(job_id)
            assert job is not None
            if job.attempts >= self.max_attempts:
                await uow.outbox.fail(job, uow.now, error)
                failed = True
            else:
                await uow.outbox.retry_later(
                    job, uow.now + backoff(job.attempts, self.retry_base), error
                )
                failed = False
        log.warning("job %s (%s) attempt %s failed: %s", job_id, job.kind, job.attempts, error)
        if failed:
            await self.alert(job, error)

    async def _permanent(self, job_id: int, error: str) -> None:
        async with self.db.unit(self.clock.now()) as uow:
            job = await uow.outbox.get(job_id)
            assert job is not None
            await uow.outbox.fail(job, uow.now, error)
        log.error("job %s (%s) failed for good: %s", job_id, job.kind, error)
        await self.alert(job, error)
