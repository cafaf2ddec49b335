"""Users edit their own messages, as in Telegram: `edited_message` for the real client."""

from __future__ import annotations

import pytest
from telegram import Bot

from bot.emulator import BotApiEmulator
from tests.emulator.conftest import ALICE, BUDI


async def test_an_edit_reaches_the_bot_as_edited_message(emu: BotApiEmulator, bot: Bot) -> None:
    sent = await emu.send_text(ALICE, "siti@gmial.com")
    edited = await emu.edit_text(sent, "siti@gmail.com")
    first, second = await bot.get_updates()
    assert first.message is not None and first.message.text == "siti@gmial.com"
    assert second.edited_message is not None and second.message is None
    assert second.edited_message.message_id == sent.message_id
    assert second.edited_message.text == "siti@gmail.com"
    assert second.edited_message.edit_date is not None
    assert second.edited_message.entities[0].type == "email"
    assert edited.update_id == second.update_id


async def test_a_caption_edit_and_an_edit_that_changes_nothing(
    emu: BotApiEmulator, bot: Bot
) -> None:
    document = await emu.send_document(ALICE, "surat.pdf", b"%PDF-1.4", "application/pdf")
    await emu.edit_caption(document, "surat tugas")
    same = await emu.edit_text(await emu.send_text(ALICE, "sama"), "sama")
    assert same.update_id is None
    updates = await bot.get_updates()
    edited = updates[1].edited_message
    assert edited is not None and edited.caption == "surat tugas" and edited.document is not None
    assert len(updates) == 3


async def test_only_the_author_edits_and_only_when_the_bot_asked_for_edits(
    emu: BotApiEmulator, bot: Bot
) -> None:
    sent = await emu.send_text(ALICE, "halo")
    with pytest.raises(PermissionError):
        emu._users.edit_text(type(sent)(sent.chat_id, sent.message_id, BUDI, None, {}), "x")
    await bot.get_updates(allowed_updates=["message", "callback_query"])
    dropped = await emu.edit_text(sent, "halo lagi")
    assert dropped.update_id is None
