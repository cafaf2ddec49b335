"""Each router failure of issue 5 against the RouterOS simulator's fault hooks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.demo.stage import ADMIN_ID, LocalStage
from db.repositories.outbox import FAILED
from tests.delivery.conftest import GUEST, QUICK
from tests.delivery.support import (
    account_of,
    alerts_to,
    approved,
    emails_of,
    jobs_of,
    run,
    ticket_of,
    users_of,
)


async def test_refused_and_dropped_connections_are_retried(stage: LocalStage) -> None:
    stage.router.faults.refuse_connections = 2
    stage.router.faults.drop_mid_reply = 2
    request = await approved(stage.runtime.ctx, GUEST)
    await run(stage)
    assert (await ticket_of(stage, request.ticket_id)).status == "closed"
    assert len(users_of(stage, request.number)) == 1
    assert len(emails_of(stage, request.ticket_id)) == 1
    async with stage.runtime.ctx.unit() as uow:
        history = await uow.outbox.job_history(request.ticket_id)
    provision = next(job for job in history if job.kind == "provision")
    assert [t.outcome for t in provision.tries] == ["retry"] * 4 + ["done"]
    assert all("router" in (t.error or "") for t in provision.tries[:4])
    assert alerts_to(stage) == []


async def test_a_lost_add_reply_is_recognised_by_name_and_ticket(stage: LocalStage) -> None:
    stage.router.faults.lose_add_reply = 1
    request = await approved(stage.runtime.ctx, GUEST)
    await run(stage)
    assert stage.router.stats.adds == 1
    [user] = users_of(stage, request.number)
    account = await account_of(stage, request.ticket_id)
    assert user["name"] == account.username
    assert (await ticket_of(stage, request.ticket_id)).status == "closed"


@pytest.fixture
def names(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The user names the bot will pick, in order."""
    queue = ["tamu-aaaaaa", "tamu-bbbbbb", "tamu-cccccc"]
    monkeypatch.setattr("handlers.fulfilment.generate_username", lambda prefix: queue.pop(0))
    yield queue


async def test_a_name_held_by_someone_else_is_left_alone_and_another_picked(
    stage: LocalStage, names: list[str]
) -> None:
    stage.router.add_user(
        "tamu-aaaaaa", "their-secret", profile="tamu", server="hotspot1", comment="Budi, dosen"
    )
    request = await approved(stage.runtime.ctx, GUEST)
    await run(stage)
    theirs = stage.router.find_user("tamu-aaaaaa")
    assert theirs is not None
    assert theirs["comment"] == "Budi, dosen" and theirs["password"] == "their-secret"
    assert theirs["disabled"] == "false"
    [ours] = users_of(stage, request.number)
    assert ours["name"] == "tamu-bbbbbb"
    assert (await account_of(stage, request.ticket_id)).username == "tamu-bbbbbb"
    assert (await ticket_of(stage, request.ticket_id)).status == "closed"


async def test_a_missing_profile_alerts_once_then_a_resend_after_the_fix_works(
    stage: LocalStage,
) -> None:
    settings = stage.runtime.settings
    settings.categories["tamu"].profile = "tamu-baru"
    request = await approved(stage.runtime.ctx, GUEST)
    await run(stage)
    [alert] = alerts_to(stage)
    assert "provision" in alert and request.number in alert and "tamu-baru" in alert
    assert "/kirimulang" in alert
    jobs = await jobs_of(stage, request.ticket_id)
    [provision] = [job for job in jobs if job.kind == "provision"]
    assert provision.status == FAILED and provision.attempts == 1  # no retry storm
    assert stage.router.stats.adds == 0
    # The operator creates the profile and asks again.
    stage.router.add_profile("tamu-baru", shared_users="1")
    await stage.say(ADMIN_ID, f"/kirimulang {request.number}")
    assert "dicoba lagi" in stage.emulator.messages_to(ADMIN_ID)[-1].plain
    await run(stage)
    assert (await ticket_of(stage, request.ticket_id)).status == "closed"
    [user] = users_of(stage, request.number)
    assert user["profile"] == "tamu-baru"
    assert len(alerts_to(stage)) == 1


async def test_a_refused_login_is_permanent_and_alerts_once(stage: LocalStage) -> None:
    stage.router.faults.refuse_login_always = True
    request = await approved(stage.runtime.ctx, GUEST)
    await run(stage)
    [alert] = alerts_to(stage)
    assert "HOTSPOT_ROUTER_PASSWORD" in alert
    assert stage.router.stats.failed_logins == 1
    stage.router.faults.clear()
    await stage.say(ADMIN_ID, f"/kirimulang {request.number}")
    await run(stage)
    assert (await ticket_of(stage, request.ticket_id)).status == "closed"
    assert len(users_of(stage, request.number)) == 1


async def test_the_router_down_for_an_hour_then_every_request_is_made_once(
    tmp_path: Path, sqlite_url: str
) -> None:
    clock = ManualClock(datetime(2026, 12, 7, 2, 0, tzinfo=UTC))
    async with LocalStage(tmp_path, database_url=sqlite_url, clock=clock) as stage:
        users = (GUEST, GUEST + 1, GUEST + 2)
        for user_id in users:
            stage.emulator.add_user(user_id, "Pemohon", str(user_id))
        await stage.router.stop()
        requests = [await approved(stage.runtime.ctx, user_id) for user_id in users]
        await stage.settle()
        for _ in range(60):
            clock.advance(timedelta(minutes=1))
            # Whatever is due at the new time (the claim keeps a scheduled sweep from
            # running a job a second time).
            await stage.runtime.worker.run_due()
        await stage.settle()
        async with stage.runtime.ctx.unit() as uow:
            histories = [await uow.outbox.job_history(r.ticket_id) for r in requests]
        for history in histories:
            provision = next(job for job in history if job.kind == "provision")
            assert provision.status == "pending"
            # Back-off doubles from 5 s to the 5-minute cap: a steady trickle, not a storm.
            assert 10 <= provision.attempts <= 25
            waits = [
                t.next_run_at - t.finished_at
                for t in provision.tries
                if t.next_run_at and t.finished_at
            ]
            assert max(waits) == timedelta(minutes=5)
            assert provision.alerted_at is not None
        # One "still failing" alert per request, after 30 minutes; nothing failed for good.
        stuck = [a for a in alerts_to(stage) if "masih gagal" in a]
        assert len(stuck) == len(requests)
        assert not [a for a in alerts_to(stage) if "Pekerjaan gagal" in a]

        await stage.router.start()  # the router is back (tables kept, like a reboot)
        clock.advance(timedelta(minutes=5))
        await stage.settle()
        for request in requests:
            assert (await ticket_of(stage, request.ticket_id)).status == "closed"
            assert len(users_of(stage, request.number)) == 1
            assert len(emails_of(stage, request.ticket_id)) == 1
        assert stage.router.stats.adds == len(requests)


async def test_profile_devices_uptime_server_and_comment(tmp_path: Path, sqlite_url: str) -> None:
    from provisioning.simulator import RouterSimulator

    stage = LocalStage(
        tmp_path,
        database_url=sqlite_url,
        categories={"tamu": {"profile": "tamu-vip", "server": "hs-tamu", "limit_uptime": "8h"}},
        **QUICK,
    )
    stage.router = RouterSimulator(
        username=stage.router._username,
        password=stage.router._password,
        profiles=("default", "tamu", "mitra", "peserta"),
        servers=("hotspot1", "hs-tamu"),
    )
    async with stage:
        stage.router.add_profile("tamu-vip", shared_users="1", rate_limit="2M/4M")
        stage.emulator.add_user(GUEST, "Siti", "Aminah")
        stage.emulator.add_user(GUEST + 1, "Budi", "Santoso")
        one = await approved(stage.runtime.ctx, GUEST, days=3, devices=1)
        two = await approved(stage.runtime.ctx, GUEST + 1, days=2, devices=3)
        await run(stage)
        [single] = users_of(stage, one.number)
        [triple] = users_of(stage, two.number)
        assert single["profile"] == "tamu-vip"
        assert triple["profile"] == "tamu-vip-3dev"
        derived = next(p for p in stage.router.profiles if p["name"] == "tamu-vip-3dev")
        assert derived["shared-users"] == "3" and derived["rate-limit"] == "2M/4M"
        account = await account_of(stage, one.ticket_id)
        for user in (single, triple):
            assert user["server"] == "hs-tamu"
            assert user["limit-uptime"] == "8h"
            assert user["email"] == "siti@example.org"
        assert single["comment"] == (
            f"{one.number} until {account.valid_until.isoformat()} (Hotspot Desk)"
        )
        assert single["name"].startswith("tamu-") and len(single["name"]) == len("tamu-") + 6
        assert not set(single["password"]) & set("0Oo1lI")
