"""Issue 8 through the real Telegram path: digits of other scripts, values typed back as the
bot showed them, and messages the applicant edits."""

from __future__ import annotations

from bot.demo.stage import ADMIN_ID, LocalStage
from bot.emulator.records import InboundMessage
from handlers.filling import answers_of
from tests.e2e.conftest import GUEST
from tests.e2e.flows import GUEST_ANSWERS, fill_form, latest_ticket, submit, texts_to


async def say(stage: LocalStage, text: str) -> InboundMessage:
    sent = await stage.emulator.send_text(GUEST, text)
    await stage.settle()
    return sent


async def edit(stage: LocalStage, message: InboundMessage, text: str) -> None:
    await stage.emulator.edit_text(message, text)
    await stage.settle()


async def test_the_start_date_typed_exactly_as_the_summary_shows_it(stage: LocalStage) -> None:
    await fill_form(stage, GUEST)
    summary = texts_to(stage, GUEST)[-1]
    (shown,) = [line for line in summary.splitlines() if line.startswith("• Tanggal mulai: ")]
    value = shown.removeprefix("• Tanggal mulai: ")
    before = answers_of(await latest_ticket(stage))["start_date"]
    await stage.tap(GUEST, "Ubah")
    await stage.tap(GUEST, "Tanggal mulai")
    await say(stage, value)
    assert f"• Tanggal mulai: {value}" in texts_to(stage, GUEST)[-1]
    assert answers_of(await latest_ticket(stage))["start_date"] == before


async def test_a_nik_of_arabic_indic_digits_is_read_as_ascii(stage: LocalStage) -> None:
    await stage.say(GUEST, "/start")
    await stage.tap(GUEST, "Tamu")
    await say(stage, "Siti Aminah")
    await say(stage, "٠" * 16)
    assert "NIK harus 16 angka" in texts_to(stage, GUEST)[-2]
    await say(stage, "٣٥٠٧١٢٣٤٥٦٧٨٠٠٠١")
    assert answers_of(await latest_ticket(stage))["id_number"] == "3507123456780001"


async def test_a_ticket_number_typed_in_other_digits_finds_the_ticket(stage: LocalStage) -> None:
    await submit(stage, GUEST)
    ticket = await latest_ticket(stage)
    arabic = ticket.number.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    await stage.emulator.send_text(ADMIN_ID, f"/tiket {arabic}")
    await stage.settle()
    reply = texts_to(stage, ADMIN_ID)[-1]
    assert ticket.number in reply and "Siti Aminah" in reply


async def answer_up_to_email(stage: LocalStage) -> list[InboundMessage]:
    await stage.say(GUEST, "/start")
    await stage.tap(GUEST, "Tamu")
    return [await say(stage, answer) for answer in GUEST_ANSWERS[:3]]


async def test_an_edited_email_replaces_the_answer_just_given(stage: LocalStage) -> None:
    await answer_up_to_email(stage)
    typo = await say(stage, "siti@gmial.com")
    assert "Nomor HP" in texts_to(stage, GUEST)[-1] or "nomor HP" in texts_to(stage, GUEST)[-1]
    await edit(stage, typo, "siti@gmail.com")
    confirmed, question = texts_to(stage, GUEST)[-2:]
    assert "siti@gmail.com" in confirmed and "Email" in confirmed
    assert "nomor HP" in question
    assert answers_of(await latest_ticket(stage))["email"] == "siti@gmail.com"
    for answer in GUEST_ANSWERS[4:]:
        await say(stage, answer)
    await stage.tap(GUEST, "PTIPD")
    await stage.tap(GUEST, "Hari ini")
    await say(stage, "3")
    await stage.tap(GUEST, "1")
    await stage.tap(GUEST, "Lewati")
    assert "• Email: siti@gmail.com" in texts_to(stage, GUEST)[-1]


async def test_an_edited_refused_answer_is_read_as_the_answer(stage: LocalStage) -> None:
    await answer_up_to_email(stage)
    wrong = await say(stage, "siti@@gmail")
    assert "Alamat email tidak valid" in texts_to(stage, GUEST)[-2]
    await edit(stage, wrong, "siti@gmail.com")
    assert answers_of(await latest_ticket(stage))["email"] == "siti@gmail.com"
    assert "nomor HP" in texts_to(stage, GUEST)[-1]


async def test_an_edit_that_makes_the_answer_wrong_keeps_the_stored_one(
    stage: LocalStage,
) -> None:
    await answer_up_to_email(stage)
    given = await say(stage, "siti@gmail.com")
    await edit(stage, given, "siti@@gmail")
    assert "Alamat email tidak valid" in texts_to(stage, GUEST)[-2]
    assert "siti@gmail.com" in texts_to(stage, GUEST)[-2]
    assert answers_of(await latest_ticket(stage))["email"] == "siti@gmail.com"


async def test_edits_of_older_messages_are_not_read_and_say_how_to_change(
    stage: LocalStage,
) -> None:
    name, _, _ = await answer_up_to_email(stage)
    await say(stage, "siti@gmail.com")
    await edit(stage, name, "Siti Nurhaliza")
    note = texts_to(stage, GUEST)[-1]
    assert "tidak saya baca" in note and "Kembali" in note and "Ubah" in note
    assert answers_of(await latest_ticket(stage))["full_name"] == "Siti Aminah"


async def test_an_edit_after_the_form_was_sent_is_not_read(stage: LocalStage) -> None:
    await answer_up_to_email(stage)
    await say(stage, "siti@gmail.com")
    last = await say(stage, GUEST_ANSWERS[4])
    await edit(stage, last, "081299998888")
    phone = answers_of(await latest_ticket(stage))["phone"]
    assert phone == "+6281299998888"
    await stage.emulator.send_text(GUEST, "/batal")
    await stage.settle()
    await stage.tap(GUEST, "Ya")
    await edit(stage, last, "081277776666")
    assert "tidak saya baca" in texts_to(stage, GUEST)[-1]
    assert answers_of(await latest_ticket(stage))["phone"] == "+6281299998888"
