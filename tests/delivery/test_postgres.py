"""The same delivery on PostgreSQL (row locks, asyncpg), with a router and a mail fault."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.demo.stage import LocalStage
from db.uow import Database
from tests.conftest import truncate
from tests.delivery.conftest import GUEST, QUICK
from tests.delivery.support import account_of, approved, emails_of, run, ticket_of, users_of


@pytest.mark.postgres
async def test_delivery_on_postgresql(tmp_path: Path, postgres_url: str) -> None:
    database = Database(postgres_url)
    await truncate(database)
    await database.dispose()
    async with LocalStage(tmp_path, database_url=postgres_url, **QUICK) as stage:
        stage.emulator.add_user(GUEST, "Siti", "Aminah")
        stage.router.faults.lose_add_reply = 1
        stage.mail.faults.fail_next("DATA", 451, "4.3.0 Try again later")
        request = await approved(stage.runtime.ctx, GUEST, devices=2)
        await run(stage)
        assert (await ticket_of(stage, request.ticket_id)).status == "closed"
        [user] = users_of(stage, request.number)
        assert user["profile"] == "tamu-2dev"
        assert len(emails_of(stage, request.ticket_id)) == 1
        assert (await account_of(stage, request.ticket_id)).password is None
