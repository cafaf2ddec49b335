"""An error no classifier knows: retried with back-off, and the admins told once, at once,
with the server's own words."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.demo.stage import ADMIN_ID, LocalStage
from bot.worker.errors import JobUnknownError
from bot.worker.outbox import OutboxWorker, RetryPolicy
from db.models import OutboxJob
from db.repositories.outbox import DONE, PENDING
from db.uow import Database
from tests.worker.support import FakeRunner, enqueue, job_of

SERVER_SAID = "smtp: 421 4.7.0 Greylisted by policy engine"


def failing_times(count: int, error: Exception) -> FakeRunner:
    left = [count]

    def behave(job: OutboxJob) -> None:
        if left[0] > 0:
            left[0] -= 1
            raise error

    return FakeRunner(behave)


async def test_an_unknown_error_is_told_at_once_and_once_while_it_retries(
    database: Database, clock: ManualClock
) -> None:
    runner = failing_times(40, JobUnknownError(SERVER_SAID))
    policy = RetryPolicy(base=5, cap=300, alert_after=timedelta(minutes=30))
    worker = OutboxWorker(database, clock, runner, policy)
    job_id = await enqueue(database, clock)
    await worker.run_due()
    assert runner.unknown_alerts == [SERVER_SAID]  # on the first attempt, not after 30 min
    job = await job_of(database, job_id)
    assert job.status == PENDING and job.alerted_at == clock.now()
    for _ in range(3 * 60):
        clock.advance(timedelta(minutes=1))
        await worker.run_due()
    assert runner.unknown_alerts == [SERVER_SAID]
    assert runner.stuck_alerts == [] and runner.failures == []
    assert (await job_of(database, job_id)).status == DONE


async def test_a_bug_in_a_job_is_told_at_once(database: Database, clock: ManualClock) -> None:
    runner = failing_times(2, KeyError("template"))
    worker = OutboxWorker(database, clock, runner, RetryPolicy(base=5))
    await enqueue(database, clock)
    await worker.run_due()
    clock.advance(timedelta(seconds=5))
    await worker.run_due()
    assert runner.unknown_alerts == ["KeyError: 'template'"]


@pytest.fixture
async def stage(tmp_path: Path, sqlite_url: str) -> AsyncIterator[LocalStage]:
    async with LocalStage(
        tmp_path, database_url=sqlite_url, outbox_retry_seconds=0.05, outbox_retry_cap_seconds=0.1
    ) as running:
        yield running


async def test_an_unknown_telegram_answer_reaches_the_admins_at_once(stage: LocalStage) -> None:
    """What failed, what the server said (escaped, as it said it) and what to do."""
    words = "Bad Request: SOMETHING_NEW_HAPPENED <limit> & more"
    async with stage.runtime.ctx.unit() as uow:
        # What the SLA reminders and the digest queue: a ready-made message for a chat.
        await uow.outbox.enqueue("chat", "sla-probe", {"chat_id": ADMIN_ID, "text": "SLA"}, uow.now)
    stage.emulator.fail_next(400, method="sendMessage", description=words)
    stage.runtime.worker.wake()
    await stage.settle()
    texts = [m.plain for m in stage.emulator.messages_to(ADMIN_ID)]
    [alert] = [text for text in texts if "belum dikenal" in text]
    # python-telegram-bot capitalises the description; the words are Telegram's otherwise.
    assert "bad request: something_new_happened <limit> & more" in alert.lower()
    assert "chat (pesan chat)" in alert  # what failed
    assert "HOTSPOT_ADMIN_CHAT_ID" in alert  # what to do
    assert texts.count("SLA") == 1  # retried, and delivered once
