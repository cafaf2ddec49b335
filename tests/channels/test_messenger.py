"""The Telegram messenger through the real python-telegram-bot against the emulator."""

from __future__ import annotations

import html

import pytest

from bot.channels.chat_redirects import ChatRedirects
from bot.channels.messenger import MessengerEditGoneError, MessengerPermanentError
from bot.channels.telegram_messenger import TelegramMessenger
from bot.dialog.events import Button, Reply
from bot.emulator import BotApiEmulator
from bot.emulator import errors as tg
from tests.channels.conftest import ALICE, GROUP, App

PDF = b"%PDF-1.4\n%%EOF\n"


async def test_a_caption_too_long_follows_the_file_whole(emu: BotApiEmulator, app: App) -> None:
    messenger = TelegramMessenger(app)
    caption = "<b>Surat</b> " + html.escape("<nama & berkas> " * 80, quote=False)
    button = Button("Buka", "x:1")
    await messenger.send(ALICE, Reply(caption, ((button,),), document=("surat.pdf", PDF)))
    sent = emu.messages_to(ALICE)
    assert sent[0].kind == "document" and sent[0].plain == ""
    assert sent[-1].plain.startswith("Surat <nama & berkas>")
    assert "".join(m.plain for m in sent[1:]).count("<nama & berkas>") == 80
    assert sent[-1].button_labels == ["Buka"]


async def test_a_caption_that_fits_stays_on_the_file(emu: BotApiEmulator, app: App) -> None:
    messenger = TelegramMessenger(app)
    await messenger.send(ALICE, Reply("<b>Surat</b> &amp; lampiran", document=("s.pdf", PDF)))
    (sent,) = emu.messages_to(ALICE)
    assert sent.kind == "document" and sent.plain == "Surat & lampiran"


async def test_an_edit_that_changes_nothing_is_done(emu: BotApiEmulator, app: App) -> None:
    messenger = TelegramMessenger(app)
    message_id = await messenger.send(ALICE, Reply("Tiket tetap aktif."))
    await messenger.edit(ALICE, message_id, Reply("Tiket tetap aktif."))
    await messenger.edit(ALICE, message_id, Reply("Tiket tetap aktif."))


async def test_an_edit_of_a_message_that_is_gone_says_so(emu: BotApiEmulator, app: App) -> None:
    messenger = TelegramMessenger(app)
    with pytest.raises(MessengerEditGoneError, match="message to edit not found"):
        await messenger.edit(ALICE, 999, Reply("baru"))


async def test_a_blocked_user_is_permanent_with_telegrams_words(
    emu: BotApiEmulator, app: App
) -> None:
    emu.block(ALICE)
    with pytest.raises(MessengerPermanentError, match=tg.BLOCKED):
        await TelegramMessenger(app).send(ALICE, Reply("halo"))


async def test_a_moved_group_is_followed_at_once_and_remembered(
    emu: BotApiEmulator, app: App
) -> None:
    moves: list[tuple[int, int]] = []

    async def record(old: int, new: int) -> None:
        moves.append((old, new))

    redirects = ChatRedirects()
    redirects.on_moved = record
    messenger = TelegramMessenger(app, redirects)
    emu.migrate_group(GROUP, -1004001)
    await messenger.send(GROUP, Reply("kartu 1"))
    await messenger.send(GROUP, Reply("kartu 2"))
    assert [m.plain for m in emu.messages_to(-1004001)] == ["kartu 1", "kartu 2"]
    assert moves == [(GROUP, -1004001)]
    assert messenger.resolve(GROUP) == -1004001
    assert emu.calls["sendMessage"] == 3  # one refused, then straight to the new id


async def test_a_long_edit_keeps_its_first_part_and_sends_the_rest(
    emu: BotApiEmulator, app: App
) -> None:
    messenger = TelegramMessenger(app)
    message_id = await messenger.send(ALICE, Reply("pendek"))
    long = "\n".join(html.escape(f"<baris {n}> & lagi " * 8, quote=False) for n in range(60))
    await messenger.edit(ALICE, message_id, Reply(long, ((Button("OK", "ok"),),)))
    sent = emu.messages_to(ALICE)
    assert len(sent) >= 2 and sent[0].edits
    assert sent[-1].button_labels == ["OK"]
    shown = [line.strip() for line in "\n".join(m.plain for m in sent).split("\n")]
    assert shown == [line.strip() for line in html.unescape(long).split("\n")]
