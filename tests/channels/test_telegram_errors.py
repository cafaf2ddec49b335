"""The Telegram classifier on what python-telegram-bot really raises for Telegram's answers."""

from __future__ import annotations

import pytest
from telegram import Bot
from telegram.error import TelegramError

from bot.channels.messenger import (
    MessengerEditGoneError,
    MessengerPermanentError,
    MessengerRedirectError,
    MessengerTemporaryError,
    MessengerUnknownError,
)
from bot.channels.telegram_errors import Verdict, classify, messenger_error
from bot.emulator import BotApiEmulator
from bot.emulator import errors as tg
from tests.channels.conftest import ALICE, GROUP


async def failure(emu: BotApiEmulator, bot: Bot, status: int, description: str) -> TelegramError:
    emu.fail_next(status, method="sendMessage", description=description)
    with pytest.raises(TelegramError) as caught:
        await bot.send_message(ALICE, "halo")
    return caught.value


@pytest.mark.parametrize(
    ("status", "description", "verdict"),
    [
        (400, tg.NOT_MODIFIED, Verdict.IGNORE),
        (400, tg.QUERY_TOO_OLD, Verdict.IGNORE),
        (400, tg.EDIT_NOT_FOUND, Verdict.SEND_NEW),
        (400, tg.CANT_BE_EDITED, Verdict.SEND_NEW),
        (400, tg.MESSAGE_ID_INVALID, Verdict.SEND_NEW),
        (400, tg.CHAT_NOT_FOUND, Verdict.PERMANENT),
        (403, tg.BLOCKED, Verdict.GONE),
        (403, "Forbidden: user is deactivated", Verdict.GONE),
        (403, "Forbidden: bot was kicked from the group chat", Verdict.PERMANENT),
        (
            400,
            "Bad Request: not enough rights to send text messages to the chat",
            Verdict.PERMANENT,
        ),
        (400, tg.CANT_PARSE_ENTITIES + "Unsupported start tag", Verdict.PERMANENT),
        (400, tg.TEXT_TOO_LONG, Verdict.PERMANENT),
        (400, tg.BUTTON_DATA_INVALID, Verdict.PERMANENT),
        (500, tg.INTERNAL, Verdict.TEMPORARY),
        (502, "Bad Gateway", Verdict.TEMPORARY),
        (400, "Bad Request: PEER_FLOOD_SOMETHING_NEW", Verdict.UNKNOWN),
        (403, "Forbidden: something Telegram says tomorrow", Verdict.UNKNOWN),
    ],
)
async def test_each_known_text_has_its_verdict_whatever_its_case(
    emu: BotApiEmulator, bot: Bot, status: int, description: str, verdict: Verdict
) -> None:
    classified = classify(await failure(emu, bot, status, description))
    assert classified.verdict is verdict
    # Telegram's own words reach logs and alerts (case aside, which the library changes).
    assert classified.words.lower() == description.lower()


async def test_not_modified_is_recognised_as_the_library_spells_it(
    emu: BotApiEmulator, bot: Bot
) -> None:
    error = await failure(emu, bot, 400, tg.NOT_MODIFIED)
    assert str(error).startswith("Message is not modified")  # capitalised by the library
    assert classify(error).verdict is Verdict.IGNORE


async def test_flood_control_is_temporary(emu: BotApiEmulator, bot: Bot) -> None:
    emu.fail_next(429, method="sendMessage", retry_after=3)
    with pytest.raises(TelegramError) as caught:
        await bot.send_message(ALICE, "halo")
    classified = classify(caught.value)
    assert classified.verdict is Verdict.TEMPORARY
    assert classified.words.startswith("Too Many Requests") and "3 seconds" in classified.words


async def test_a_moved_group_is_a_redirect_to_its_new_id(emu: BotApiEmulator, bot: Bot) -> None:
    emu.migrate_group(GROUP, -1004001)
    with pytest.raises(TelegramError) as caught:
        await bot.send_message(GROUP, "halo")
    classified = classify(caught.value)
    assert classified.verdict is Verdict.REDIRECT and classified.new_chat_id == -1004001
    error = messenger_error(classified)
    assert isinstance(error, MessengerRedirectError) and error.new_chat_id == -1004001
    assert "group chat was upgraded to a supergroup chat" in str(error)


def test_each_verdict_has_its_product_error() -> None:
    from bot.channels.telegram_errors import Classified

    cases = {
        Verdict.SEND_NEW: MessengerEditGoneError,
        Verdict.PERMANENT: MessengerPermanentError,
        Verdict.TEMPORARY: MessengerTemporaryError,
        Verdict.UNKNOWN: MessengerUnknownError,
    }
    for verdict, kind in cases.items():
        error = messenger_error(Classified(verdict, "Bad Request: x"))
        assert type(error) is kind and str(error) == "Telegram: Bad Request: x"
