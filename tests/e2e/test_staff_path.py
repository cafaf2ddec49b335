"""Staff buttons: only configured staff, one decision, every press answered."""

from __future__ import annotations

import asyncio

from bot.demo.stage import ADMIN_ID, HEAD_ID, LocalStage
from tests.e2e.conftest import GUEST, OTHER
from tests.e2e.flows import latest_ticket, status_of, submit


async def forge(stage: LocalStage, user_id: int, data: str) -> str:
    """A malicious client sends any callback data on any message it can see."""
    if not stage.emulator.messages_to(user_id):
        await stage.say(user_id, "/help")
    message = stage.emulator.messages_to(user_id)[-1]
    query_id = await stage.emulator.press(user_id, message, callback_data=data, forge=True)
    await stage.settle()
    answer = stage.emulator.callback_answers[query_id]
    return answer.text or ""


async def test_a_non_staff_user_cannot_verify_or_approve(stage: LocalStage) -> None:
    await submit(stage, GUEST)
    ticket = await latest_ticket(stage)
    await stage.say(OTHER, "/start")
    for data in (f"v:{ticket.id}", f"a:{ticket.id}", f"x:{ticket.id}", f"r:{ticket.id}"):
        answer = await forge(stage, OTHER, data)
        assert "hanya untuk petugas" in answer
    assert await status_of(stage, ticket.id) == "submitted"


async def test_an_admin_cannot_approve_and_a_head_cannot_verify(stage: LocalStage) -> None:
    await submit(stage, GUEST)
    ticket = await latest_ticket(stage)
    assert "hanya untuk petugas" in await forge(stage, ADMIN_ID, f"a:{ticket.id}")
    assert "hanya untuk petugas" in await forge(stage, HEAD_ID, f"v:{ticket.id}")
    assert await status_of(stage, ticket.id) == "submitted"


async def test_a_second_press_changes_nothing_and_says_who_decided(stage: LocalStage) -> None:
    await submit(stage, GUEST)
    ticket = await latest_ticket(stage)
    await stage.tap(ADMIN_ID, "Verifikasi")
    again = await forge(stage, ADMIN_ID, f"v:{ticket.id}")
    assert "Sudah diputuskan oleh Admin" in again
    await stage.tap(HEAD_ID, "Setujui")
    late = await forge(stage, HEAD_ID, f"x:{ticket.id}")
    assert "Sudah diputuskan oleh Kepala" in late
    assert len(stage.router.users) == 1
    assert len(stage.mail.messages) == 1


async def test_presses_at_once_make_exactly_one_decision(stage: LocalStage) -> None:
    await submit(stage, GUEST)
    ticket = await latest_ticket(stage)
    await stage.tap(ADMIN_ID, "Verifikasi")
    card = stage.last_with_button(HEAD_ID, "Setujui")
    presses = [
        stage.emulator.press(HEAD_ID, card, callback_data=f"a:{ticket.id}") for _ in range(10)
    ]
    query_ids = await asyncio.gather(*presses)
    await stage.settle()
    answers = [stage.emulator.callback_answers[q].text or "" for q in query_ids]
    assert sum(a == f"{ticket.number} disetujui." for a in answers) == 1
    assert sum("Sudah diputuskan" in a for a in answers) == 9
    assert len(stage.router.users) == 1
    assert len(stage.mail.messages) == 1


async def test_garbage_button_data_is_refused_politely(stage: LocalStage) -> None:
    await stage.say(GUEST, "/start")
    for data in ("", "zz", "v:abc", "k:99999:tamu", "o:1:x" * 10, "💥"):
        answer = await forge(stage, GUEST, data or "?")
        assert answer  # every press is answered
    assert (await latest_ticket(stage)).status == "open"


async def test_a_return_note_goes_back_to_the_applicant_who_resubmits(stage: LocalStage) -> None:
    await submit(stage, GUEST)
    await stage.tap(ADMIN_ID, "Kembalikan")
    await stage.say(ADMIN_ID, "NIK tidak sesuai KTP")
    guest_texts = [m.plain for m in stage.emulator.messages_to(GUEST)]
    assert "NIK tidak sesuai KTP" in guest_texts[-1]
    ticket = await latest_ticket(stage)
    assert ticket.status == "form" and ticket.number.startswith("HS-")
    await stage.say(GUEST, "/start")
    await stage.tap(GUEST, "Ubah")
    await stage.tap(GUEST, "Nomor identitas")
    await stage.say(GUEST, "3507123456780002")
    await stage.tap(GUEST, "Kirim")
    again = await latest_ticket(stage)
    assert again.id == ticket.id and again.status == "submitted"
    assert "menunggu verifikasi" in stage.emulator.messages_to(ADMIN_ID)[-1].plain


async def test_the_head_may_back_out_of_a_rejection(stage: LocalStage) -> None:
    await submit(stage, GUEST)
    await stage.tap(ADMIN_ID, "Verifikasi")
    await stage.tap(HEAD_ID, "Tolak")
    await stage.say(HEAD_ID, "/batal")
    assert "Tidak ada yang berubah" in stage.emulator.messages_to(HEAD_ID)[-1].plain
    assert (await latest_ticket(stage)).status == "verified"
    await stage.tap(HEAD_ID, "Tolak")
    await stage.say(HEAD_ID, "x")
    assert "3 sampai 500" in stage.emulator.messages_to(HEAD_ID)[-1].plain
    assert (await latest_ticket(stage)).status == "verified"
