"""The two SOP paths end to end: approved (account on the router, email, chat) and rejected."""

from __future__ import annotations

import pytest

from bot.demo.stage import ADMIN_ID, HEAD_ID, LocalStage
from tests.e2e.conftest import GUEST
from tests.e2e.flows import latest_ticket, submit, texts_to


async def test_a_guest_is_approved_and_receives_the_account(stage: LocalStage) -> None:
    await submit(stage, GUEST)
    assert "menunggu verifikasi" in texts_to(stage, ADMIN_ID)[-1]
    await stage.tap(ADMIN_ID, "Verifikasi")
    assert "menunggu persetujuan" in texts_to(stage, HEAD_ID)[-1]
    await stage.tap(HEAD_ID, "Setujui")

    ticket = await latest_ticket(stage)
    assert ticket.status == "closed"
    users = stage.router.users
    assert len(users) == 1
    user = users[0]
    assert user["profile"] == "tamu"
    assert ticket.number in user["comment"]
    assert user["email"] == "siti@example.org"

    (received,) = stage.mail.messages
    assert received.rcpt_tos == ["siti@example.org"]
    body = received.message.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert user["name"] in text and user["password"] in text
    chat = texts_to(stage, GUEST)[-1]
    assert user["name"] in chat and user["password"] in chat

    async with stage.runtime.db.unit(stage.runtime.clock.now()) as uow:
        account = await uow.accounts.for_ticket(ticket.id)
        assert account is not None and account.password is None  # wiped after delivery
        statuses = [t.to_status for t in await uow.tickets.transitions(ticket.id)]
    assert statuses == [
        "open",
        "form",
        "submitted",
        "verified",
        "approved",
        "provisioned",
        "delivered",
        "closed",
    ]


async def test_a_vendor_is_rejected_with_the_heads_reason(stage: LocalStage) -> None:
    await submit(stage, GUEST, "Mitra/Vendor")
    await stage.tap(ADMIN_ID, "Verifikasi")
    await stage.tap(HEAD_ID, "Tolak")
    assert "alasan penolakan" in texts_to(stage, HEAD_ID)[-1]
    await stage.say(HEAD_ID, "Tidak ada surat tugas <dari> unit & kuota penuh")

    ticket = await latest_ticket(stage)
    assert ticket.status == "closed"
    assert stage.router.users == []
    (received,) = stage.mail.messages
    body = received.message.get_body(("plain",))
    assert body is not None
    assert "Tidak ada surat tugas <dari> unit & kuota penuh" in body.get_content()
    assert "Tidak ada surat tugas <dari> unit & kuota penuh" in texts_to(stage, GUEST)[-1]
    # The head's card lost its buttons and says who decided.
    head_cards = [m for m in stage.emulator.messages_to(HEAD_ID) if "Ditolak oleh" in m.plain]
    assert head_cards and head_cards[-1].buttons == []


async def test_a_lecturer_gets_self_activation_and_the_ticket_closes(stage: LocalStage) -> None:
    await stage.say(GUEST, "/start")
    await stage.tap(GUEST, "Dosen")
    assert "aplikasi kampus" in texts_to(stage, GUEST)[-2]
    last = stage.emulator.messages_to(GUEST)[-2]
    # A URL button carries the link instead of callback data.
    assert last.buttons[0][0].data == stage.runtime.settings.activation_url
    ticket = await latest_ticket(stage)
    assert ticket.status == "self_service" and ticket.category == "dosen"
    await stage.tap(GUEST, "Berhasil")
    assert (await latest_ticket(stage)).status == "closed"


@pytest.mark.postgres
async def test_both_paths_on_postgresql(pg_stage: LocalStage) -> None:
    await submit(pg_stage, GUEST)
    await pg_stage.tap(ADMIN_ID, "Verifikasi")
    await pg_stage.tap(HEAD_ID, "Setujui")
    assert (await latest_ticket(pg_stage)).status == "closed"
    await submit(pg_stage, GUEST, "Peserta kegiatan")
    await pg_stage.tap(ADMIN_ID, "Verifikasi")
    await pg_stage.tap(HEAD_ID, "Tolak")
    await pg_stage.say(HEAD_ID, "Kegiatan sudah selesai")
    assert (await latest_ticket(pg_stage)).status == "closed"
    assert len(pg_stage.router.users) == 1
    assert len(pg_stage.mail.messages) == 2
