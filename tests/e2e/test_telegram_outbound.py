"""What the bot sends after a change was saved, through the real Telegram path: a failed
side call never hides the answer, Telegram's texts are read whatever their case, a group that
moved is followed, and a long paste reaches the admins whole."""

from __future__ import annotations

import html
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.demo.stage import ADMIN_ID, HEAD_ID, LocalStage
from bot.emulator import errors as tg
from tests.e2e.conftest import GUEST, OTHER
from tests.e2e.flows import latest_ticket, status_of, submit, texts_to

APOLOGY = "Maaf, terjadi gangguan"
ALERT = "Gangguan pada bot"
GROUP = -4001
SUPERGROUP = -1004001


def no_failure_shown(stage: LocalStage, *chats: int) -> None:
    for chat in chats:
        assert not [t for t in texts_to(stage, chat) if APOLOGY in t], chat
    assert not [t for t in texts_to(stage, ADMIN_ID) if ALERT in t]


async def test_an_expired_button_answer_still_brings_the_next_question(
    stage: LocalStage,
) -> None:
    await stage.say(GUEST, "/start")
    stage.emulator.fail_next(400, method="answerCallbackQuery", description=tg.QUERY_TOO_OLD)
    await stage.tap(GUEST, "Tamu")
    assert "nama lengkap" in texts_to(stage, GUEST)[-1]
    assert (await latest_ticket(stage)).status == "form"
    no_failure_shown(stage, GUEST)


async def test_a_heads_approval_with_an_expired_answer_is_not_told_to_retry(
    stage: LocalStage,
) -> None:
    await submit(stage, GUEST)
    await stage.tap(ADMIN_ID, "Verifikasi")
    ticket = await latest_ticket(stage)
    stage.emulator.fail_next(400, method="answerCallbackQuery", description=tg.QUERY_TOO_OLD)
    await stage.tap(HEAD_ID, "Setujui")
    assert await status_of(stage, ticket.id) in ("approved", "provisioned", "delivered", "closed")
    card = stage.emulator.messages_to(HEAD_ID)[-1]
    assert card.edits and "Setujui" not in card.button_labels
    no_failure_shown(stage, HEAD_ID, GUEST)


async def test_saying_no_twice_to_a_cancel_is_not_an_error(stage: LocalStage) -> None:
    await stage.say(GUEST, "/start")
    await stage.tap(GUEST, "Tamu")
    await stage.say(GUEST, "/batal")
    confirm = stage.last_with_button(GUEST, "Tidak")
    data = next(b.data for row in confirm.buttons for b in row if b.text == "Tidak")
    # A double tap: both presses leave the client before the first answer arrives.
    await stage.emulator.press(GUEST, confirm, callback_data=data)
    await stage.emulator.press(GUEST, confirm, callback_data=data)
    await stage.settle()
    assert any("tetap berjalan" in text for text in texts_to(stage, GUEST))
    assert (await latest_ticket(stage)).status == "form"
    no_failure_shown(stage, GUEST)


async def test_an_edit_of_a_message_that_is_gone_is_sent_as_a_new_one(
    stage: LocalStage,
) -> None:
    await stage.say(GUEST, "/start")
    await stage.tap(GUEST, "Tamu")
    await stage.say(GUEST, "/batal")
    before = len(stage.emulator.messages_to(GUEST))
    stage.emulator.fail_next(400, method="editMessageText", description=tg.EDIT_NOT_FOUND)
    await stage.tap(GUEST, "Tidak")
    new = [m.plain for m in stage.emulator.messages_to(GUEST)[before:]]
    assert any("tetap berjalan" in text for text in new)
    no_failure_shown(stage, GUEST)


async def test_one_failed_reply_does_not_drop_the_others_and_is_told_once(
    stage: LocalStage,
) -> None:
    await stage.say(GUEST, "/start")
    await stage.tap(GUEST, "Tamu")
    await stage.say(GUEST, "/batal")
    unknown = "Bad Request: MESSAGE_EDIT_TIME_EXPIRED_SOMEHOW"
    stage.emulator.fail_next(400, method="editMessageText", description=unknown, times=2)
    await stage.tap(GUEST, "Tidak")
    assert "nama lengkap" in texts_to(stage, GUEST)[-1]  # the next question still came
    await stage.say(GUEST, "/batal")
    await stage.tap(GUEST, "Tidak")
    alerts = [t for t in texts_to(stage, ADMIN_ID) if "message_edit_time_expired_somehow" in t]
    assert len(alerts) == 1 and "Telegram" in alerts[0]
    assert not [t for t in texts_to(stage, GUEST) if APOLOGY in t]


@pytest.fixture
async def group_stage(tmp_path: Path, sqlite_url: str) -> AsyncIterator[LocalStage]:
    async with LocalStage(tmp_path, database_url=sqlite_url, admin_chat_id=GROUP) as running:
        running.emulator.add_user(GUEST, "Siti", "Aminah", username="siti")
        running.emulator.add_user(OTHER, "Eve", "Mallory", username="eve")
        running.emulator.add_group(GROUP, "Admin PTIPD", [ADMIN_ID])
        yield running


async def test_cards_follow_an_admin_group_that_became_a_supergroup(
    group_stage: LocalStage,
) -> None:
    stage = group_stage
    stage.emulator.migrate_group(GROUP, SUPERGROUP)
    await submit(stage, GUEST)
    assert stage.last_with_button(SUPERGROUP, "Verifikasi")
    setting = f"HOTSPOT_ADMIN_CHAT_ID={SUPERGROUP}"
    for chat in (ADMIN_ID, SUPERGROUP):
        assert sum(setting in text for text in texts_to(stage, chat)) == 1
    runtime = stage.runtime
    async with runtime.db.unit(runtime.clock.now()) as uow:
        assert await uow.chat_redirects.all() == {GROUP: SUPERGROUP}

    # After a restart the move is known before anything is sent.
    await stage.stop_bot()
    await stage.start_bot()
    refused = stage.emulator.calls["sendMessage"]
    await submit(stage, OTHER)
    assert len([m for m in stage.emulator.messages_to(SUPERGROUP) if m.button_labels]) >= 2
    assert stage.emulator.calls["sendMessage"] > refused
    for chat in (ADMIN_ID, SUPERGROUP):
        assert sum(setting in text for text in texts_to(stage, chat)) == 1
    # An admin acts on the card in the new group.
    await stage.tap(ADMIN_ID, "Verifikasi", chat_id=SUPERGROUP)
    assert (await latest_ticket(stage)).status == "verified"


async def test_a_long_paste_rich_in_markup_reaches_the_admins_whole(stage: LocalStage) -> None:
    await stage.say(GUEST, "/start")
    await stage.tap(GUEST, "Tendik")
    await stage.tap(GUEST, "Masih gagal")
    paste = ("Aplikasi bilang <NIP tidak ditemukan> & kode <E-42> && x<y>z; " * 48).strip()
    assert 2900 <= len(paste) <= 3100 and len(html.escape(paste, quote=False)) > 4096
    await stage.say(GUEST, paste)
    # Whole, in one message: visibly it is well under Telegram's 4,096.
    assert any(paste in m.plain for m in stage.emulator.messages_to(ADMIN_ID))
    assert not [t for t in texts_to(stage, ADMIN_ID) if "relay" in t]


async def test_a_reply_that_hits_a_passing_server_error_is_sent_again(stage: LocalStage) -> None:
    for user in (OTHER, GUEST):
        await stage.say(user, "/start")
    await stage.tap(OTHER, "Tamu")
    stage.emulator.fail_next(502, method="sendMessage")
    await stage.tap(GUEST, "Tamu")
    # The same replies as an applicant whose press met no error, none lost.
    assert len(texts_to(stage, GUEST)) == len(texts_to(stage, OTHER))
    assert "nama lengkap" in texts_to(stage, GUEST)[-1]
    no_failure_shown(stage, GUEST)
