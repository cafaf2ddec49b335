"""Every admin command with good and bad arguments, in both names; the CSV read back."""

from __future__ import annotations

import csv
import io
from datetime import date

from bot.clock import ManualClock
from bot.dialog.desk import Desk
from bot.texts.catalog import plain
from db.models_staff import SlaAlert
from db.uow import Database
from handlers import audit
from handlers.export import safe_cell
from tests.staff.conftest import ADMIN, HEAD, STRANGER, command, press
from tests.staff.history import Path, build, local

SUBMITTED = [("open", 0), ("form", 1), ("submitted", 4)]
DELIVERED = [*SUBMITTED, ("verified", 5), ("approved", 5), ("provisioned", 1), ("delivered", 0)]


async def say(desk: Desk, user: int, name: str, args: str = "") -> str:
    outcome = await desk.handle(command(user, name, args))
    assert len(outcome.replies) == 1
    return plain(outcome.replies[0].text)


async def history(database: Database) -> list[int]:
    """Three tickets of December 2026 and one of November."""
    return [
        await build(database, Path(SUBMITTED, start=local(7, 8, 55))),
        await build(
            database,
            Path(
                [*DELIVERED, ("closed", 0)],
                start=local(3, 10),
                name="Maria Schmidt",
                username="mschmidt",
                answers={
                    "full_name": "Maria Schmidt",
                    "id_number": "C01X00T47",
                    "email": "maria@tu-berlin.example",
                    "phone": "+49303140",
                    "purpose": '=HYPERLINK("http://evil")',
                },
                account=(date(2026, 12, 3), date(2026, 12, 5), "disabled"),
            ),
        ),
        await build(
            database,
            Path(
                [*SUBMITTED, ("verified", 3), ("rejected", 3), ("closed", 1)],
                start=local(4, 9),
                category="mitra",
                name="Budi <Santoso>",
                username=None,
                reason="Tidak ada surat tugas",
            ),
        ),
        await build(database, Path(SUBMITTED, start=local(20, 9, month=11))),
    ]


BAD_ARGUMENTS = [
    ("antrian", "semua", "Cara pakai"),
    ("tiket", "", "Cara pakai: /tiket HS-2026-000123"),
    ("tiket", "123", "Cara pakai"),
    ("tiket", "HS-26-1", "Cara pakai"),
    ("cari", "", "Cara pakai: /cari TEKS"),
    ("cari", "ab", "Cara pakai"),
    ("cari", "x" * 101, "Cara pakai"),
    ("statistik", "2026-13", "Cara pakai: /statistik"),
    ("statistik", "desember", "Cara pakai"),
    ("statistik", "2027-01", "Cara pakai"),  # in the future
    ("ekspor", "13-2026", "Cara pakai: /ekspor"),
    ("ringkasan", "minggu lalu", "Cara pakai: /ringkasan"),
    ("ringkasan", "2026-02-30", "Cara pakai"),
    ("ringkasan", "2026-12-08", "Cara pakai"),  # tomorrow
    ("queue", "x", "Cara pakai"),
    ("ticket", "nope", "Cara pakai"),
    ("find", "a", "Cara pakai"),
    ("stats", "2026", "Cara pakai"),
    ("export", "2026-1-1", "Cara pakai"),
    ("digest", "8/12/2026", "Cara pakai"),  # tomorrow
]


async def test_a_wrong_argument_gets_the_usage(desk: Desk) -> None:
    for name, args, expected in BAD_ARGUMENTS:
        assert expected in await say(desk, ADMIN, name, args), (name, args)


async def test_only_staff_may_use_them(desk: Desk, database: Database, clock: ManualClock) -> None:
    for name in ("antrian", "tiket", "cari", "statistik", "ekspor", "ringkasan", "find"):
        assert "hanya untuk petugas" in await say(desk, STRANGER, name, "HS-2026-000001")
    async with database.unit(clock.now()) as uow:
        rows = await uow.records.audit_between(local(1, 0), local(31, 0))
    assert [r.action for r in rows] == [audit.REFUSED_COMMAND] * 7


async def test_queue(desk: Desk, database: Database, clock: ManualClock) -> None:
    assert "Tidak ada yang menunggu" in await say(desk, ADMIN, "antrian")
    await history(database)
    clock.current = local(7, 9, 5)
    text = await say(desk, HEAD, "queue")
    assert "Antrian" in text
    lines = [line for line in text.splitlines() if line.startswith("• HS-")]
    # Oldest first: November's form, then Monday's; both wait for an admin.
    assert [line.split(" · ")[0] for line in lines] == ["• HS-2026-000004", "• HS-2026-000001"]
    assert all("menunggu admin" in line for line in lines)
    assert "5/30 mnt jam kerja" in lines[1]  # submitted at 09:00, now 09:05


async def test_ticket_shows_the_whole_timeline(
    desk: Desk, database: Database, clock: ManualClock
) -> None:
    ids = await history(database)
    await desk.handle(press(STRANGER, f"a:{ids[1]}"))
    async with database.unit(clock.now()) as uow:
        await uow.records.add_alert(
            SlaAlert(
                ticket_id=ids[1],
                step=4,
                round=1,
                level="reminder",
                used_minutes=24,
                recipients="admin",
                at=local(3, 10, 29),
            )
        )
        job = await uow.outbox.enqueue("email", "e:1", {}, uow.now, ticket_id=ids[1])
        assert job is not None
        job.attempts = 2
        await uow.outbox.retry_later(job, uow.now, "smtp: 451 try later")
    text = await say(desk, ADMIN, "tiket", "hs-2026-2")
    assert text.startswith("🎫 HS-2026-000002 · selesai")
    assert "Pemohon: Maria Schmidt (@mschmidt)" in text
    assert "maria@tu-berlin.example" in text
    assert "Akun: tamu-0002 · 3 Des 2026 s.d. 5 Des 2026" in text
    history_lines = text.split("Riwayat")[1].splitlines()
    assert any("diverifikasi" in line or "Kepala PTIPD" in line for line in history_lines)
    assert any(
        "⏰ pengingat SLA · langkah 4, putaran 1: 24 mnt → admin" in line for line in history_lines
    )
    assert any(
        "⛔ tombol ditolak" in line and "Eve <b>Mallory</b>" in line for line in history_lines
    )
    assert "email · menunggu · 2 percobaan" in text and "smtp: 451 try later" in text
    assert "tidak ditemukan" in await say(desk, ADMIN, "ticket", "HS-2026-000999")


FINDS = [
    ("maria", ["HS-2026-000002"]),
    ("MSCHMIDT", ["HS-2026-000002"]),
    ("@mschmidt", ["HS-2026-000002"]),
    ("tu-berlin.example", ["HS-2026-000002"]),
    ("+49 30 314 0", ["HS-2026-000002"]),
    ("0812 3456 7890", ["HS-2026-000004", "HS-2026-000003", "HS-2026-000001"]),
    ("tamu-0002", ["HS-2026-000002"]),
    ("HS-2026-000003", ["HS-2026-000003"]),
    ("<Santoso>", ["HS-2026-000003"]),
    ("100%", []),
    ("C01X00T47", []),  # identity numbers are not searchable
]


async def test_find(desk: Desk, database: Database) -> None:
    await history(database)
    for query, numbers in FINDS:
        text = await say(desk, ADMIN, "cari", query)
        found = [line.split(" · ")[0].removeprefix("• ") for line in text.splitlines()[1:]]
        if numbers:
            assert found == numbers, (query, text)
        else:
            assert "Tidak ada tiket yang cocok" in text, query


async def test_stats_for_this_and_another_month(desk: Desk, database: Database) -> None:
    await history(database)
    text = await say(desk, ADMIN, "statistik")
    assert "Statistik Desember 2026" in text
    assert "Permohonan masuk (3)" in text
    assert "Tamu: 2 — akun terkirim 1, dalam proses 1" in text
    assert "Akun dibuat: 1" in text
    november = await say(desk, ADMIN, "stats", "2026-11")
    assert "Statistik November 2026" in november and "Permohonan masuk (1)" in november


async def test_export_is_a_csv_that_reads_back(
    desk: Desk, database: Database, clock: ManualClock
) -> None:
    await history(database)
    outcome = await desk.handle(command(ADMIN, "ekspor", "2026-12"))
    [reply] = outcome.replies
    assert reply.document is not None
    filename, content = reply.document
    assert filename == "hotspot-tiket-2026-12.csv"
    assert "3 baris" in plain(reply.text)
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert [r["number"] for r in rows] == ["HS-2026-000001", "HS-2026-000002", "HS-2026-000003"]
    maria = rows[1]
    assert maria["full_name"] == "Maria Schmidt" and maria["telegram_username"] == "mschmidt"
    assert maria["id_number"] == "*****0T47"
    assert maria["purpose"] == safe_cell('=HYPERLINK("http://evil")').replace('""', '"')
    assert maria["purpose"].startswith("'=")
    assert maria["phone"] == "+49303140"
    assert (maria["outcome"], maria["decision"], maria["decided_by"]) == (
        "delivered",
        "approve",
        "Kepala Fauzan",
    )
    assert maria["created_at"] == "2026-12-03 10:00"
    assert (maria["account"], maria["valid_until"]) == ("tamu-0002", "2026-12-05")
    assert maria["step4_minutes"] == "10.0"
    budi = rows[2]
    assert (budi["category"], budi["decision"], budi["reason"]) == (
        "mitra",
        "reject",
        "Tidak ada surat tugas",
    )
    assert budi["applicant"] == "Budi <Santoso>"
    async with database.unit(clock.now()) as uow:
        [row] = await uow.records.audit_between(local(1, 0), local(31, 0))
    assert (row.action, row.detail) == (audit.EXPORT, "2026-12: 3 tickets")


async def test_digest_on_demand(desk: Desk, database: Database) -> None:
    await history(database)
    text = await say(desk, HEAD, "ringkasan", "2026-12-03")
    assert "Kamis, 3 Desember 2026" in text and "Permohonan masuk (1)" in text
    assert "Ringkasan harian" in await say(desk, ADMIN, "digest")
