"""The outbox worker: claims due jobs, runs them, retries with back-off, alerts on failure.

A claimed job is leased, not owned: while it runs the lease is renewed, so a crashed bot's
job is taken again by the next process once its lease runs out. The lease names its holder
(see `bot.worker.owners`): a holder known to be dead (its pid gone on this host, or its
heartbeat stopped) has its jobs taken at once, so a bot restarted after a crash carries on
within seconds while a living replica's lease is respected.

Temporary failures are retried with exponential back-off up to a cap, for as long as
`give_up` allows (a router down for an hour must not turn into a lost request); permanent
ones stop at once. An error no classifier knows is retried like a temporary one, but the
admins are told at once, with the server's words, instead of after `alert_after`. The
runner's `failed`, `stuck` and `unknown` hooks run in the transaction that records the
outcome, so an alert is queued exactly when the failure is recorded, and only once.

The jobs of one chat run in the order they were queued (`OutboxRepository.due_ids`), so a
notice held back by Telegram's flood control is not overtaken by the next one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.clock import Clock
from bot.config import Settings
from bot.worker.errors import JobPermanentError, JobTemporaryError, JobUnknownError
from bot.worker.owners import WorkerIdentity, is_dead
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

    async def unknown(self, uow: UnitOfWork, job: OutboxJob, error: str) -> None:
        """The job failed in a way nobody classified (`error` holds the server's words);
        it keeps trying, and the admins should know now rather than at the give-up time."""
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

    @property
    def beat(self) -> timedelta:
        """How often a worker says it is alive: a third of the lease, at most 5 s, so that
        another host sees a dead holder (`owners.MISSED_BEATS` beats) well before its lease
        runs out."""
        return min(self.lease / 3, timedelta(seconds=5))


class OutboxWorker:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        runner: Runner,
        policy: RetryPolicy | None = None,
        *,
        batch: int = 20,
        identity: WorkerIdentity | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.runner = runner
        self.policy = policy or RetryPolicy()
        self.batch = batch
        self.identity = identity or WorkerIdentity.of_this_process()
        self._running = False
        self._again = False
        self._stopped = False
        self._tasks: set[asyncio.Task[None]] = set()
        self._heartbeat: asyncio.Task[None] | None = None

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
        cancelled. Then this worker signs off: the leases it still holds are freed, so the
        next start takes them up at once."""
        self._stopped = True
        tasks = list(self._tasks)
        if tasks:
            _done, pending = await asyncio.wait(tasks, timeout=grace)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        heartbeat, self._heartbeat = self._heartbeat, None
        if heartbeat is None:
            return
        heartbeat.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await heartbeat
        try:
            async with self.db.unit(self.clock.now()) as uow:
                await uow.outbox.release_workers([self.identity.id])
        except Exception as error:  # the database may be gone: the leases then run out
            log.warning("outbox worker could not sign off: %s", error)

    async def start(self) -> None:
        """Says this worker is alive and frees the jobs of holders that are dead (a crashed
        predecessor's first of all); then beats until `stop`. Idempotent; `sweep` calls it."""
        if self._heartbeat is not None or self._stopped:
            return
        me = self.identity
        async with self.db.unit(self.clock.now()) as uow:
            await uow.outbox.register_worker(me.id, me.host, me.pid, me.process_start, uow.now)
        self._heartbeat = asyncio.get_running_loop().create_task(self._beat())
        await self.take_over_dead()

    async def take_over_dead(self) -> int:
        """Frees the leases of every holder found dead; returns how many jobs were freed."""
        async with self.db.unit(self.clock.now()) as uow:
            dead = [
                holder.id
                for holder in await uow.outbox.workers()
                if is_dead(holder, self.identity, uow.now, self.policy.beat)
            ]
            freed = await uow.outbox.release_workers(dead)
        if freed:
            log.info("took over %d job(s) of %d stopped outbox worker(s)", freed, len(dead))
        return freed

    async def _beat(self) -> None:
        me = self.identity
        every = self.policy.beat.total_seconds()
        while True:
            await asyncio.sleep(every)
            try:
                async with self.db.unit(self.clock.now()) as uow:
                    await uow.outbox.register_worker(
                        me.id, me.host, me.pid, me.process_start, uow.now
                    )
                if await self.take_over_dead() and not self._stopped:
                    self.wake()
            except Exception as error:  # the next beat tries again
                log.warning("outbox heartbeat failed: %s", error)

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
            await self.start()
            while not self._stopped:
                self._again = False
                ran = await self.run_due()
                if not ran and not self._again:
                    break
        finally:
            self._running = False
            if current is not None:
                self._tasks.discard(current)

    def _held_since(self, now: datetime) -> datetime:
        # A chat's earlier job failing for longer than this no longer holds the later ones
        # back: the admins have been told about it, the others should not wait 72 hours.
        return now - self.policy.alert_after

    async def run_due(self) -> int:
        async with self.db.unit(self.clock.now()) as uow:
            due = list(await uow.outbox.due_ids(uow.now, self.batch, self._held_since(uow.now)))
        ran = 0
        for job_id in due:
            if self._stopped:
                break
            if await self.run_one(job_id):
                ran += 1
        return ran

    async def run_one(self, job_id: int) -> bool:
        async with self.db.unit(self.clock.now()) as uow:
            claimed = await uow.outbox.claim(
                job_id,
                uow.now,
                self.policy.lease,
                self.identity.id,
                self._held_since(uow.now),
            )
            if not claimed:
                return False
            job = await uow.outbox.get(job_id)
            assert job is not None
            attempt_id = await uow.outbox.start_attempt(job, uow.now)
        lease = asyncio.create_task(self._keep_lease(job.id, job.attempts))
        try:
            await self.runner(job)
        except JobUnknownError as error:
            await self._temporary(job_id, attempt_id, str(error), unknown=True)
        except JobTemporaryError as error:
            await self._temporary(job_id, attempt_id, str(error))
        except JobPermanentError as error:
            await self._permanent(job_id, attempt_id, str(error))
        except Exception as error:  # a bug in a job must not stop the worker
            log.exception("job %s (%s) raised", job_id, job.kind)
            # Nobody knows this failure either: retried, and the admins told at once.
            error_text = f"{type(error).__name__}: {error}"
            await self._temporary(job_id, attempt_id, error_text, unknown=True)
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
                    await uow.outbox.extend_lease(
                        job_id, attempt, uow.now + self.policy.lease, self.identity.id
                    )
            except Exception as error:  # the next beat tries again; the lease is generous
                log.warning("could not renew the lease of job %s: %s", job_id, error)

    async def _temporary(
        self, job_id: int, attempt_id: int, error: str, *, unknown: bool = False
    ) -> None:
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
                if job.alerted_at is None and unknown:
                    await uow.outbox.mark_alerted(job, uow.now)
                    await self.runner.unknown(uow, job, error)
                elif job.alerted_at is None and failing_for >= self.policy.alert_after:
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
