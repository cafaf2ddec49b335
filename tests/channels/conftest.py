"""A started emulator and a real python-telegram-bot `Bot` on it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram.ext import Application, ApplicationBuilder

from bot.emulator import BotApiEmulator
from tests.harness.emulator import bot as bot
from tests.harness.emulator import started_emulator

App = Application[Any, Any, Any, Any, Any, Any]
ALICE = 1001
GROUP = -4001


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    async with started_emulator() as emulator:
        emulator.add_user(ALICE, "Alice", username="alice")
        emulator.add_group(GROUP, "Admin PTIPD", [ALICE])
        yield emulator


@pytest.fixture
async def app(emu: BotApiEmulator) -> AsyncIterator[App]:
    application = (
        ApplicationBuilder()
        .token(emu.token)
        .base_url(emu.base_url)
        .base_file_url(emu.base_file_url)
        .build()
    )
    async with application:
        yield application
