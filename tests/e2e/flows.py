"""Scripted steps shared by the end-to-end tests."""

from __future__ import annotations

from bot.demo.stage import LocalStage
from db.models import Ticket

LETTER = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
GUEST_ANSWERS = (
    "Siti Aminah",
    "3507123456780001",
    "Universitas Brawijaya",
    "siti@example.org",
    "081234567890",
    "Narasumber seminar nasional di FST",
)


async def answer_until_letter(stage: LocalStage, user_id: int, category: str = "Tamu") -> None:
    await stage.say(user_id, "/start")
    await stage.tap(user_id, category)
    for answer in GUEST_ANSWERS:
        await stage.say(user_id, answer)
    await stage.tap(user_id, "PTIPD")
    await stage.tap(user_id, "Hari ini")
    await stage.say(user_id, "3")
    await stage.tap(user_id, "1")


async def fill_form(stage: LocalStage, user_id: int, category: str = "Tamu") -> None:
    await answer_until_letter(stage, user_id, category)
    if category in ("Mitra/Vendor", "Peserta kegiatan"):
        await stage.emulator.send_document(user_id, "surat-tugas.pdf", LETTER, "application/pdf")
        await stage.settle()
    else:
        await stage.tap(user_id, "Lewati")


async def submit(stage: LocalStage, user_id: int, category: str = "Tamu") -> None:
    await fill_form(stage, user_id, category)
    await stage.tap(user_id, "Kirim")


async def latest_ticket(stage: LocalStage) -> Ticket:
    runtime = stage.runtime
    async with runtime.db.unit(runtime.clock.now()) as uow:
        tickets = await uow.tickets.all()
        ticket = await uow.tickets.get(tickets[-1].id)
        assert ticket is not None
        return ticket


def texts_to(stage: LocalStage, chat_id: int) -> list[str]:
    return [m.plain for m in stage.emulator.messages_to(chat_id)]


async def status_of(stage: LocalStage, ticket_id: int) -> str:
    runtime = stage.runtime
    async with runtime.db.unit(runtime.clock.now()) as uow:
        ticket = await uow.tickets.get(ticket_id)
        assert ticket is not None
        return ticket.status
