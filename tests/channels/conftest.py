"""A started emulator and a real python-telegram-bot `Bot` on it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram import Bot
from telegram.ext import Application, ApplicationBuilder

from bot.emulator import BotApiEmulator

App = Application[Any, Any, Any, Any, Any, Any]
ALICE = 1001
GROUP = -4001


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    emulator = BotApiEmulator()
    await emulator.start()
    emulator.add_user(ALICE, "Alice", username="alice")
    emulator.add_group(GROUP, "Admin PTIPD", [ALICE])
    try:
        yield emulator
    finally:
        await emulator.stop()


@pytest.fixture
async def bot(emu: BotApiEmulator) -> AsyncIterator[Bot]:
    async with Bot(emu.token, base_url=emu.base_url, base_file_url=emu.base_file_url) as tg:
        yield tg


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
