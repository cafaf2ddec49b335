"""A worker takes a dead holder's jobs at once and respects a living one's lease.

Holders are real processes: a child that has ended (its pid is gone), this process under a
new start (a reused pid), the parent of this process (alive on this host), and a replica
on another host known only by its heartbeat.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

from bot.clock import ManualClock
from bot.worker.outbox import OutboxWorker, RetryPolicy
from bot.worker.owners import WorkerIdentity, process_start
from db.repositories.outbox import DONE, PENDING
from db.uow import Database
from tests.worker.support import FakeRunner, enqueue, job_of

LEASE = timedelta(seconds=60)


def ended_pid() -> int:
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)  # fmt: skip
    return int(child.stdout)


def holder(pid: int, *, host: str | None = None, start: str | None = None) -> WorkerIdentity:
    me = WorkerIdentity.of_this_process()
    return WorkerIdentity(
        f"{pid:08d}".ljust(32, "0"), host or me.host, pid, start or process_start(pid)
    )


async def _held_by(
    database: Database, clock: ManualClock, owner: WorkerIdentity, key: str = "job"
) -> int:
    """A job claimed by `owner`, which had registered its heartbeat, with a 60 s lease."""
    job_id = await enqueue(database, clock, key)
    async with database.unit(clock.now()) as uow:
        await uow.outbox.register_worker(
            owner.id, owner.host, owner.pid, owner.process_start, uow.now
        )
        assert await uow.outbox.claim(job_id, uow.now, LEASE, owner.id)
        job = await uow.outbox.get(job_id)
        assert job is not None
        await uow.outbox.start_attempt(job, uow.now)
    return job_id


def _worker(database: Database, clock: ManualClock, runner: FakeRunner) -> OutboxWorker:
    return OutboxWorker(database, clock, runner, RetryPolicy(lease=LEASE))


async def test_a_crashed_predecessors_job_is_taken_at_once(
    database: Database, clock: ManualClock
) -> None:
    dead = holder(ended_pid(), start="boot:1")
    job_id = await _held_by(database, clock, dead)
    runner = FakeRunner()
    worker = _worker(database, clock, runner)
    await worker.sweep()  # no time has passed: the lease has 60 s to run
    await worker.stop()
    assert runner.runs == [job_id]
    job = await job_of(database, job_id)
    assert job.status == DONE and job.attempts == 2


async def test_a_predecessor_whose_pid_this_process_now_has_is_dead(
    database: Database, clock: ManualClock
) -> None:
    me = WorkerIdentity.of_this_process()
    job_id = await _held_by(database, clock, holder(me.pid, start="an-earlier-start"))
    runner = FakeRunner()
    worker = _worker(database, clock, runner)
    await worker.sweep()
    await worker.stop()
    assert runner.runs == [job_id]


async def test_a_living_process_on_this_host_keeps_its_lease(
    database: Database, clock: ManualClock
) -> None:
    parent = os.getppid()
    job_id = await _held_by(database, clock, holder(parent))
    runner = FakeRunner()
    worker = _worker(database, clock, runner)
    await worker.sweep()
    assert runner.runs == []
    clock.advance(LEASE)  # its beats stopped long ago: the lease ran out too
    await worker.sweep()
    await worker.stop()
    assert runner.runs == [job_id]


async def test_a_replica_elsewhere_is_respected_while_it_beats(
    database: Database, clock: ManualClock
) -> None:
    replica = holder(4242, host="replica-2.example", start="boot:7")
    job_id = await _held_by(database, clock, replica)
    runner = FakeRunner()
    policy = RetryPolicy(lease=LEASE)
    worker = OutboxWorker(database, clock, runner, policy)
    await worker.sweep()
    clock.advance(policy.beat * 2)
    async with database.unit(clock.now()) as uow:  # the replica beats
        await uow.outbox.register_worker(replica.id, replica.host, 4242, "boot:7", uow.now)
    clock.advance(policy.beat * 2)
    await worker.take_over_dead()
    await worker.sweep()
    assert runner.runs == []
    clock.advance(policy.beat * 2)  # four beats missed, the lease still runs 48 s
    await worker.take_over_dead()
    await worker.sweep()
    await worker.stop()
    assert runner.runs == [job_id]


async def test_a_worker_taken_for_dead_cannot_renew_the_lease(
    database: Database, clock: ManualClock
) -> None:
    gone = holder(ended_pid(), start="boot:1")
    job_id = await _held_by(database, clock, gone)
    worker = _worker(database, clock, FakeRunner(behave=lambda job: None))
    await worker.take_over_dead()
    async with database.unit(clock.now()) as uow:
        assert not await uow.outbox.extend_lease(job_id, 1, uow.now + LEASE, gone.id)
        assert [row.id for row in await uow.outbox.workers()] == []


async def test_a_stopped_worker_hands_its_unfinished_job_to_the_next_start(
    database: Database, clock: ManualClock
) -> None:
    job_id = await enqueue(database, clock)
    slow = FakeRunner(delay=30)
    first = _worker(database, clock, slow)
    first.wake()
    await slow.started.wait()
    await first.stop(grace=0.05)
    job = await job_of(database, job_id)
    assert job.status == PENDING and job.locked_until is None and job.locked_by is None
    runner = FakeRunner()
    second = _worker(database, clock, runner)
    await second.sweep()
    await second.stop()
    assert runner.runs == [job_id]
