"""The bot as one application: start-up, settings, logs and the database under strain."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.demo.stage import LocalStage

GUEST = 4001

# A busy database is retried quickly here, so a held lock costs the tests seconds.
QUICK_DATABASE = {"database_busy_seconds": 0.2, "database_retry_seconds": 1.5}


@pytest.fixture
async def stage(tmp_path: Path, sqlite_url: str) -> AsyncIterator[LocalStage]:
    async with LocalStage(tmp_path, database_url=sqlite_url, **QUICK_DATABASE) as running:
        running.emulator.add_user(GUEST, "Siti", "Aminah", username="siti")
        yield running


@pytest.fixture
async def stand_ins(tmp_path: Path) -> AsyncIterator[LocalStage]:
    """The stand-ins of a stage without its in-process bot, for a bot run as a process."""
    stage = LocalStage(tmp_path / "stage")
    stage.workdir.mkdir(parents=True)
    await stage.emulator.start()
    await stage.router.start()
    await stage.mail.start()
    for user_id in (*stage.admin_ids, *stage.head_ids):
        stage.emulator.add_user(user_id, "Staf", str(user_id))
    stage.emulator.add_user(GUEST, "Siti", "Aminah", username="siti")
    try:
        yield stage
    finally:
        await stage.stop()
