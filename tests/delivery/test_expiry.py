"""Expiry from the database with a controlled clock: disabled, logged out, told beforehand."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.demo.stage import ADMIN_ID, LocalStage
from bot.dialog.events import Inbound, Kind, Person
from db.models_delivery import TicketExtension
from tests.delivery.conftest import GUEST, OTHER, QUICK
from tests.delivery.process import until
from tests.delivery.support import Request, account_of, approved, run, ticket_of, users_of

MAC = "AA:BB:CC:DD:EE:01"
# Monday 7 December 2026, 09:00 in Malang (UTC+7).
START = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
# A two-day request made on the 7th ends at midnight after the 8th, Malang time.
END = datetime(2026, 12, 8, 17, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


async def _timed_stage(
    tmp_path: Path, sqlite_url: str, clock: ManualClock, **overrides: object
) -> LocalStage:
    stage = LocalStage(tmp_path, database_url=sqlite_url, clock=clock, **QUICK, **overrides)
    await stage.start()
    stage.emulator.add_user(GUEST, "Siti", "Aminah")
    stage.emulator.add_user(OTHER, "Eve", "Mallory")
    return stage


@pytest.fixture
async def timed(tmp_path: Path, sqlite_url: str, clock: ManualClock) -> AsyncIterator[LocalStage]:
    stage = await _timed_stage(tmp_path, sqlite_url, clock)
    try:
        yield stage
    finally:
        await stage.stop()


async def _delivered(stage: LocalStage, days: int = 2) -> Request:
    request = await approved(stage.runtime.ctx, GUEST, days=days)
    await run(stage)
    assert (await ticket_of(stage, request.ticket_id)).status == "closed"
    return request


def _logged_in(stage: LocalStage, username: str) -> None:
    stage.router.add_active_session(username, "10.5.50.10", MAC)
    stage.router.add_cookie(username, MAC)


async def _sweep(stage: LocalStage) -> None:
    await stage.runtime.expiry_sweep()
    await run(stage)


async def test_an_ended_account_is_disabled_and_its_devices_logged_out(
    timed: LocalStage, clock: ManualClock
) -> None:
    stage = timed
    request = await _delivered(stage)
    username = (await account_of(stage, request.ticket_id)).username
    _logged_in(stage, username)
    stage.router.add_active_session("someone-else", "10.5.50.11", "AA:BB:CC:DD:EE:02")

    clock.current = END - timedelta(minutes=1)
    await _sweep(stage)
    [user] = users_of(stage, request.number)
    assert user["disabled"] == "false" and len(stage.router.active_sessions) == 2

    clock.current = END + timedelta(minutes=1)
    await _sweep(stage)
    [user] = users_of(stage, request.number)
    assert user["disabled"] == "true"
    assert [s["user"] for s in stage.router.active_sessions] == ["someone-else"]
    assert stage.router.cookies == []
    account = await account_of(stage, request.ticket_id)
    assert account.status == "disabled" and account.disabled_at == clock.current
    await _sweep(stage)  # nothing more to do, nothing done twice
    assert stage.router.stats.commands["/ip/hotspot/user/disable"] == 1


async def test_removal_instead_of_disabling_by_configuration(
    tmp_path: Path, sqlite_url: str, clock: ManualClock
) -> None:
    stage = await _timed_stage(tmp_path, sqlite_url, clock, expiry_action="remove")
    try:
        request = await _delivered(stage)
        _logged_in(stage, (await account_of(stage, request.ticket_id)).username)
        clock.current = END + timedelta(minutes=1)
        await _sweep(stage)
        assert users_of(stage, request.number) == []
        assert stage.router.active_sessions == [] and stage.router.cookies == []
        assert (await account_of(stage, request.ticket_id)).status == "removed"
    finally:
        await stage.stop()


async def test_after_downtime_expiry_catches_up_at_start(
    timed: LocalStage, clock: ManualClock
) -> None:
    stage = timed
    request = await _delivered(stage)
    _logged_in(stage, (await account_of(stage, request.ticket_id)).username)
    await stage.stop_bot()
    clock.current = END + timedelta(days=3)
    await stage.start_bot()  # no sweep called by the test: the bot runs one as it starts

    def stopped() -> bool:
        users = users_of(stage, request.number)
        return bool(users) and users[0]["disabled"] == "true" and not stage.router.active_sessions

    await until(stopped, 10, "the start-up expiry sweep")


async def test_an_extension_before_the_end_keeps_the_account_on(
    timed: LocalStage, clock: ManualClock
) -> None:
    stage = timed
    request = await _delivered(stage)
    await stage.say(ADMIN_ID, f"/perpanjang {request.number} 2")
    await run(stage)
    clock.current = END + timedelta(minutes=1)
    await _sweep(stage)
    [user] = users_of(stage, request.number)
    assert user["disabled"] == "false"
    assert "2026-12-10" in user["comment"]
    assert "diperpanjang" in stage.emulator.messages_to(GUEST)[-1].plain


async def test_a_day_before_the_end_a_notice_offers_an_extension(
    timed: LocalStage, clock: ManualClock
) -> None:
    stage = timed
    request = await _delivered(stage, days=3)  # valid until the 9th
    clock.current = END - timedelta(minutes=1)  # 23:59 on the 8th: more than a day left
    await _sweep(stage)
    assert not [m for m in stage.emulator.messages_to(GUEST) if "berakhir" in m.plain]

    clock.current = END + timedelta(minutes=1)  # 00:01 on the 9th, the last day
    await _sweep(stage)
    await _sweep(stage)
    notices = [m for m in stage.emulator.messages_to(GUEST) if "berakhir" in m.plain]
    assert len(notices) == 1
    assert notices[0].button_labels == ["📝 Ajukan perpanjangan"]
    data = notices[0].buttons[0][0].data
    assert data == f"xt:{request.ticket_id}"

    # Someone else's press (a forged one) is refused and changes nothing.
    forged = Inbound(Person(OTHER, "Eve"), OTHER, Kind.BUTTON, data=data)
    outcome = await stage.runtime.handle(forged)
    assert outcome.alert and outcome.toast and "orang lain" in outcome.toast

    await stage.tap(GUEST, "Ajukan perpanjangan")
    async with stage.runtime.ctx.unit() as uow:
        tickets = await uow.tickets.all()
        assert len(tickets) == 2
        extension = await uow.tickets.get(tickets[-1].id)
        assert extension is not None
        link = await uow.session.get(TicketExtension, extension.id)
    assert link is not None and link.extends_ticket_id == request.ticket_id
    answers = {a.field: a.value for a in extension.answers}
    assert answers["start_date"] == "2026-12-10"  # the day after the old account ends
    assert answers["days"] == "3" and answers["email"] == "siti@example.org"
    assert extension.status == "form"
    opened = [m.plain for m in stage.emulator.messages_to(GUEST) if "perpanjangan" in m.plain]
    assert any(extension.number in text and request.number in text for text in opened)
    # A second press while that request is open opens nothing new.
    await stage.tap(GUEST, "Ajukan perpanjangan")
    async with stage.runtime.ctx.unit() as uow:
        assert len(await uow.tickets.all()) == 2
