"""Bot API methods through the real python-telegram-bot ``Bot``: results and Telegram's errors."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    ReplyParameters,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, NetworkError, TimedOut
from telegram.ext import AIORateLimiter, ExtBot

from bot.emulator import BotApiEmulator
from tests.emulator.conftest import ALICE, BUDI


def as_ptb_reports(description: str) -> str:
    """PTB drops the "Bad Request: " prefix and str.capitalize()s what is left."""
    return description.removeprefix("Bad Request: ").capitalize()


def keyboard(*rows: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data) for text, data in row] for row in rows]
    )


async def test_get_me_describes_the_bot(bot: Bot) -> None:
    me = await bot.get_me()
    assert me.is_bot
    assert me.id == 123456789
    assert me.username == "hotspot_desk_bot"


async def test_wrong_token_is_unauthorized(emu: BotApiEmulator) -> None:
    wrong = Bot("123456789:WRONG", base_url=emu.base_url)
    with pytest.raises(InvalidToken, match="Unauthorized"):
        await wrong.get_me()


async def test_raw_error_bodies(emu: BotApiEmulator) -> None:
    base = f"{emu.base_url}{emu.token}"
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{base}/sendTelepathy") as response:
            assert response.status == 404
            assert await response.json() == {
                "ok": False,
                "error_code": 404,
                "description": "Not Found: method not found",
            }
        form = {"chat_id": str(ALICE), "text": "x" * 4097}
        async with http.post(f"{base}/sendMessage", data=form) as response:
            assert response.status == 400
            assert await response.json() == {
                "ok": False,
                "error_code": 400,
                "description": "Bad Request: message is too long",
            }
        # Telegram also takes JSON bodies and method names in any case.
        async with http.post(f"{base}/SENDMESSAGE", json={"chat_id": ALICE, "text": "hi"}) as ok:
            assert (await ok.json())["result"]["text"] == "hi"


async def test_send_message_is_recorded(emu: BotApiEmulator, bot: Bot) -> None:
    first = await bot.send_message(
        ALICE,
        "<b>Tiket</b> HS-2026-000123 &lt;baru&gt;",
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard([("Ya", "t:1:yes"), ("Tidak", "t:1:no")]),
        disable_web_page_preview=True,
    )
    second = await bot.send_message(ALICE, "kedua", reply_parameters=ReplyParameters(first.id))
    assert first.text == "Tiket HS-2026-000123 <baru>"
    assert first.entities[0].type == "bold"
    assert first.from_user is not None and first.from_user.is_bot
    assert second.message_id == first.message_id + 1
    assert second.reply_to_message is not None
    assert second.reply_to_message.message_id == first.message_id

    record = emu.messages_to(ALICE)[0]
    assert record.text == "<b>Tiket</b> HS-2026-000123 &lt;baru&gt;"
    assert record.plain == "Tiket HS-2026-000123 <baru>"
    assert record.parse_mode == "HTML"
    assert record.buttons == [[("Ya", "t:1:yes"), ("Tidak", "t:1:no")]]
    assert record.link_preview_disabled
    assert emu.messages_to(ALICE)[1].reply_to_message_id == first.message_id
    assert emu.calls["sendMessage"] == 2


@pytest.mark.parametrize(
    ("text", "description"),
    [
        ("", "Bad Request: message text is empty"),
        ("<b> </b>", "Bad Request: message text is empty"),
        ("x" * 4097, "Bad Request: message is too long"),
        (
            "<blink>x</blink>",
            'can\'t parse entities: Unsupported start tag "blink" at byte offset 0',
        ),
        ("<b>open", "can't parse entities: Can't find end tag corresponding to start tag \"b\""),
        ("1 < 2", 'can\'t parse entities: Unsupported start tag "" at byte offset 2'),
        ("Q&A", 'can\'t parse entities: Character "&" must be escaped as "&amp;" at byte offset 1'),
    ],
)
async def test_text_limits(bot: Bot, text: str, description: str) -> None:
    with pytest.raises(BadRequest) as caught:
        await bot.send_message(ALICE, text, parse_mode=ParseMode.HTML)
    assert caught.value.message == as_ptb_reports(description)


async def test_length_is_counted_after_entity_parsing(emu: BotApiEmulator, bot: Bot) -> None:
    text = "<b>" + "x" * 4096 + "</b>"
    message = await bot.send_message(ALICE, text, parse_mode=ParseMode.HTML)
    assert len(message.text or "") == 4096


async def test_callback_data_is_limited_to_64_bytes(bot: Bot) -> None:
    await bot.send_message(ALICE, "ok", reply_markup=keyboard([("a", "é" * 32)]))
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(ALICE, "x", reply_markup=keyboard([("a", "é" * 32 + "!")]))


async def test_unknown_chat_and_blocked_user(emu: BotApiEmulator, bot: Bot) -> None:
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(999, "hello")
    emu.block(BUDI)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(BUDI, "hello")
    with pytest.raises(Forbidden):
        await bot.send_chat_action(BUDI, "typing")
    await emu.send_text(BUDI, "/start")  # writing again unblocks, as in Telegram
    await bot.send_message(BUDI, "welcome back")


async def test_edits_are_checked_and_kept(emu: BotApiEmulator, bot: Bot) -> None:
    sent = await bot.send_message(ALICE, "Menunggu", reply_markup=keyboard([("Setujui", "a:1")]))
    with pytest.raises(BadRequest, match="Message is not modified: specified new message"):
        await bot.edit_message_text(
            "Menunggu", ALICE, sent.message_id, reply_markup=keyboard([("Setujui", "a:1")])
        )
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", ALICE, 999)
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.edit_message_text("x", 4242, sent.message_id)

    # Without reply_markup an edit removes the keyboard, so this one is a change.
    edited = await bot.edit_message_text("Menunggu", ALICE, sent.message_id)
    assert isinstance(edited, type(sent)) and edited.reply_markup is None
    await bot.edit_message_text("<i>Disetujui</i>", ALICE, sent.message_id, parse_mode="HTML")
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_reply_markup(ALICE, sent.message_id)

    record = emu.messages_to(ALICE)[0]
    assert record.plain == "Disetujui"
    assert [version.plain for version in record.edits] == ["Menunggu", "Menunggu"]
    assert record.edits[0].buttons == [[("Setujui", "a:1")]]
    assert record.buttons == []


async def test_wait_for_message_sees_edits(emu: BotApiEmulator, bot: Bot) -> None:
    mark = emu.seq
    sent = await bot.send_message(ALICE, "satu")
    await bot.edit_message_text("dua", ALICE, sent.message_id)
    first = await emu.wait_for_message(ALICE, since=mark)
    second = await emu.wait_for_message(ALICE, since=first.seq)
    assert (first.plain, second.plain) == ("satu", "dua")
    assert not first.edited and second.edited
    with pytest.raises(TimeoutError):
        await emu.wait_for_message(ALICE, timeout=0.05)


async def test_callback_query_is_answerable_once(emu: BotApiEmulator, bot: Bot) -> None:
    sent = await bot.send_message(ALICE, "Pilih", reply_markup=keyboard([("Ya", "yes")]))
    record = emu.messages_to(ALICE)[-1]
    query_id = await emu.press(ALICE, record, "yes")
    assert sent.message_id == record.message_id
    assert await bot.answer_callback_query(query_id, "Tercatat", show_alert=True)
    answer = emu.callback_answers[query_id]
    assert (answer.text, answer.show_alert) == ("Tercatat", True)
    for bad_id in (query_id, "nope"):
        with pytest.raises(BadRequest, match="Query is too old and response timeout expired"):
            await bot.answer_callback_query(bad_id)


async def test_commands_by_scope_and_language(emu: BotApiEmulator, bot: Bot) -> None:
    await bot.set_my_commands([BotCommand("start", "Mulai"), BotCommand("status", "Status")])
    await bot.set_my_commands([BotCommand("start", "Start")], language_code="en")
    await bot.set_my_commands(
        [BotCommand("approve", "Setujui")], scope=BotCommandScopeChat(BUDI), language_code="id"
    )
    assert [c.command for c in await bot.get_my_commands()] == ["start", "status"]
    assert [c.description for c in await bot.get_my_commands(language_code="en")] == ["Start"]
    assert await bot.get_my_commands(scope=BotCommandScopeAllPrivateChats()) == ()
    assert emu.commands_for("chat", "id", chat_id=BUDI) == [("approve", "Setujui")]
    assert emu.commands[('{"type":"default"}', "en")] == [("start", "Start")]
    await bot.delete_my_commands(language_code="en")
    assert emu.commands_for(language_code="en") == []
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand("Bad-Command", "x")])


async def test_send_document_by_upload_and_by_file_id(emu: BotApiEmulator, bot: Bot) -> None:
    content = b"%PDF-1.4 akun hotspot"
    message = await bot.send_document(
        ALICE,
        InputFile(content, filename="akun.pdf"),
        caption="<b>Akun</b> Anda",
        parse_mode="HTML",
    )
    assert message.document is not None
    assert message.document.file_name == "akun.pdf"
    assert message.document.mime_type == "application/pdf"
    assert message.caption == "Akun Anda"
    again = await bot.send_document(BUDI, message.document.file_id)
    assert again.document is not None and again.document.file_id == message.document.file_id

    record = emu.messages_to(ALICE)[0]
    assert record.kind == "document" and record.plain == "Akun Anda"
    assert record.document is not None
    assert (record.document.filename, record.document.content) == ("akun.pdf", content)
    with pytest.raises(BadRequest, match="Wrong file identifier/http url specified"):
        await bot.send_document(ALICE, "no-such-file-id")
    with pytest.raises(BadRequest, match="Message caption is too long"):
        await bot.send_document(ALICE, InputFile(b"x", filename="a.txt"), caption="c" * 1025)


async def test_send_photo(emu: BotApiEmulator, bot: Bot) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x08" + b"\x00" * 16
    message = await bot.send_photo(ALICE, InputFile(png, filename="qr.png"))
    assert (message.photo[-1].width, message.photo[-1].height) == (16, 8)
    assert emu.messages_to(ALICE)[0].kind == "photo"


async def test_user_document_is_downloadable(emu: BotApiEmulator, bot: Bot) -> None:
    inbound = await emu.send_document(ALICE, "ktp.jpg", b"\xff\xd8 fake jpeg", "image/jpeg")
    file_id = inbound.payload["document"]["file_id"]
    tg_file = await bot.get_file(file_id)
    assert tg_file.file_path is not None and tg_file.file_path.startswith(emu.base_file_url)
    assert bytes(await tg_file.download_as_bytearray()) == b"\xff\xd8 fake jpeg"
    with pytest.raises(BadRequest, match="Invalid file_id"):
        await bot.get_file("missing")


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_429_is_retried_by_the_aio_rate_limiter(emu: BotApiEmulator) -> None:
    emu.fail_next(429, times=1, retry_after=1, method="sendMessage")
    limited = ExtBot(emu.token, base_url=emu.base_url, rate_limiter=AIORateLimiter(max_retries=3))
    async with limited:
        message = await limited.send_message(ALICE, "tetap terkirim")
    assert message.text == "tetap terkirim"
    assert emu.calls["sendMessage"] == 2
    assert len(emu.messages_to(ALICE)) == 1


async def test_server_errors_and_delays(emu: BotApiEmulator, bot: Bot) -> None:
    emu.fail_next(500, times=2)
    for _ in range(2):
        with pytest.raises(NetworkError, match="Internal Server Error"):
            await bot.send_message(ALICE, "x")
    emu.delay(0.15, method="sendMessage")
    loop = asyncio.get_running_loop()
    started = loop.time()
    await bot.send_message(ALICE, "pelan")
    assert loop.time() - started >= 0.15
    emu.clear_faults()
    assert [m.plain for m in emu.messages_to(ALICE)] == ["pelan"]


async def test_a_late_answer_times_out_after_the_message_went_out(
    emu: BotApiEmulator,
) -> None:
    emu.delay(0.3, method="sendMessage", after=True)
    async with Bot(emu.token, base_url=emu.base_url) as impatient:
        with pytest.raises(TimedOut):
            await impatient.send_message(ALICE, "terkirim?", read_timeout=0.1)
    assert [m.plain for m in emu.messages_to(ALICE)] == ["terkirim?"]


async def test_webhook_is_recorded_and_blocks_polling(emu: BotApiEmulator, bot: Bot) -> None:
    await emu.send_text(ALICE, "queued")
    assert await bot.set_webhook("https://desk.example.ac.id/hook", secret_token="s3cret")
    assert emu.webhook is not None and emu.webhook["secret_token"] == "s3cret"
    assert (await bot.get_webhook_info()).url == "https://desk.example.ac.id/hook"
    with pytest.raises(Conflict, match="can't use getUpdates method while webhook is active"):
        await bot.get_updates()
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert emu.webhook is None and emu.pending_updates == 0
    assert await bot.get_updates() == ()


async def test_get_chat_and_chat_action(bot: Bot) -> None:
    chat = await bot.get_chat(BUDI)
    assert (chat.first_name, chat.last_name, chat.type) == ("Budi", "Santoso", "private")
    assert await bot.send_chat_action(ALICE, "typing")
    with pytest.raises(BadRequest, match="Wrong parameter action in request"):
        await bot.send_chat_action(ALICE, "dancing")
