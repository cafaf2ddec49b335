"""`hotspot-desk demo`: three applicants through the real Telegram path, on local stand-ins.

A lecturer is told how to self-activate; a guest is verified, approved and gets an account
(on the simulated router, by email into the sink); a vendor is rejected with a reason after
an SLA reminder to the Head. It plays on a Monday morning in office hours and ends the next
morning with the daily digest as the admin receives it.
"""

from __future__ import annotations

import shutil
import sys
import textwrap
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.demo.clock import DemoClock
from bot.demo.stage import ADMIN_ID, HEAD_ID, LocalStage
from bot.emulator.records import SentMessage

LECTURER, GUEST, VENDOR = 1001, 1002, 1003
NAMES = {
    LECTURER: "Dr. Ahmad Fauzi (lecturer)",
    GUEST: "Maria Schmidt (guest)",
    VENDOR: "Budi Santoso (vendor)",
    ADMIN_ID: "Admin helpdesk",
    HEAD_ID: "Kepala PTIPD",
}
WIDTH = 92
# A Monday morning in Malang, inside office hours: the SLA clocks run from the first request.
DEMO_START = datetime(2026, 12, 7, 8, 50, tzinfo=ZoneInfo("Asia/Jakarta"))
DEMO_LETTER = b"%PDF-1.4\n% Surat tugas PT Jaringan Nusantara\ntrailer << >>\n%%EOF\n"


class Transcript:
    """Prints what each person did and what each person saw, as it happened."""

    def __init__(self, stage: LocalStage, out: Callable[[str], None], clock: DemoClock) -> None:
        self.stage = stage
        self.out = out
        self.clock = clock
        self.mark = stage.emulator.seq

    def heading(self, text: str) -> None:
        self.out("")
        self.out(f"━━ {text} " + "━" * max(0, WIDTH - len(text) - 4))

    async def says(self, user_id: int, text: str) -> None:
        self.out(f"  {NAMES[user_id]} ▸ {text}")
        await self.stage.say(user_id, text)
        self.flush()

    async def sends_file(self, user_id: int, filename: str, content: bytes) -> None:
        self.out(f"  {NAMES[user_id]} ▸ sends the file {filename} ({len(content)} bytes)")
        await self.stage.emulator.send_document(user_id, filename, content, "application/pdf")
        await self.stage.settle()
        self.flush()

    async def taps(self, user_id: int, label: str) -> None:
        self.out(f"  {NAMES[user_id]} ▸ taps [{label}]")
        answer = await self.stage.tap(user_id, label)
        if answer:
            self.out(f"      (toast: {answer})")
        self.flush()

    async def later(self, minutes: int) -> None:
        """Time passes (office minutes): the SLA clocks run and may remind someone."""
        self.out(f"  … {minutes} minutes later")
        self.clock.jump(timedelta(minutes=minutes))
        await self.stage.runtime.sla_sweep()
        await self.stage.settle()
        self.flush()

    def flush(self) -> None:
        events = self.stage.emulator.events_since(self.mark)
        if events:
            self.mark = events[-1].seq
        for event in events:
            self.show(event)

    def show(self, message: SentMessage) -> None:
        who = NAMES.get(message.chat_id, str(message.chat_id))
        verb = "edits the message for" if message.edited else "to"
        self.out(f"    🤖 {verb} {who}:")
        for line in message.plain.splitlines() or [""]:
            for piece in textwrap.wrap(line, WIDTH - 8) or [""]:
                self.out(f"        {piece}")
        for row in message.buttons:
            self.out("        " + "  ".join(f"[{b.text}]" for b in row))


async def lecturer(t: Transcript) -> None:
    t.heading("1. A lecturer: self-activation (SOP step 2, 'Yes')")
    await t.says(LECTURER, "/start")
    await t.taps(LECTURER, "Dosen")
    await t.taps(LECTURER, "Berhasil")


async def guest(t: Transcript) -> None:
    t.heading("2. A guest: form, verification, approval, account by email and chat")
    await t.says(GUEST, "/start")
    await t.taps(GUEST, "English")
    await t.taps(GUEST, "Guest")
    await t.says(GUEST, "Maria Schmidt")
    await t.says(GUEST, "C01X00T47")
    await t.says(GUEST, "Technische Universität Berlin")
    await t.says(GUEST, "maria.schmidt@")
    await t.says(GUEST, "maria.schmidt@tu-berlin.example")
    await t.taps(GUEST, "Back")
    await t.says(GUEST, "m.schmidt@tu-berlin.example")
    await t.says(GUEST, "+49 30 314 0")
    await t.says(
        GUEST, "Guest lecture on network security at the Faculty of Science and Technology"
    )
    await t.taps(GUEST, "Fakultas Sains dan Teknologi")
    await t.taps(GUEST, "Today")
    await t.says(GUEST, "3")
    await t.taps(GUEST, "1")
    await t.taps(GUEST, "Skip")
    await t.taps(GUEST, "Edit")
    await t.taps(GUEST, "Institution")
    await t.says(GUEST, "TU Berlin")
    await t.taps(GUEST, "Submit")
    t.heading("2b. The admin verifies, the Head approves (SOP step 4), the bot provisions (5, 6)")
    await t.later(minutes=7)
    await t.taps(ADMIN_ID, "Verifikasi")
    await t.later(minutes=11)
    await t.taps(HEAD_ID, "Setujui")


async def vendor(t: Transcript) -> None:
    t.heading("3. A vendor: form, verification, rejected with a reason")
    await t.says(VENDOR, "/start")
    await t.taps(VENDOR, "Mitra/Vendor")
    for answer in (
        "Budi Santoso",
        "3507123456780001",
        "PT Jaringan Nusantara",
        "budi@jaringan-nusantara.example",
        "0812 3456 7890",
        "Pemeliharaan perangkat jaringan gedung rektorat",
    ):
        await t.says(VENDOR, answer)
    await t.taps(VENDOR, "Rektorat")
    await t.taps(VENDOR, "Besok")
    await t.says(VENDOR, "14")
    await t.says(VENDOR, "2")
    await t.sends_file(VENDOR, "surat-tugas-pt-jaringan.pdf", DEMO_LETTER)
    await t.taps(VENDOR, "Kirim")
    await t.later(minutes=9)
    await t.taps(ADMIN_ID, "Verifikasi")
    # 24 office minutes after submission (80 % of the SOP's 30) the Head is reminded.
    await t.later(minutes=16)
    await t.taps(HEAD_ID, "Tolak")
    await t.says(HEAD_ID, "Belum ada surat tugas dari unit; mohon ajukan lagi dengan surat tugas.")


async def summary(stage: LocalStage, out: Callable[[str], None]) -> None:
    runtime = stage.runtime
    out("")
    out("━━ Summary " + "━" * (WIDTH - 11))
    async with runtime.db.unit(runtime.clock.now()) as uow:
        tickets = await uow.tickets.all()
        out("Tickets:")
        for ticket in tickets:
            history = " → ".join(t.to_status for t in await uow.tickets.transitions(ticket.id))
            out(f"  {ticket.number}  {ticket.category or '-':9} {ticket.status:10} {history}")
        accounts = await uow.accounts.all()
    out("Router users (RouterOS simulator, /ip/hotspot/user):")
    for user in stage.router.users:
        out(
            f"  {user.get('name')}  profile={user.get('profile')}  server={user.get('server')}"
            f"  comment={user.get('comment')!r}"
        )
    out(
        f"Accounts in the database: {len(accounts)} (passwords wiped after delivery: "
        f"{all(a.password is None for a in accounts)})"
    )
    out(f"Emails written by the SMTP sink ({stage.mail.directory}):")
    for received in stage.mail.messages:
        out(
            f"  {received.path.name}: to {', '.join(received.rcpt_tos)}"
            f" — {received.message['Subject']}"
        )


async def next_morning(t: Transcript) -> None:
    """The demo ends as an admin's day begins: the daily digest arrives at 07:00."""
    t.flush()
    t.heading("4. The next morning at 07:00: the daily digest, as the admin receives it")
    t.clock.jump_to(DEMO_START.replace(hour=0) + timedelta(days=1, hours=7, seconds=30))
    await t.stage.runtime.digest_sweep()
    await t.stage.settle()
    events = t.stage.emulator.events_since(t.mark)
    if events:
        t.mark = events[-1].seq
    for message in events:
        if message.chat_id == ADMIN_ID:
            t.show(message)


async def run_demo(workdir: Path | None = None, out: Callable[[str], None] = print) -> int:
    started = time.monotonic()
    workdir = workdir or Path("var/demo")
    shutil.rmtree(workdir, ignore_errors=True)
    out("Hotspot Desk demo: the real bot (python-telegram-bot) against a local Telegram Bot API")
    out("emulator, a RouterOS API simulator and an SMTP sink, all on this machine.")
    clock = DemoClock(DEMO_START)
    async with LocalStage(workdir, clock=clock) as stage:
        transcript = Transcript(stage, out, clock)
        stage.emulator.add_user(LECTURER, "Ahmad", "Fauzi", username="ahmadfauzi")
        stage.emulator.add_user(GUEST, "Maria", "Schmidt", username="mschmidt", language_code="de")
        stage.emulator.add_user(VENDOR, "Budi", "Santoso")
        transcript.flush()
        await lecturer(transcript)
        await guest(transcript)
        await vendor(transcript)
        await summary(stage, out)
        await next_morning(transcript)
    out(
        f"Files are kept in {workdir.resolve()} (database, emails). Finished in "
        f"{time.monotonic() - started:.1f} s."
    )
    sys.stdout.flush()
    return 0
