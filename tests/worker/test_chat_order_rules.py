"""The jobs of one chat run in the order they were queued, on both databases.

An earlier job still pending (retrying) holds the later ones of its chat; other chats go
on; a job failed for good, or one failing past the alert threshold, holds nothing.
"""

from __future__ import annotations

from datetime import timedelta

from bot.clock import ManualClock
from bot.worker.errors import JobPermanentError, JobTemporaryError
from bot.worker.outbox import OutboxWorker, RetryPolicy
from db.models import OutboxJob
from db.repositories.outbox import DONE, FAILED
from db.uow import Database
from tests.worker.support import FakeRunner, enqueue, job_of

APPLICANT = 4001
ADMINS = -1001234


def failing(job_ids: set[int], error: Exception) -> FakeRunner:
    def behave(job: OutboxJob) -> None:
        if job.id in job_ids:
            raise error

    return FakeRunner(behave)


async def test_a_later_message_waits_while_the_earlier_one_retries(
    database: Database, clock: ManualClock
) -> None:
    approved = await enqueue(database, clock, "approved", APPLICANT)
    credentials = await enqueue(database, clock, "credentials", APPLICANT)
    card = await enqueue(database, clock, "card", ADMINS)
    runner = failing({approved}, JobTemporaryError("Flood control exceeded. Retry in 1 seconds"))
    worker = OutboxWorker(database, clock, runner, RetryPolicy(base=5, cap=60))
    await worker.sweep()
    assert runner.runs == [approved, card]  # the other chat was not held up
    runner.behave = lambda job: None
    clock.advance(timedelta(seconds=5))
    await worker.sweep()
    assert runner.runs == [approved, card, approved, credentials]
    assert (await job_of(database, credentials)).status == DONE


async def test_a_held_job_cannot_be_claimed_directly(
    database: Database, clock: ManualClock
) -> None:
    first = await enqueue(database, clock, "first", APPLICANT)
    second = await enqueue(database, clock, "second", APPLICANT)
    async with database.unit(clock.now()) as uow:
        assert list(await uow.outbox.due_ids(uow.now, 10)) == [first]
        assert not await uow.outbox.claim(second, uow.now, timedelta(seconds=60), "w")
        assert await uow.outbox.claim(first, uow.now, timedelta(seconds=60), "w")


async def test_a_message_failed_for_good_does_not_hold_the_next(
    database: Database, clock: ManualClock
) -> None:
    blocked = await enqueue(database, clock, "blocked", APPLICANT)
    after = await enqueue(database, clock, "after", APPLICANT)
    runner = failing({blocked}, JobPermanentError("Forbidden: bot was blocked by the user"))
    await OutboxWorker(database, clock, runner).sweep()
    assert runner.runs == [blocked, after]
    assert (await job_of(database, blocked)).status == FAILED
    assert (await job_of(database, after)).status == DONE


async def test_a_message_failing_past_the_alert_threshold_stops_holding_the_chat(
    database: Database, clock: ManualClock
) -> None:
    stuck = await enqueue(database, clock, "stuck", APPLICANT)
    later = await enqueue(database, clock, "later", APPLICANT)
    runner = failing({stuck}, JobTemporaryError("Bad Gateway"))
    policy = RetryPolicy(base=60, cap=300, alert_after=timedelta(minutes=30))
    worker = OutboxWorker(database, clock, runner, policy)
    for _ in range(25):
        await worker.sweep()
        clock.advance(timedelta(minutes=1))
    assert later not in runner.runs
    for _ in range(10):
        await worker.sweep()
        clock.advance(timedelta(minutes=1))
    assert later in runner.runs and len(runner.stuck_alerts) == 1
    assert (await job_of(database, later)).status == DONE
