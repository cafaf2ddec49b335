"""A started Bot API emulator for a test, stopped afterwards whatever the test did, and a
`bot` fixture on it (a conftest imports it next to its own `emu` fixture)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from telegram import Bot

from bot.emulator import BotApiEmulator


@asynccontextmanager
async def started_emulator() -> AsyncIterator[BotApiEmulator]:
    """An emulator listening on a free local port, with no users or chats yet (the folder's
    fixture adds its own); stopped on exit, also when the test failed."""
    emulator = BotApiEmulator()
    await emulator.start()
    try:
        yield emulator
    finally:
        await emulator.stop()


@pytest.fixture
async def bot(emu: BotApiEmulator) -> AsyncIterator[Bot]:
    """A real python-telegram-bot `Bot` on the folder's `emu` fixture, initialised and shut
    down around the test."""
    async with Bot(emu.token, base_url=emu.base_url, base_file_url=emu.base_file_url) as tg:
        yield tg
