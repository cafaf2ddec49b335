"""The real bot through the real Telegram path, on the local stand-ins."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.demo.stage import LocalStage

GUEST = 2001
OTHER = 2002


@pytest.fixture
async def stage(tmp_path: Path, sqlite_url: str) -> AsyncIterator[LocalStage]:
    async with LocalStage(tmp_path, database_url=sqlite_url) as running:
        running.emulator.add_user(GUEST, "Siti", "Aminah", username="siti")
        running.emulator.add_user(OTHER, "Eve", "Mallory", username="eve")
        yield running


@pytest.fixture
async def pg_stage(tmp_path: Path, postgres_url: str) -> AsyncIterator[LocalStage]:
    from db.uow import Database
    from tests.conftest import truncate

    database = Database(postgres_url)
    await truncate(database)
    await database.dispose()
    async with LocalStage(tmp_path, database_url=postgres_url) as running:
        running.emulator.add_user(GUEST, "Siti", "Aminah", username="siti")
        yield running
