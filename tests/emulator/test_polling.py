"""Updates: getUpdates offsets and long polling, and users played through a real Application."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import aiohttp
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import Conflict
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from bot.emulator import BotApiEmulator
from tests.emulator.conftest import ALICE, BUDI, polling

GROUP = -100555


async def test_offset_confirms_and_forgets(emu: BotApiEmulator, bot: Bot) -> None:
    for text in ("satu", "dua", "tiga"):
        await emu.send_text(ALICE, text)
    first = await bot.get_updates()
    assert [u.message.text for u in first if u.message] == ["satu", "dua", "tiga"]
    again = await bot.get_updates(limit=2)  # nothing was confirmed yet
    assert [u.update_id for u in again] == [u.update_id for u in first[:2]]
    rest = await bot.get_updates(offset=first[1].update_id)
    assert [u.update_id for u in rest] == [first[1].update_id, first[2].update_id]
    assert emu.pending_updates == 2  # the first one is confirmed and gone
    await emu.send_text(ALICE, "empat")
    last = await bot.get_updates(offset=-1)  # counts from the end, forgets the rest
    assert [u.message.text for u in last if u.message] == ["empat"]
    assert emu.pending_updates == 1
    assert await bot.get_updates(offset=last[0].update_id + 1) == ()
    assert emu.pending_updates == 0


async def test_long_poll_wakes_up_on_a_new_update(emu: BotApiEmulator, bot: Bot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.05)
    await emu.send_text(ALICE, "halo")
    updates = await asyncio.wait_for(poll, 1)
    assert updates[0].message is not None and updates[0].message.text == "halo"


async def test_a_second_long_poll_terminates_the_first(emu: BotApiEmulator, bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.05)
    # A second bot process with the same token, as when a replica is started twice.
    async with Bot(emu.token, base_url=emu.base_url) as twin:
        second = asyncio.create_task(twin.get_updates(timeout=timedelta(seconds=0.3)))
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await asyncio.wait_for(first, 1)
        assert await second == ()


async def test_allowed_updates_filter_updates_created_later(emu: BotApiEmulator, bot: Bot) -> None:
    await emu.send_text(ALICE, "before")
    await bot.get_updates(allowed_updates=["callback_query"])
    await emu.send_text(ALICE, "after")  # dropped: only callback queries are wanted now
    updates = await bot.get_updates()
    assert [u.message.text for u in updates if u.message] == ["before"]
    await bot.get_updates(offset=updates[-1].update_id + 1, allowed_updates=[])
    await emu.send_text(ALICE, "default again")
    assert len(await bot.get_updates()) == 1


async def test_message_reaches_a_handler_and_the_reply_is_recorded(emu: BotApiEmulator) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None and update.effective_user is not None
        await update.effective_message.reply_html(
            f"Halo <b>{update.effective_user.first_name}</b>! Args: {context.args}"
        )

    async with polling(emu, CommandHandler("start", start)):
        await emu.send_text(ALICE, "/start@hotspot_desk_bot tiket")
        reply = await emu.wait_for_message(ALICE)
        await emu.wait_idle(timeout=3)
    assert reply.plain == "Halo Alice! Args: ['tiket']"
    assert reply.parse_mode == "HTML"
    assert emu.pending_updates == 0


async def test_unconfirmed_updates_come_back_confirmed_ones_do_not(
    emu: BotApiEmulator, bot: Bot
) -> None:
    seen: list[str] = []

    async def record(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        seen.append(update.effective_message.text or "")

    await emu.send_text(ALICE, "fetched before a crash")
    assert len(await bot.get_updates()) == 1  # fetched but never confirmed
    handler = MessageHandler(filters.TEXT, record)
    async with polling(emu, handler):
        await emu.send_text(ALICE, "second")
        await emu.wait_idle(timeout=3)
    assert seen == ["fetched before a crash", "second"]
    async with polling(emu, handler):
        await emu.wait_idle(timeout=3)
    assert seen == ["fetched before a crash", "second"]  # the restart redelivered nothing


async def test_button_press_reaches_the_callback_handler(emu: BotApiEmulator) -> None:
    async def menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        buttons = [[InlineKeyboardButton("Mahasiswa", callback_data="cat:student")]]
        await update.effective_message.reply_text(
            "Kategori?", reply_markup=InlineKeyboardMarkup(buttons)
        )

    async def chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.message is not None
        await query.answer("Dipilih")
        await query.edit_message_text(f"Anda memilih {query.data}")

    handlers = (CommandHandler("start", menu), CallbackQueryHandler(chosen))
    async with polling(emu, *handlers):
        await emu.send_text(BUDI, "/start")
        question = await emu.wait_for_message(BUDI)
        query_id = await emu.press(BUDI, question, button_text="Mahasiswa")
        edited = await emu.wait_for_message(BUDI, since=question.seq)
        await emu.wait_idle(timeout=3)
    assert edited.message_id == question.message_id
    assert edited.plain == "Anda memilih cat:student"
    assert edited.buttons == []
    assert emu.callback_answers[query_id].text == "Dipilih"
    assert emu.calls["answerCallbackQuery"] == 1


async def test_presses_must_hit_a_real_button_unless_forged(emu: BotApiEmulator, bot: Bot) -> None:
    buttons = InlineKeyboardMarkup([[InlineKeyboardButton("Ya", callback_data="yes")]])
    await bot.send_message(ALICE, "Lanjut?", reply_markup=buttons)
    message = emu.last_message_to(ALICE)
    with pytest.raises(LookupError):
        await emu.press(ALICE, message, "approve:all")
    with pytest.raises(PermissionError):
        await emu.press(BUDI, message.message_id, "yes", chat_id=ALICE)
    await emu.press(ALICE, message)  # the only button
    await emu.press(ALICE, message.message_id, "approve:all", forge=True)
    with pytest.raises(ValueError, match="64 bytes"):
        await emu.press(ALICE, message, "x" * 65, forge=True)
    updates = await bot.get_updates()
    assert [u.callback_query.data for u in updates if u.callback_query] == ["yes", "approve:all"]


async def test_wait_idle_needs_confirmed_updates(emu: BotApiEmulator) -> None:
    await emu.wait_idle(timeout=1)  # nothing pending
    await emu.send_text(ALICE, "nobody polls")
    with pytest.raises(TimeoutError, match="1 update"):
        await emu.wait_idle(timeout=0.1)


async def test_group_privacy_mode(emu: BotApiEmulator, bot: Bot) -> None:
    emu.add_group(GROUP, "Admin Helpdesk", [ALICE, BUDI])
    chatter = await emu.send_text(ALICE, "halo semua", chat_id=GROUP)
    command = await emu.send_text(ALICE, "/digest@hotspot_desk_bot", chat_id=GROUP)
    other = await emu.send_text(ALICE, "/start@some_other_bot", chat_id=GROUP)
    mention = await emu.send_text(BUDI, "@hotspot_desk_bot tolong", chat_id=GROUP)
    assert chatter.update_id is None and other.update_id is None
    updates = await bot.get_updates()
    assert [u.update_id for u in updates] == [command.update_id, mention.update_id]
    assert updates[0].effective_chat is not None
    assert updates[0].effective_chat.type == "supergroup"
    emu.add_user(1003, "Outsider")
    with pytest.raises(PermissionError):
        await emu.send_text(1003, "let me in", chat_id=GROUP)


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_user_media_parse_in_python_telegram_bot(emu: BotApiEmulator, bot: Bot) -> None:
    await emu.send_photo(ALICE, b"\xff\xd8 jpeg", caption="KTM saya")
    await emu.send_sticker(ALICE, "🙏")
    await emu.send_voice(ALICE, duration=3)
    await emu.send_location(ALICE, -7.95, 112.61)
    await emu.send_contact(ALICE, "+6281234567890", "Alice", contact_user_id=ALICE)
    await emu.send_forwarded(ALICE, "pesan lama", from_user_id=BUDI)
    await emu.send_forwarded(ALICE, "pesan rahasia", sender_name="Anon")
    message = await emu.send_text(ALICE, "email saya alice@uin-malang.ac.id")
    await emu.edit_text(message, "email saya alice@student.uin-malang.ac.id")
    updates = await bot.get_updates()
    messages = [u.message or u.edited_message for u in updates]
    assert all(m is not None for m in messages)
    photo, sticker, voice, location, contact, fwd, hidden, text, edit = messages
    assert photo is not None and photo.caption == "KTM saya" and photo.photo
    assert sticker is not None and sticker.sticker is not None and sticker.sticker.emoji == "🙏"
    assert voice is not None and voice.voice is not None and voice.voice.duration == 3
    assert location is not None and location.location is not None
    assert contact is not None and contact.contact is not None
    assert contact.contact.phone_number == "+6281234567890"
    assert fwd is not None and fwd.forward_origin is not None
    assert fwd.forward_origin.type == "user"
    assert hidden is not None and hidden.forward_origin is not None
    assert hidden.forward_origin.type == "hidden_user"
    assert text is not None and text.entities[0].type == "email"
    assert edit is not None and updates[-1].edited_message is not None


async def test_blocking_is_reported_as_my_chat_member(emu: BotApiEmulator, bot: Bot) -> None:
    emu.block(ALICE)
    updates = await bot.get_updates()
    member = updates[0].my_chat_member
    assert member is not None
    assert (member.old_chat_member.status, member.new_chat_member.status) == ("member", "kicked")


async def test_a_client_that_hangs_up_leaves_no_long_poll(emu: BotApiEmulator) -> None:
    url = f"{emu.base_url}{emu.token}/getUpdates"
    async with aiohttp.ClientSession() as http:
        request = asyncio.create_task(http.post(url, data={"timeout": "5"}))
        await asyncio.sleep(0.05)
        assert emu.queue.polling
        request.cancel()  # as when the bot process is killed mid-poll
        with pytest.raises(asyncio.CancelledError):
            await request
    for _ in range(50):
        if not emu.queue.polling:
            break
        await asyncio.sleep(0.01)
    assert not emu.queue.polling
    await emu.send_text(ALICE, "still queued for the next bot")
    assert emu.pending_updates == 1
