"""The staff side through the real Telegram path: python-telegram-bot against the Bot API
emulator, the outbox worker, the RouterOS simulator and the SMTP sink."""

from __future__ import annotations

import asyncio
import csv
import io
from pathlib import Path

from bot.clock import ManualClock
from bot.demo.stage import ADMIN_ID, HEAD_ID
from tests.staff.history import Path as History
from tests.staff.history import build, local
from tests.staff.stage_flows import (
    DEPUTY,
    GROUP,
    STRANGER,
    forge,
    running,
    status_of,
    submitted,
    texts_to,
)


async def test_forged_presses_change_nothing_and_show_in_the_timeline(
    tmp_path: Path, sqlite_url: str
) -> None:
    async with running(tmp_path, sqlite_url) as stage:
        first = await submitted(stage)
        await stage.say(STRANGER, "/start")
        for data in (f"v:{first}", f"r:{first}", f"a:{first}", f"x:{first}", f"xr:{first}:0"):
            assert "hanya untuk petugas" in await forge(stage, STRANGER, data)
        # Staff data for another ticket: the head's Approve on a form not yet verified.
        assert "Belum bisa" in await forge(stage, HEAD_ID, f"a:{first}")
        assert await status_of(stage, first) == "submitted"
        await stage.tap(ADMIN_ID, "Verifikasi")
        # ...and the admin's Verify again, on the card of a ticket already verified.
        assert "Sudah diputuskan oleh Admin" in await forge(stage, ADMIN_ID, f"v:{first}")
        assert await status_of(stage, first) == "verified"
        await stage.say(ADMIN_ID, "/tiket HS-2026-1")
        timeline = texts_to(stage, ADMIN_ID)[-1]
        assert timeline.count("⛔ tombol ditolak · Eve Mallory") == 5
        assert "tombol setelah diputuskan · Admin" in timeline


async def test_twenty_presses_at_once_through_telegram(tmp_path: Path, sqlite_url: str) -> None:
    async with running(tmp_path, sqlite_url) as stage:
        ticket_id = await submitted(stage)
        await stage.tap(ADMIN_ID, "Verifikasi")
        cards = [stage.last_with_button(head, "Setujui") for head in (HEAD_ID, DEPUTY)]
        presses = [
            stage.emulator.press(
                card.chat_id, card, callback_data=f"a:{ticket_id}", chat_id=card.chat_id
            )
            for _ in range(10)
            for card in cards
        ]
        query_ids = await asyncio.gather(*presses)
        await stage.settle()
        answers = [stage.emulator.callback_answers[q].text or "" for q in query_ids]
        assert sum(a.endswith("disetujui.") and a.startswith("HS-") for a in answers) == 1
        assert sum("Sudah diputuskan oleh Kepala" in a for a in answers) == 19
        assert await status_of(stage, ticket_id) == "closed"
        assert len(stage.router.users) == 1
        assert len(stage.mail.messages) == 1


async def test_approve_and_reject_at_once_leave_one_decision_on_every_card(
    tmp_path: Path, sqlite_url: str
) -> None:
    async with running(tmp_path, sqlite_url) as stage:
        ticket_id = await submitted(stage)
        await stage.tap(ADMIN_ID, "Verifikasi")
        await stage.tap(HEAD_ID, "Tolak")
        reasons = stage.last_with_button(HEAD_ID, "Surat pengantar")
        approve = stage.last_with_button(DEPUTY, "Setujui")
        reject_id, approve_id = await asyncio.gather(
            stage.emulator.press(HEAD_ID, reasons, button_text=reasons.button_labels[0]),
            stage.emulator.press(DEPUTY, approve, callback_data=f"a:{ticket_id}"),
        )
        await stage.settle()
        answers = [stage.emulator.callback_answers[q].text or "" for q in (reject_id, approve_id)]
        assert sum("Sudah diputuskan" in a for a in answers) == 1
        async with stage.runtime.db.unit(stage.runtime.clock.now()) as uow:
            decisions = [d.kind for d in await uow.tickets.decisions(ticket_id)]
        assert decisions in (["verify", "approve"], ["verify", "reject"])
        outcome = "Disetujui" if decisions[-1] == "approve" else "Ditolak"
        decide_cards = [
            m
            for head in (HEAD_ID, DEPUTY)
            for m in stage.emulator.messages_to(head)
            if m.edited and "menunggu persetujuan" in m.edits[0].plain
        ]
        assert len(decide_cards) == 2
        for card in decide_cards:
            assert card.buttons == [] and outcome in card.plain


async def test_cards_in_the_admin_group_are_closed_too(tmp_path: Path, sqlite_url: str) -> None:
    async with running(tmp_path, sqlite_url, admin_chat_id=GROUP) as stage:
        stage.emulator.add_group(GROUP, "Helpdesk PTIPD", [ADMIN_ID, STRANGER])
        await submitted(stage)
        group_card = stage.last_with_button(GROUP, "Verifikasi")
        # A group member who is not staff cannot act in the group either.
        query = await stage.emulator.press(
            STRANGER, group_card, button_text="✅ Verifikasi", chat_id=GROUP
        )
        await stage.settle()
        assert "hanya untuk petugas" in (stage.emulator.callback_answers[query].text or "")
        answer = await stage.tap(ADMIN_ID, "Verifikasi", chat_id=GROUP)
        assert answer.endswith("diverifikasi.")
        for chat in (GROUP, ADMIN_ID):
            [card] = [m for m in stage.emulator.messages_to(chat) if m.edited]
            assert card.buttons == []
            assert "Diverifikasi oleh Admin" in card.plain


async def test_sla_reminder_and_breach_inside_and_outside_office_hours(
    tmp_path: Path, sqlite_url: str
) -> None:
    clock = ManualClock(local(11, 15, 50))  # Friday 15:50
    async with running(tmp_path, sqlite_url, clock=clock) as stage:
        await submitted(stage)
        for moment in (local(11, 16, 30), local(12, 10), local(14, 7, 43)):
            clock.current = moment
            await stage.runtime.sla_sweep()
            await stage.settle()
            assert not any("Pengingat" in t for t in texts_to(stage, ADMIN_ID)), moment
        clock.current = local(14, 7, 44)  # 10 minutes on Friday, 14 on Monday
        await stage.runtime.sla_sweep()
        await stage.settle()
        assert "Pengingat" in texts_to(stage, ADMIN_ID)[-1]
        assert "24 dari 30 menit jam kerja" in texts_to(stage, ADMIN_ID)[-1]
        assert not any("Pengingat" in t for t in texts_to(stage, HEAD_ID))
        for minute in (45, 49, 50, 51):
            clock.current = local(14, 7, minute)
            await stage.runtime.sla_sweep()
            await stage.settle()
        for chat in (ADMIN_ID, HEAD_ID, DEPUTY):
            assert sum("Melewati baku waktu" in t for t in texts_to(stage, chat)) == 1
        assert sum("Pengingat" in t for t in texts_to(stage, ADMIN_ID)) == 1


async def test_the_digest_goes_out_once_across_a_restart_and_after_downtime(
    tmp_path: Path, sqlite_url: str
) -> None:
    clock = ManualClock(local(8, 6, 50))  # Tuesday, ten minutes before the digest
    async with running(tmp_path, sqlite_url, clock=clock) as stage:
        await build(stage.runtime.db, History([("open", 0), ("form", 1)], start=local(7, 9)))
        await stage.runtime.digest_sweep()
        await stage.settle()
        clock.current = local(8, 7, 1)
        for _ in range(3):
            await stage.runtime.digest_sweep()
        await stage.settle()
        await stage.stop_bot()
        await stage.start_bot()  # the scheduler checks the digest at start
        await stage.runtime.digest_sweep()
        await stage.settle()
        for chat in (ADMIN_ID, HEAD_ID, DEPUTY):
            digests = [t for t in texts_to(stage, chat) if "Ringkasan harian" in t]
            assert len(digests) == 1 and "Senin, 7 Desember 2026" in digests[0]
        # Down across Wednesday's digest time; back at 09:00, the digest follows at once.
        await stage.stop_bot()
        clock.current = local(9, 9)
        await stage.start_bot()
        await stage.emulator.wait_for_message(ADMIN_ID, lambda m: "Selasa, 8 Desember" in m.plain)
        await stage.settle()
        for chat in (ADMIN_ID, HEAD_ID, DEPUTY):
            assert sum("Ringkasan harian" in t for t in texts_to(stage, chat)) == 2


async def test_admin_commands_through_telegram(tmp_path: Path, sqlite_url: str) -> None:
    async with running(tmp_path, sqlite_url) as stage:
        ticket_id = await submitted(stage)
        number = f"HS-{stage.runtime.clock.now().year}-{ticket_id:06d}"
        # Shown only to staff in the command menu.
        staff_menu = [n for n, _ in stage.emulator.commands_for("chat", "", chat_id=ADMIN_ID)]
        assert {"antrian", "tiket", "cari", "statistik", "ekspor", "ringkasan"} <= set(staff_menu)
        english = [n for n, _ in stage.emulator.commands_for("chat", "en", chat_id=HEAD_ID)]
        assert {"queue", "ticket", "find", "stats", "export", "digest"} <= set(english)
        assert "antrian" not in [n for n, _ in stage.emulator.commands_for("default", "")]
        checks = [
            ("/antrian", number),
            ("/queue everything", "Cara pakai"),
            (f"/tiket {number}", "Riwayat"),
            ("/ticket", "Cara pakai"),
            ("/cari siti", number),
            ("/find x", "Cara pakai"),
            ("/statistik", "Statistik"),
            ("/stats 13-2026", "Cara pakai"),
            ("/ringkasan", "Ringkasan harian"),
            ("/digest someday", "Cara pakai"),
            ("/ekspor 1999-99", "Cara pakai"),
        ]
        for text, expected in checks:
            await stage.say(ADMIN_ID, text)
            assert expected in texts_to(stage, ADMIN_ID)[-1], text
        await stage.say(STRANGER, "/antrian")
        assert "hanya untuk petugas" in texts_to(stage, STRANGER)[-1]
        await stage.say(HEAD_ID, "/ekspor")
        sent = stage.emulator.messages_to(HEAD_ID)[-1]
        assert sent.kind == "document" and sent.document is not None
        assert sent.document.filename is not None and sent.document.filename.endswith(".csv")
        rows = list(csv.DictReader(io.StringIO(sent.document.content.decode("utf-8-sig"))))
        assert [(r["number"], r["status"], r["id_number"]) for r in rows] == [
            (number, "submitted", "************0001")
        ]
        assert "1 baris" in sent.plain
