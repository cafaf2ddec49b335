"""Side effects survive a router or a mail server that fails for a while."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.demo.stage import ADMIN_ID, HEAD_ID, LocalStage
from tests.e2e.conftest import GUEST
from tests.e2e.flows import latest_ticket, submit


@pytest.fixture
async def quick_stage(tmp_path: Path, sqlite_url: str) -> AsyncIterator[LocalStage]:
    async with LocalStage(
        tmp_path, database_url=sqlite_url, outbox_retry_seconds=0.05, outbox_max_attempts=4
    ) as running:
        running.emulator.add_user(GUEST, "Siti", "Aminah", username="siti")
        yield running


async def test_a_refusing_router_is_retried_and_the_account_made_once(
    quick_stage: LocalStage,
) -> None:
    stage = quick_stage
    await submit(stage, GUEST)
    await stage.tap(ADMIN_ID, "Verifikasi")
    stage.router.faults.refuse_connections = 2
    stage.router.faults.lose_add_reply = 1
    await stage.tap(HEAD_ID, "Setujui")
    await stage.settle()
    assert (await latest_ticket(stage)).status == "closed"
    assert len(stage.router.users) == 1
    assert len(stage.mail.messages) == 1


async def test_a_mail_server_saying_try_later_is_retried(quick_stage: LocalStage) -> None:
    stage = quick_stage
    await submit(stage, GUEST)
    await stage.tap(ADMIN_ID, "Verifikasi")
    stage.mail.faults.fail_next("DATA", 451, "4.3.0 Try again later", times=2)
    await stage.tap(HEAD_ID, "Setujui")
    await stage.settle()
    assert (await latest_ticket(stage)).status == "closed"
    assert len(stage.mail.messages) == 1


async def test_a_permanent_mail_failure_alerts_the_admins(quick_stage: LocalStage) -> None:
    stage = quick_stage
    await submit(stage, GUEST)
    await stage.tap(ADMIN_ID, "Verifikasi")
    stage.mail.faults.fail_next("DATA", 550, "5.1.1 Mailbox unavailable")
    await stage.tap(HEAD_ID, "Setujui")
    await stage.settle()
    ticket = await latest_ticket(stage)
    assert ticket.status == "provisioned"  # the chat copy went out; the email did not
    alert = stage.emulator.messages_to(ADMIN_ID)[-1].plain
    assert "gagal" in alert and ticket.number in alert and "550" in alert


async def test_a_missing_profile_is_permanent_and_alerts(quick_stage: LocalStage) -> None:
    stage = quick_stage
    stage.runtime.settings.categories["tamu"].profile = "no-such-profile"
    await submit(stage, GUEST)
    await stage.tap(ADMIN_ID, "Verifikasi")
    await stage.tap(HEAD_ID, "Setujui")
    await stage.settle()
    assert stage.router.users == []
    assert (await latest_ticket(stage)).status == "approved"
    assert "provision" in stage.emulator.messages_to(ADMIN_ID)[-1].plain
