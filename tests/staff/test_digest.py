"""The daily digest's figures against a constructed history, and its once-a-day rule."""

from __future__ import annotations

import re
from datetime import date, timedelta

from bot.clock import ManualClock
from bot.dialog.context import DeskContext
from bot.texts.catalog import plain
from bot.worker.digest import build_digest
from bot.worker.sweeps import send_digest_if_due
from db.uow import Database
from tests.staff.conftest import ADMIN, DEPUTY, HEAD
from tests.staff.history import Path, build, local

MONDAY = date(2026, 12, 7)
FULL_PATH = [("open", 0), ("form", 1)]


async def monday(database: Database) -> None:
    """Yesterday (Monday 7 December) as the digest of Tuesday morning should report it."""
    # A guest: verified and approved in 25 minutes, delivered; the account ends on Tuesday.
    await build(
        database,
        Path(
            [
                ("open", 0),
                ("form", 1),
                ("submitted", 4),
                ("verified", 10),
                ("approved", 15),
                ("provisioned", 0.5),
                ("delivered", 0.5),
                ("closed", 0),
            ],
            start=local(7, 8, 55),
            account=(MONDAY, date(2026, 12, 8), "active"),
        ),
    )
    # A vendor: rejected after 40 minutes (over the standard).
    await build(
        database,
        Path(
            [
                ("open", 0),
                ("form", 3),
                ("submitted", 17),
                ("verified", 20),
                ("rejected", 20),
                ("closed", 1),
            ],
            start=local(7, 10),
            category="mitra",
            name="Budi Santoso",
            reason="Tidak ada surat tugas",
        ),
    )
    # An event participant submitted at 15:50: still waiting for an admin.
    await build(
        database,
        Path(
            [("open", 0), ("form", 2), ("submitted", 8)], start=local(7, 15, 40), category="peserta"
        ),
    )
    # A lecturer sent to self-activation.
    await build(
        database,
        Path(
            [("open", 0), ("self_service", 1), ("closed", 1)],
            start=local(7, 11),
            category="dosen",
            answers={},
        ),
    )
    # A guest who cancelled.
    await build(database, Path([("open", 0), ("form", 1), ("cancelled", 29)], start=local(7, 12)))
    # Opened on Sunday evening, decided on Monday at 07:50: 20 office minutes of step 4.
    await build(
        database,
        Path(
            [
                ("open", 0),
                ("form", 1),
                ("submitted", 9),
                ("verified", 11 * 60 + 35),
                ("approved", 5),
                ("provisioned", 1),
                ("delivered", 0),
                ("closed", 0),
            ],
            start=local(6, 20),
            account=(MONDAY, date(2026, 12, 10), "active"),
        ),
    )


async def failures(database: Database, clock: ManualClock) -> None:
    async with database.unit(local(7, 14)) as uow:
        failed = await uow.outbox.enqueue("email", "x:1", {}, uow.now, ticket_id=1)
        retrying = await uow.outbox.enqueue("provision", "x:2", {}, uow.now, ticket_id=2)
        assert failed is not None and retrying is not None
        failed.attempts = 8
        await uow.outbox.fail(failed, uow.now, "smtp: 550 mailbox unavailable")
        retrying.attempts = 3
        await uow.outbox.retry_later(
            retrying, clock.now() + timedelta(minutes=5), "router: timeout"
        )


def table_row(text: str, step: int) -> list[str]:
    for line in text.splitlines():
        if line.startswith(f"{step} "):
            return re.split(r"\s{2,}|\s(?=\d|–)", line.strip())
    raise AssertionError(f"no row for step {step}")


async def digest_text(
    ctx: DeskContext, database: Database, clock: ManualClock, language: str = "en"
) -> str:
    clock.current = local(8, 7, 5)
    async with database.unit(clock.now()) as uow:
        return plain(await build_digest(ctx, uow, MONDAY, language))


async def test_the_digest_figures_match_the_history(
    ctx: DeskContext, database: Database, clock: ManualClock
) -> None:
    await monday(database)
    await failures(database, clock)
    text = await digest_text(ctx, database, clock)
    assert "Monday, 7 December 2026" in text
    # Yesterday's requests by category and outcome (the Sunday ticket is not one of them).
    assert "Requests received (5)" in text
    assert "• Guest: 2 — account delivered 1, cancelled 1" in text
    assert "• Partner/Vendor: 1 — rejected 1" in text
    assert "• Lecturer: 1 — self-activation 1" in text
    assert "• Event participant: 1 — in progress 1" in text
    # What waits now: the participant, for an admin, with 10 office minutes used.
    assert "Waiting now (1)" in text
    assert re.search(
        r"HS-2026-000003 · .* waiting for an admin since 7 Dec 2026, 15:50 · 10/30", text
    )
    # The SOP table: count, within standard, median and 90th percentile per step.
    assert table_row(text, 1)[-5:] == ["5", "5", "5", "0", "0"]
    assert table_row(text, 2)[-5:] == ["5", "5", "5", "1", "3"]
    assert table_row(text, 4)[-5:] == ["30", "3", "2", "25", "40"]
    assert table_row(text, 5)[-5:] == ["30", "2", "2", "0.8", "1"]
    assert table_row(text, 6)[-5:] == ["–", "2", "–", "0.2", "0.5"]
    # The guest's account ends tonight at midnight; the other one on Thursday.
    assert "Accounts ending within 24 hours (1)" in text
    assert re.search(r"tamu-\d{4} · HS-2026-000001 · ends 8 Dec 2026, 23:59", text)
    # Failures: one job failed for good, one still retrying.
    assert "Failures (2)" in text
    assert "failed after 8 attempts: smtp: 550 mailbox unavailable" in text
    assert "still retrying (3 attempts): router: timeout" in text


async def test_the_digest_in_indonesian(
    ctx: DeskContext, database: Database, clock: ManualClock
) -> None:
    await monday(database)
    text = await digest_text(ctx, database, clock, "id")
    assert "Senin, 7 Desember 2026" in text
    assert "Permohonan masuk (5)" in text
    assert table_row(text, 5)[-5:] == ["30", "2", "2", "0,8", "1"]
    assert "Kegagalan (0)" in text


async def test_once_a_day_at_the_digest_time_and_not_on_a_new_installation(
    ctx: DeskContext, database: Database, clock: ManualClock
) -> None:
    clock.current = local(8, 7, 5)
    assert not await send_digest_if_due(ctx)  # no ticket before today: nothing to report
    await monday(database)
    clock.current = local(8, 6, 59)
    assert not await send_digest_if_due(ctx)
    clock.current = local(8, 7, 0)
    assert await send_digest_if_due(ctx)
    for minutes in (1, 60, 600):
        clock.current = local(8, 7) + timedelta(minutes=minutes)
        assert not await send_digest_if_due(ctx)
    clock.current = local(9, 7, 30)  # the next day, late (the bot was down at 07:00)
    assert await send_digest_if_due(ctx)
    async with database.unit(clock.now()) as uow:
        jobs = [
            j for j in await uow.outbox.in_status("pending") if j.dedupe_key.startswith("digest:")
        ]
    assert sorted(int(j.payload["chat_id"]) for j in jobs) == sorted([ADMIN, HEAD, DEPUTY] * 2)


async def test_each_reader_gets_the_digest_in_their_language(
    ctx: DeskContext, database: Database, clock: ManualClock
) -> None:
    await monday(database)
    async with database.unit(clock.now()) as uow:
        await uow.applicants.upsert(
            external_id=HEAD,
            chat_id=HEAD,
            display_name="Kepala",
            username=None,
            language="en",
            now=uow.now,
        )
    clock.current = local(8, 7, 1)
    assert await send_digest_if_due(ctx)
    async with database.unit(clock.now()) as uow:
        texts = {
            int(j.payload["chat_id"]): str(j.payload["text"])
            for j in await uow.outbox.in_status("pending")
        }
    assert "daily digest" in texts[HEAD]
    assert "Ringkasan harian" in texts[ADMIN] and "Ringkasan harian" in texts[DEPUTY]


async def test_long_lists_are_cut_after_the_table(
    ctx: DeskContext, database: Database, clock: ManualClock
) -> None:
    for minute in range(30):
        await build(
            database,
            Path([("open", 0), ("form", 1), ("submitted", 1)], start=local(7, 9, minute)),
        )
    text = await digest_text(ctx, database, clock, "id")
    assert "Menunggu sekarang (30)" in text
    assert "• … dan 5 lagi (lihat /antrian)" in text
    assert text.index("Waktu layanan per langkah SOP") < text.index("Menunggu sekarang")
    assert sum(line.startswith("• HS-") for line in text.splitlines()) == 25
