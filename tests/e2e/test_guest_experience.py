"""Issue 3 through the real Telegram path: language, letters, follow-up, hand-off, reminders."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.demo.stage import ADMIN_ID, HEAD_ID, LocalStage
from handlers.filling import answers_of
from tests.e2e.conftest import GUEST, OTHER
from tests.e2e.flows import (
    GUEST_ANSWERS,
    LETTER,
    answer_until_letter,
    fill_form,
    latest_ticket,
    submit,
    texts_to,
)


async def test_a_vendor_must_send_a_letter_and_bad_files_are_refused(stage: LocalStage) -> None:
    await answer_until_letter(stage, GUEST, "Mitra/Vendor")
    question = stage.emulator.messages_to(GUEST)[-1]
    assert "surat pengantar" in question.plain and "Lewati" not in question.button_labels
    await stage.say(GUEST, "saya kirim nanti")
    assert "kirim file" in texts_to(stage, GUEST)[-2]
    await stage.emulator.send_document(
        GUEST, "virus.exe", b"MZ\x90\x00", "application/x-msdownload"
    )
    await stage.settle()
    assert "Jenis file tidak diterima" in texts_to(stage, GUEST)[-2]
    await stage.emulator.send_document(GUEST, "fake.pdf", b"not a pdf", "application/pdf")
    await stage.settle()
    assert "Jenis file tidak diterima" in texts_to(stage, GUEST)[-2]
    big = b"%PDF-" + b"0" * (10 * 1024 * 1024 + 1)
    await stage.emulator.send_document(GUEST, "besar.pdf", big, "application/pdf")
    await stage.settle()
    assert "terlalu besar" in texts_to(stage, GUEST)[-2]
    await stage.emulator.send_document(GUEST, "surat-tugas.pdf", LETTER, "application/pdf")
    await stage.settle()
    assert "surat-tugas.pdf" in texts_to(stage, GUEST)[-2]
    summary = texts_to(stage, GUEST)[-1]
    assert "Surat pengantar: surat-tugas.pdf" in summary
    runtime = stage.runtime
    ticket = await latest_ticket(stage)
    async with runtime.db.unit(runtime.clock.now()) as uow:
        (kept,) = await uow.attachments.for_ticket(ticket.id)
    assert kept.content == LETTER and kept.mime_type == "application/pdf"
    await stage.tap(GUEST, "Kirim")
    (shown,) = [m for m in stage.emulator.messages_to(ADMIN_ID) if m.kind == "document"]
    assert shown.document is not None and shown.document.content == LETTER
    assert ticket.number in shown.plain and "surat-tugas.pdf" in shown.plain
    await stage.tap(ADMIN_ID, "Verifikasi")
    (to_head,) = [m for m in stage.emulator.messages_to(HEAD_ID) if m.kind == "document"]
    assert to_head.document is not None and to_head.document.content == LETTER


async def test_a_guest_may_skip_the_letter_or_send_a_photo(stage: LocalStage) -> None:
    await answer_until_letter(stage, GUEST, "Tamu")
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    await stage.emulator.send_photo(GUEST, png)
    await stage.settle()
    assert "diterima" in texts_to(stage, GUEST)[-2]
    await stage.tap(GUEST, "Ubah")
    await stage.tap(GUEST, "Surat pengantar")
    await stage.tap(GUEST, "Lewati")
    assert "Surat pengantar: —" in texts_to(stage, GUEST)[-1]


async def test_forwarded_messages_and_floods_change_nothing(stage: LocalStage) -> None:
    await stage.say(GUEST, "/start")
    await stage.tap(GUEST, "Tamu")
    await stage.emulator.send_forwarded(GUEST, "Siti Aminah", from_user_id=OTHER)
    await stage.settle()
    assert "Pesan terusan" in texts_to(stage, GUEST)[-1]
    for _ in range(25):
        await stage.emulator.send_text(GUEST, "x")
    await stage.settle()
    warnings = [t for t in texts_to(stage, GUEST) if "terlalu cepat" in t]
    assert len(warnings) == 1
    assert texts_to(stage, GUEST)[-1] == warnings[0]  # past the limit, silence
    ticket = await latest_ticket(stage)
    assert answers_of(ticket) == {} and ticket.cursor == "full_name"


async def test_one_request_at_a_time(stage: LocalStage) -> None:
    await submit(stage, GUEST)
    await stage.say(GUEST, "/start")
    offer = stage.emulator.messages_to(GUEST)[-1]
    assert "Satu permohonan dalam satu waktu" in offer.plain
    assert offer.button_labels == ["📋 Lihat status"]
    await stage.tap(GUEST, "Lihat status")
    assert "menunggu verifikasi admin" in texts_to(stage, GUEST)[-1]
    runtime = stage.runtime
    async with runtime.db.unit(runtime.clock.now()) as uow:
        assert len(await uow.tickets.all()) == 1


async def test_status_shows_a_timeline_and_what_comes_next(stage: LocalStage) -> None:
    await submit(stage, GUEST)
    await stage.tap(ADMIN_ID, "Verifikasi")
    await stage.say(GUEST, "/status")
    status = texts_to(stage, GUEST)[-1]
    assert "menunggu verifikasi admin" in status  # the submitted line of the timeline
    assert "Berikutnya: Kepala PTIPD akan memutuskan" in status


async def test_english_dates_and_texts(stage: LocalStage) -> None:
    await stage.say(GUEST, "/start")
    await stage.tap(GUEST, "English")
    await stage.tap(GUEST, "Guest")
    for answer in GUEST_ANSWERS:
        await stage.say(GUEST, answer)
    await stage.tap(GUEST, "PTIPD")
    await stage.say(GUEST, "7 December 2026")
    await stage.say(GUEST, "2")
    await stage.tap(GUEST, "1")
    await stage.tap(GUEST, "Skip")
    summary = texts_to(stage, GUEST)[-1]
    assert "Start date: Monday, 7 December 2026" in summary


async def test_self_activation_worked_closes_the_ticket(stage: LocalStage) -> None:
    await stage.say(GUEST, "/start")
    await stage.tap(GUEST, "Mahasiswa")
    assert (await latest_ticket(stage)).status == "self_service"
    await stage.tap(GUEST, "Berhasil")
    assert (await latest_ticket(stage)).status == "closed"


async def test_still_failing_hands_the_conversation_to_the_admins(stage: LocalStage) -> None:
    await stage.say(GUEST, "/start")
    await stage.tap(GUEST, "Tendik")
    await stage.tap(GUEST, "Masih gagal")
    assert "terhubung dengan admin" in texts_to(stage, GUEST)[-1]
    assert "meminta bantuan admin" in texts_to(stage, ADMIN_ID)[-1]
    await stage.say(GUEST, "Aplikasi bilang <NIP tidak ditemukan> & saya bingung")
    relayed = stage.emulator.messages_to(ADMIN_ID)[-1]
    assert "<NIP tidak ditemukan> & saya bingung" in relayed.plain
    await stage.emulator.send_text(ADMIN_ID, "Coba pakai NIP baru, 19800101", reply_to=relayed)
    await stage.settle()
    assert "Coba pakai NIP baru" in texts_to(stage, GUEST)[-1]
    assert "Terkirim" in texts_to(stage, ADMIN_ID)[-1]
    await stage.tap(ADMIN_ID, "Tutup percakapan")
    assert "ditutup" in texts_to(stage, GUEST)[-1]
    assert (await latest_ticket(stage)).status == "closed"
    before = len(stage.emulator.messages_to(ADMIN_ID))
    await stage.say(GUEST, "halo?")
    assert len(stage.emulator.messages_to(ADMIN_ID)) == before  # no longer relayed


async def test_help_reaches_an_admin_and_only_admins_close_it(stage: LocalStage) -> None:
    await stage.say(GUEST, "/help")
    await stage.tap(GUEST, "Bicara dengan admin")
    card = stage.last_with_button(ADMIN_ID, "Tutup percakapan")
    data = card.callback_data[0]
    own_chat = stage.emulator.messages_to(GUEST)[-1]
    query = await stage.emulator.press(GUEST, own_chat, callback_data=data, forge=True)
    await stage.settle()
    assert "hanya untuk petugas" in (stage.emulator.callback_answers[query].text or "")
    await stage.say(HEAD_ID, "/help")
    head_chat = stage.emulator.messages_to(HEAD_ID)[-1]
    query = await stage.emulator.press(HEAD_ID, head_chat, callback_data=data, forge=True)
    await stage.settle()
    assert "hanya untuk petugas" in (stage.emulator.callback_answers[query].text or "")


@pytest.fixture
async def clocked_stage(tmp_path: Path, sqlite_url: str) -> AsyncIterator[LocalStage]:
    clock = ManualClock(datetime(2026, 12, 7, 2, 0, tzinfo=UTC))
    async with LocalStage(tmp_path, database_url=sqlite_url, clock=clock) as running:
        running.emulator.add_user(GUEST, "Siti", "Aminah", username="siti")
        yield running


async def test_an_idle_form_is_reminded_once_then_expires(clocked_stage: LocalStage) -> None:
    stage = clocked_stage
    clock = stage.runtime.clock
    assert isinstance(clock, ManualClock)
    await stage.say(GUEST, "/start")
    await stage.tap(GUEST, "Tamu")
    await stage.say(GUEST, "Siti Aminah")
    clock.advance(timedelta(minutes=20))
    await stage.runtime.idle_sweep()
    await stage.settle()
    assert "belum selesai" not in texts_to(stage, GUEST)[-1]
    clock.advance(timedelta(minutes=15))
    await stage.runtime.idle_sweep()
    await stage.settle()
    assert "belum selesai" in texts_to(stage, GUEST)[-1]
    await stage.runtime.idle_sweep()
    await stage.settle()
    assert sum("belum selesai" in t for t in texts_to(stage, GUEST)) == 1
    clock.advance(timedelta(hours=24))
    await stage.runtime.idle_sweep()
    await stage.settle()
    assert "kedaluwarsa" in texts_to(stage, GUEST)[-1]
    ticket = await latest_ticket(stage)
    assert ticket.status == "expired"
    await stage.say(GUEST, "/start")
    assert (await latest_ticket(stage)).id != ticket.id  # a new request is possible


async def test_fill_form_helper_still_reaches_the_summary(stage: LocalStage) -> None:
    await fill_form(stage, GUEST)
    assert "Ringkasan" in texts_to(stage, GUEST)[-1]
