"""The applicant's side through Telegram: bad input, cancel, status, language, restart."""

from __future__ import annotations

import logging

import pytest

from bot.demo.stage import LocalStage
from bot.redaction import install_redaction
from handlers.filling import answers_of
from tests.e2e.conftest import GUEST
from tests.e2e.flows import GUEST_ANSWERS, fill_form, latest_ticket, texts_to


async def test_start_shows_the_ticket_number_and_the_categories(stage: LocalStage) -> None:
    await stage.say(GUEST, "/start")
    welcome, question = stage.emulator.messages_to(GUEST)[-2:]
    assert "HS-20" in welcome.plain
    assert question.button_labels == [
        "Dosen",
        "Mahasiswa",
        "Tendik",
        "Tamu",
        "Mitra/Vendor",
        "Peserta kegiatan",
        "Lainnya",
    ]


async def test_a_wrong_answer_is_explained_and_the_question_repeated(stage: LocalStage) -> None:
    await stage.say(GUEST, "/start")
    await stage.tap(GUEST, "Tamu")
    await stage.say(GUEST, "R2-D2")
    reason, question = texts_to(stage, GUEST)[-2:]
    assert "Nama hanya boleh" in reason and "Contoh" in reason
    assert question.startswith("1/11")
    ticket = await latest_ticket(stage)
    assert answers_of(ticket) == {} and ticket.cursor == "full_name"


@pytest.mark.parametrize(
    "text",
    ["<b>bold</b> & <script>", "😀" * 50, "x" * 4000, "a" * 600, "   "],
)
async def test_html_emoji_and_huge_texts_never_break_a_reply(stage: LocalStage, text: str) -> None:
    await stage.say(GUEST, "/start")
    await stage.tap(GUEST, "Tamu")
    for answer in GUEST_ANSWERS[:5]:
        await stage.say(GUEST, answer)
    before = len(stage.emulator.messages_to(GUEST))
    await stage.say(GUEST, text)  # the purpose field, 10-500 characters
    replies = stage.emulator.messages_to(GUEST)[before:]
    assert replies, "every message gets an answer"
    ticket = await latest_ticket(stage)
    stored = {a.field: a.value for a in ticket.answers}
    if 10 <= len(text.strip()) <= 500:
        assert stored["purpose"] == " ".join(text.split())
    else:
        assert "purpose" not in stored and ticket.cursor == "purpose"


async def test_user_html_is_shown_escaped_in_the_summary(stage: LocalStage) -> None:
    await stage.say(GUEST, "/start")
    await stage.tap(GUEST, "Tamu")
    for answer in GUEST_ANSWERS[:5]:
        await stage.say(GUEST, answer)
    await stage.say(GUEST, "Seminar <i>AI</i> & jaringan </b>")
    await stage.tap(GUEST, "PTIPD")
    await stage.tap(GUEST, "Hari ini")
    await stage.say(GUEST, "2")
    await stage.tap(GUEST, "1")
    await stage.tap(GUEST, "Lewati")
    summary = stage.emulator.messages_to(GUEST)[-1]
    assert "Seminar <i>AI</i> & jaringan </b>" in summary.plain
    assert "&lt;i&gt;AI&lt;/i&gt; &amp; jaringan &lt;/b&gt;" in summary.text


async def test_stickers_and_locations_get_a_polite_answer(stage: LocalStage) -> None:
    await stage.say(GUEST, "/start")
    await stage.tap(GUEST, "Tamu")
    await stage.emulator.send_sticker(GUEST)
    await stage.settle()
    assert "hanya bisa membaca pesan teks" in texts_to(stage, GUEST)[-1]
    await stage.emulator.send_location(GUEST, -7.95, 112.61)
    await stage.settle()
    assert "hanya bisa membaca pesan teks" in texts_to(stage, GUEST)[-1]
    assert (await latest_ticket(stage)).cursor == "full_name"


async def test_an_old_button_is_stale(stage: LocalStage) -> None:
    await stage.say(GUEST, "/start")
    old = stage.last_with_button(GUEST, "Dosen")
    dosen = next(b.data for row in old.buttons for b in row if b.text == "Dosen")
    await stage.tap(GUEST, "Tamu")
    # A client that kept the old keyboard (or a replayed press) sends it anyway.
    query = await stage.emulator.press(GUEST, old, callback_data=dosen, forge=True)
    await stage.settle()
    assert "tidak berlaku" in (stage.emulator.callback_answers[query].text or "")
    assert (await latest_ticket(stage)).category == "tamu"


async def test_cancel_asks_first_then_cancels(stage: LocalStage) -> None:
    await stage.say(GUEST, "/start")
    await stage.tap(GUEST, "Tamu")
    await stage.say(GUEST, "/batal")
    await stage.tap(GUEST, "Tidak")
    assert (await latest_ticket(stage)).status == "form"
    await stage.say(GUEST, "/batal")
    await stage.tap(GUEST, "Ya, batalkan")
    assert (await latest_ticket(stage)).status == "cancelled"
    await stage.say(GUEST, "/status")
    assert "dibatalkan" in texts_to(stage, GUEST)[-1]


async def test_status_lists_tickets_newest_first(stage: LocalStage) -> None:
    await stage.say(GUEST, "/status")
    assert "belum punya permohonan" in texts_to(stage, GUEST)[-1]
    await stage.say(GUEST, "/start")
    await stage.tap(GUEST, "Dosen")
    await stage.tap(GUEST, "Berhasil")
    await stage.say(GUEST, "/start")
    await stage.tap(GUEST, "Tamu")
    await stage.say(GUEST, "/status")
    status = texts_to(stage, GUEST)[-1]
    assert status.index("HS-2026-000002") < status.index("HS-2026-000001") or status.index(
        "-000002"
    ) < status.index("-000001")
    assert "pengisian formulir" in status and "selesai" in status


async def test_english_on_request_and_remembered(stage: LocalStage) -> None:
    await stage.say(GUEST, "/language")
    await stage.tap(GUEST, "English")
    await stage.say(GUEST, "/start")
    assert "Which category are you?" in texts_to(stage, GUEST)[-1]
    await stage.tap(GUEST, "Guest")
    await stage.say(GUEST, "x")
    assert "The answer must be" in texts_to(stage, GUEST)[-2]


async def test_a_restart_halfway_continues_at_the_same_field(stage: LocalStage) -> None:
    await stage.say(GUEST, "/start")
    await stage.tap(GUEST, "Tamu")
    for answer in GUEST_ANSWERS[:3]:
        await stage.say(GUEST, answer)
    await stage.stop_bot()
    await stage.emulator.send_text(GUEST, "siti@example.org")  # arrives while the bot is down
    await stage.start_bot()
    await stage.settle()
    assert texts_to(stage, GUEST)[-1].startswith("5/11")
    ticket = await latest_ticket(stage)
    assert set(answers_of(ticket)) == {"full_name", "id_number", "institution", "email"}


async def test_a_second_start_continues_instead_of_opening_another(stage: LocalStage) -> None:
    await fill_form(stage, GUEST)
    await stage.say(GUEST, "/start")
    assert "Satu permohonan dalam satu waktu" in texts_to(stage, GUEST)[-1]
    await stage.tap(GUEST, "Lanjutkan")
    assert "Mari lanjutkan" in texts_to(stage, GUEST)[-2]
    assert "Ringkasan" in texts_to(stage, GUEST)[-1]
    runtime = stage.runtime
    async with runtime.db.unit(runtime.clock.now()) as uow:
        assert len(await uow.tickets.all()) == 1


async def test_command_menus_in_both_languages(stage: LocalStage) -> None:
    indonesian = [name for name, _ in stage.emulator.commands_for("default", "")]
    english = [name for name, _ in stage.emulator.commands_for("default", "en")]
    assert indonesian == ["start", "status", "batal", "bahasa", "help"]
    assert english == ["start", "status", "cancel", "language", "help"]


async def test_the_bot_token_never_reaches_a_log_line(
    stage: LocalStage, caplog: pytest.LogCaptureFixture
) -> None:
    token = stage.emulator.token
    install_redaction([token])
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore", "telegram"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    await stage.say(GUEST, "/start")
    await stage.tap(GUEST, "Dosen")
    assert "getUpdates" in caplog.text or "sendMessage" in caplog.text  # the URLs were logged
    assert token not in caplog.text
    assert token.split(":")[1] not in caplog.text
