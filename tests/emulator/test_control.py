"""The HTTP control endpoints, driven through ``EmulatorClient`` as another process would."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator

import aiohttp
import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.emulator import BotApiEmulator, EmulatorClient
from bot.emulator.client import ControlError
from tests.emulator.conftest import polling

SITI = 2001


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message is not None
    if message.document is not None:
        data = await (await message.document.get_file()).download_as_bytearray()
        await message.reply_text(f"dokumen {message.document.file_name}: {len(data)} byte")
        return
    buttons = InlineKeyboardMarkup([[InlineKeyboardButton("OK", callback_data="ok")]])
    await message.reply_text(f"echo: {message.text}", reply_markup=buttons)


async def acknowledge(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer("siap")


@pytest.fixture
async def control(emu: BotApiEmulator) -> AsyncIterator[EmulatorClient]:
    async with EmulatorClient(emu.control_url) as client:
        yield client


async def test_playing_a_user_over_http(emu: BotApiEmulator, control: EmulatorClient) -> None:
    handlers = (MessageHandler(filters.ALL, echo), CallbackQueryHandler(acknowledge))
    async with polling(emu, *handlers):
        user = await control.add_user(SITI, "Siti", username="siti")
        assert user["language_code"] == "id"
        mark = await control.seq()
        sent = await control.send_text(SITI, "halo")
        assert sent["text"] == "halo" and sent["chat"]["id"] == SITI
        reply = await control.wait_for_message(SITI, since=mark, contains="echo")
        assert reply.plain == "echo: halo"
        assert reply.buttons == [[("OK", "ok")]]

        query_id = await control.press(SITI, reply.message_id, button_text="OK")
        await control.send_document(SITI, "form.pdf", b"%PDF-1.4 formulir", "application/pdf")
        got = await control.wait_for_message(SITI, since=reply.seq, contains="dokumen")
        assert got.plain == "dokumen form.pdf: 17 byte"
        await control.wait_idle(timeout=3)

        answers = await control.callback_answers()
        assert answers[query_id]["text"] == "siap"
        assert [m.plain for m in await control.sent(SITI)] == [
            "echo: halo",
            "dokumen form.pdf: 17 byte",
        ]
        assert [m.plain for m in await control.sent(SITI, since=reply.seq)] == [got.plain]
        calls = await control.calls()
        assert calls["sendMessage"] == 2 and calls["getFile"] == 1


async def test_faults_and_errors_over_http(emu: BotApiEmulator, control: EmulatorClient) -> None:
    await control.add_user(SITI, "Siti")
    await control.fail_next(500, times=1, method="getMe")
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{emu.base_url}{emu.token}/getMe") as first:
            assert first.status == 500
        async with http.get(f"{emu.base_url}{emu.token}/getMe") as second:
            assert second.status == 200
        async with http.post(f"{emu.control_url}/messages", data="not json") as bad:
            assert bad.status == 400
    with pytest.raises(ControlError) as unknown_message:
        await control.press(SITI, 99, "x")
    assert unknown_message.value.status == 404
    with pytest.raises(ControlError) as unknown_user:
        await control.send_text(4040, "siapa?")
    assert unknown_user.value.status == 404
    with pytest.raises(ControlError) as timeout:
        await control.wait_for_message(SITI, timeout=0.05)
    assert timeout.value.status == 408
    await control.block(SITI)
    assert emu.world.blocked == {SITI}
    await control.unblock(SITI)
    assert (await control.health())["bot"]["username"] == "hotspot_desk_bot"


async def test_the_emulator_runs_as_its_own_process() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.emulator",
        "--port",
        "0",
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), 10)).decode()
        root = line.strip().rsplit(" ", 1)[-1]
        assert "TEST-TOKEN" not in line
        async with EmulatorClient(f"{root}/_emulator") as client:
            assert (await client.health())["pending_updates"] == 0
    finally:
        process.terminate()
        assert await asyncio.wait_for(process.wait(), 10) == 0
