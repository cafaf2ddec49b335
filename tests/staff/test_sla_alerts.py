"""SLA reminders at 80 % and breach alerts at 100 % of a step's standard, in office time,
each sent once per ticket, step, round and level."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

from bot.clock import ManualClock
from bot.dialog.context import DeskContext
from bot.worker.sla_sweep import send_due_sla_alerts
from db.uow import Database
from tests.staff.conftest import ADMIN, DEPUTY, GROUP, HEAD
from tests.staff.history import Path, build, local

SUBMITTED = [("open", 0), ("form", 1), ("submitted", 4)]


async def sent(database: Database, clock: ManualClock) -> list[tuple[int, str]]:
    """(chat, first line) of every alert queued so far."""
    async with database.unit(clock.now()) as uow:
        jobs = await uow.outbox.in_status("pending")
        return [
            (int(j.payload["chat_id"]), str(j.payload["text"]).splitlines()[0])
            for j in jobs
            if j.kind == "chat" and j.dedupe_key.startswith("sla:")
        ]


async def sweep_at(ctx: DeskContext, clock: ManualClock, moment: datetime) -> int:
    clock.current = moment
    return await send_due_sla_alerts(ctx)


async def test_reminder_to_the_admins_then_breach_to_admins_and_heads(
    ctx: DeskContext, database: Database, clock: ManualClock
) -> None:
    await build(database, Path(SUBMITTED, start=local(7, 8, 55)))  # submitted at 09:00
    assert await sweep_at(ctx, clock, local(7, 9, 23)) == 0
    assert await sweep_at(ctx, clock, local(7, 9, 24)) == 1
    alerts = await sent(database, clock)
    assert sorted(chat for chat, _ in alerts) == sorted([ADMIN, GROUP])
    assert all("Pengingat" in line for _, line in alerts)
    assert await sweep_at(ctx, clock, local(7, 9, 29)) == 0
    assert await sweep_at(ctx, clock, local(7, 9, 30)) == 1
    breach = [a for a in await sent(database, clock) if "Melewati" in a[1]]
    assert sorted(chat for chat, _ in breach) == sorted([ADMIN, GROUP, HEAD, DEPUTY])
    for minutes in (31, 90, 600):
        assert await sweep_at(ctx, clock, local(7, 9) + timedelta(minutes=minutes)) == 0
    assert len(await sent(database, clock)) == 6


async def test_the_clock_stops_outside_office_hours(
    ctx: DeskContext, database: Database, clock: ManualClock
) -> None:
    # Submitted on Friday at 15:50: 10 office minutes that day, the rest from Monday 07:30.
    await build(database, Path(SUBMITTED, start=local(11, 15, 45)))
    for moment in (local(11, 16, 30), local(11, 23), local(12, 12), local(14, 7, 43)):
        assert await sweep_at(ctx, clock, moment) == 0, moment
    assert await sweep_at(ctx, clock, local(14, 7, 44)) == 1
    assert await sweep_at(ctx, clock, local(14, 7, 49)) == 0
    assert await sweep_at(ctx, clock, local(14, 7, 50)) == 1


async def test_a_holiday_does_not_count(
    ctx: DeskContext, database: Database, clock: ManualClock
) -> None:
    settings = ctx.settings.model_copy(update={"holidays": [local(14, 9).date()]})
    ctx = dataclasses.replace(ctx, settings=settings)
    await build(database, Path(SUBMITTED, start=local(11, 15, 45)))
    assert await sweep_at(ctx, clock, local(14, 15)) == 0
    assert await sweep_at(ctx, clock, local(15, 7, 44)) == 1


async def test_a_verified_form_reminds_the_heads(
    ctx: DeskContext, database: Database, clock: ManualClock
) -> None:
    await build(database, Path([*SUBMITTED, ("verified", 10)], start=local(7, 8, 55)))
    assert await sweep_at(ctx, clock, local(7, 9, 24)) == 1
    assert sorted(chat for chat, _ in await sent(database, clock)) == [HEAD, DEPUTY]


async def test_a_clock_already_past_its_standard_gets_only_the_breach_alert(
    ctx: DeskContext, database: Database, clock: ManualClock
) -> None:
    await build(database, Path(SUBMITTED, start=local(7, 8, 55)))
    assert await sweep_at(ctx, clock, local(7, 13)) == 1
    lines = [line for _, line in await sent(database, clock)]
    assert lines and all("Melewati" in line for line in lines)
    assert await sweep_at(ctx, clock, local(7, 14)) == 0


async def test_a_resubmitted_form_is_a_new_round_with_its_own_alerts(
    ctx: DeskContext, database: Database, clock: ManualClock
) -> None:
    path = [*SUBMITTED, ("form", 25), ("submitted", 60)]  # returned at 09:25, back at 10:25
    await build(database, Path(path, start=local(7, 8, 55)))
    assert await sweep_at(ctx, clock, local(7, 10, 48)) == 0
    assert await sweep_at(ctx, clock, local(7, 10, 49)) == 1
    async with database.unit(clock.now()) as uow:
        [alert] = await uow.records.alerts_between(local(7, 0), local(8, 0))
        assert (alert.step, alert.round, alert.level) == (4, 2, "reminder")


async def test_without_verification_the_head_holds_a_submitted_form(
    ctx: DeskContext, database: Database, clock: ManualClock
) -> None:
    ctx = dataclasses.replace(ctx, staff=dataclasses.replace(ctx.staff, verification=False))
    await build(database, Path(SUBMITTED, start=local(7, 8, 55)))
    assert await sweep_at(ctx, clock, local(7, 9, 24)) == 1
    assert sorted(chat for chat, _ in await sent(database, clock)) == [HEAD, DEPUTY]


async def test_an_account_not_created_in_time_reminds_the_admins(
    ctx: DeskContext, database: Database, clock: ManualClock
) -> None:
    path = [*SUBMITTED, ("verified", 5), ("approved", 5)]  # approved at 09:10
    await build(database, Path(path, start=local(7, 8, 55)))
    assert await sweep_at(ctx, clock, local(7, 9, 34)) == 1
    [(chat, line), *_] = await sent(database, clock)
    assert chat in (ADMIN, GROUP) and "Pengingat" in line
    async with database.unit(clock.now()) as uow:
        [alert] = await uow.records.alerts_between(local(7, 0), local(8, 0))
        assert (alert.step, alert.level, alert.used_minutes) == (5, "reminder", 24)
