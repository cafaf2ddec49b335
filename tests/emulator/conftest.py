"""Fixtures: a started emulator, a plain ``telegram.Bot`` on it, and a polling Application."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from telegram.ext import Application, BaseHandler

from bot.emulator import BotApiEmulator
from tests.harness.emulator import bot as bot
from tests.harness.emulator import started_emulator

ALICE = 1001
BUDI = 1002


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    async with started_emulator() as emulator:
        emulator.add_user(ALICE, "Alice", username="alice")
        emulator.add_user(BUDI, "Budi", "Santoso", language_code="en")
        yield emulator


def build_app(
    emu: BotApiEmulator, *handlers: BaseHandler[Any, Any, Any]
) -> Application[Any, Any, Any, Any, Any, Any]:
    app = (
        Application.builder()
        .token(emu.token)
        .base_url(emu.base_url)
        .base_file_url(emu.base_file_url)
        .build()
    )
    for handler in handlers:
        app.add_handler(handler)
    return app


@asynccontextmanager
async def polling(
    emu: BotApiEmulator, *handlers: BaseHandler[Any, Any, Any]
) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    """A real Application polling the emulator, stopped cleanly on exit."""
    app = build_app(emu, *handlers)
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()
