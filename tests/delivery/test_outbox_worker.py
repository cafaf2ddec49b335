"""The outbox worker on both databases: back-off, give-up, alerts once, leases, attempts log."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.clock import ManualClock, SystemClock
from bot.worker.errors import JobPermanentError, JobTemporaryError
from bot.worker.outbox import OutboxWorker, RetryPolicy, backoff
from db.models import OutboxJob
from db.repositories.outbox import DONE, FAILED, PENDING
from db.uow import Database
from tests.worker.support import FakeRunner, fails_with
from tests.worker.support import enqueue as _enqueue
from tests.worker.support import job_of as _job


def test_backoff_doubles_up_to_its_cap() -> None:
    assert [backoff(n, 5, 60).total_seconds() for n in range(1, 7)] == [5, 10, 20, 40, 60, 60]
    policy = RetryPolicy(base=5, cap=300)
    assert policy.delay(20) == timedelta(minutes=5)


async def test_a_temporary_failure_is_retried_and_logged(
    database: Database, clock: ManualClock
) -> None:
    outcomes = iter([JobTemporaryError("router: reset"), None])

    def behave(job: OutboxJob) -> None:
        error = next(outcomes)
        if error is not None:
            raise error

    runner = FakeRunner(behave)
    worker = OutboxWorker(database, clock, runner, RetryPolicy(base=5, cap=60))
    job_id = await _enqueue(database, clock)
    assert await worker.run_due() == 1
    job = await _job(database, job_id)
    assert job.status == PENDING and job.run_after == clock.now() + timedelta(seconds=5)
    assert await worker.run_due() == 0  # not due yet
    clock.advance(timedelta(seconds=5))
    assert await worker.run_due() == 1
    assert (await _job(database, job_id)).status == DONE
    job = await _job(database, job_id)
    async with database.unit(clock.now()) as uow:
        [record] = await uow.outbox.records([job])
    assert [(t.number, t.outcome, t.error) for t in record.tries] == [
        (1, "retry", "router: reset"),
        (2, "done", None),
    ]
    assert runner.failures == [] and runner.stuck_alerts == []


async def test_a_permanent_failure_stops_at_once_and_calls_the_failure_hook_once(
    database: Database, clock: ManualClock
) -> None:
    runner = FakeRunner(fails_with(JobPermanentError("smtp: 550")))
    worker = OutboxWorker(database, clock, runner)
    job_id = await _enqueue(database, clock)
    await worker.sweep()
    clock.advance(timedelta(hours=1))
    await worker.sweep()
    job = await _job(database, job_id)
    assert job.status == FAILED and job.attempts == 1 and job.last_error == "smtp: 550"
    assert runner.failures == ["smtp: 550"]


async def test_a_job_failing_too_long_alerts_once_then_gives_up(
    database: Database, clock: ManualClock
) -> None:
    runner = FakeRunner(fails_with(JobTemporaryError("router: refused")))
    policy = RetryPolicy(
        base=5, cap=300, alert_after=timedelta(minutes=30), give_up=timedelta(hours=3)
    )
    worker = OutboxWorker(database, clock, runner, policy)
    job_id = await _enqueue(database, clock)
    for _ in range(6 * 60):
        await worker.run_due()
        clock.advance(timedelta(minutes=1))
        if clock.now() - timedelta(minutes=29) < (await _job(database, job_id)).created_at:
            assert runner.stuck_alerts == []
    job = await _job(database, job_id)
    assert job.status == FAILED and "gave up" in (job.last_error or "")
    assert len(runner.stuck_alerts) == 1
    assert len(runner.failures) == 1
    assert job.attempts < 50


async def test_a_dead_workers_job_is_taken_again_after_its_lease(
    database: Database, clock: ManualClock
) -> None:
    runner = FakeRunner()
    lease = timedelta(seconds=60)
    worker = OutboxWorker(database, clock, runner, RetryPolicy(lease=lease))
    job_id = await _enqueue(database, clock)
    # Another process claimed it and died mid-run.
    async with database.unit(clock.now()) as uow:
        assert await uow.outbox.claim(job_id, uow.now, lease)
        job = await uow.outbox.get(job_id)
        assert job is not None
        await uow.outbox.start_attempt(job, uow.now)
    assert await worker.run_one(job_id) is False
    clock.advance(lease)
    assert await worker.run_one(job_id) is True
    assert runner.runs == [job_id]
    job = await _job(database, job_id)
    async with database.unit(clock.now()) as uow:
        [record] = await uow.outbox.records([job])
    assert [t.outcome for t in record.tries] == ["running", "done"]


async def test_a_running_job_keeps_its_lease(database: Database) -> None:
    clock = SystemClock()
    runner = FakeRunner(delay=0.6)
    policy = RetryPolicy(lease=timedelta(seconds=0.3))
    worker = OutboxWorker(database, clock, runner, policy)
    rival = OutboxWorker(database, clock, FakeRunner(), policy)
    job_id = await _enqueue(database, clock)
    running = asyncio.create_task(worker.run_one(job_id))
    await asyncio.sleep(0.45)  # past the first lease: only the renewal keeps it ours
    assert await rival.run_one(job_id) is False
    assert await running is True
    assert runner.runs == [job_id]


async def test_troubled_jobs_are_listed_for_the_digest(
    database: Database, clock: ManualClock
) -> None:
    worker = OutboxWorker(database, clock, FakeRunner(fails_with(JobTemporaryError("busy"))))
    retrying = await _enqueue(database, clock, "a")
    await worker.run_one(retrying)
    worker.runner = FakeRunner(fails_with(JobPermanentError("no")))
    failed = await _enqueue(database, clock, "b")
    await worker.run_one(failed)
    await _enqueue(database, clock, "c")
    async with database.unit(clock.now()) as uow:
        troubled = await uow.outbox.troubled()
    assert [(job.dedupe_key, job.retrying, job.status) for job in troubled] == [
        ("a", True, PENDING),
        ("b", False, FAILED),
    ]
