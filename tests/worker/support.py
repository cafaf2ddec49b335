"""A job runner that records what the outbox worker asked of it, and queueing helpers."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.clock import ManualClock, SystemClock
from db.models import OutboxJob
from db.uow import Database, UnitOfWork

Behaviour = Callable[[OutboxJob], None]


def fails_with(error: Exception) -> Behaviour:
    def behave(job: OutboxJob) -> None:
        raise error

    return behave


@dataclass
class FakeRunner:
    """Stands for the job kinds: the worker's own logic (claims, leases, back-off, order,
    alerts) is what these tests exercise."""

    behave: Behaviour = lambda job: None
    delay: float = 0.0
    runs: list[int] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    stuck_alerts: list[str] = field(default_factory=list)
    unknown_alerts: list[str] = field(default_factory=list)
    started: asyncio.Event = field(default_factory=asyncio.Event)

    async def __call__(self, job: OutboxJob) -> None:
        self.runs.append(job.id)
        self.started.set()
        if self.delay:
            await asyncio.sleep(self.delay)
        self.behave(job)

    async def failed(self, uow: UnitOfWork, job: OutboxJob, error: str) -> None:
        self.failures.append(error)

    async def stuck(self, uow: UnitOfWork, job: OutboxJob, error: str) -> None:
        self.stuck_alerts.append(error)

    async def unknown(self, uow: UnitOfWork, job: OutboxJob, error: str) -> None:
        self.unknown_alerts.append(error)


async def enqueue(
    database: Database,
    clock: ManualClock | SystemClock,
    key: str = "k",
    chat_id: int | None = None,
) -> int:
    async with database.unit(clock.now()) as uow:
        job = await uow.outbox.enqueue("test", key, {}, uow.now, chat_id=chat_id)
        assert job is not None
        return job.id


async def job_of(database: Database, job_id: int) -> OutboxJob:
    async with database.unit(SystemClock().now()) as uow:
        job = await uow.outbox.get(job_id)
        assert job is not None
        return job
