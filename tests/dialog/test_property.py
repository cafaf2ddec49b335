"""Random sequences of texts, presses, files and commands never break the dialog.

Checked after every event: no exception, every reply is non-empty, at most 4096 characters
once Telegram has parsed its HTML, valid Telegram HTML, every button's data at most 64 bytes,
and every ticket in a status of the transition table.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.clock import ManualClock
from bot.config import Settings
from bot.dialog.desk import Desk
from bot.dialog.events import Inbound, Kind, Outcome, Person, Upload
from bot.emulator.html import parse_html
from bot.runtime import desk_context
from db.uow import Database
from handlers.statuses import Status

ADMIN, HEAD = 9001, 9002
PEOPLE = [
    Person(1, "Siti Aminah", "siti"),
    Person(2, "Budi <b>", None),
    Person(ADMIN, "Admin"),
    Person(HEAD, "Kepala"),
]
COMMANDS = ["start", "status", "batal", "cancel", "bahasa", "language", "help", "nope"]
PDF = b"%PDF-1.4 test"


def text_strategy() -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(max_size=40),
        st.sampled_from(
            [
                "Siti Aminah",
                "3507123456780001",
                "siti@example.org",
                "081234567890",
                "Narasumber seminar nasional",
                "PTIPD",
                "7/12/2026",
                "3",
                "1",
                "<b>x</b> & <i>",
                "😀" * 30,
                "x" * 5000,
                "",
                "   ",
            ]
        ),
    )


def event_strategy() -> st.SearchStrategy[tuple[str, int, object]]:
    person = st.integers(0, len(PEOPLE) - 1)
    return st.one_of(
        st.tuples(st.just("command"), person, st.sampled_from(COMMANDS)),
        st.tuples(st.just("text"), person, text_strategy()),
        st.tuples(st.just("press"), person, st.integers(0, 50)),
        st.tuples(st.just("forge"), person, st.text(max_size=70)),
        st.tuples(st.just("file"), person, st.sampled_from(["a.pdf", "b.exe", "c.png"])),
        st.tuples(st.just("sticker"), person, st.none()),
        st.tuples(st.just("forwarded"), person, text_strategy()),
        st.tuples(st.just("edit"), person, st.tuples(st.integers(1, 30), text_strategy())),
    )


def check_outcome(outcome: Outcome) -> list[str]:
    data: list[str] = []
    for reply in outcome.replies:
        parsed = parse_html(reply.text)
        assert parsed.text.strip(), "empty message"
        assert len(parsed.text) <= 4096, "over-long message"
        for row in reply.buttons:
            for button in row:
                assert button.text.strip()
                if button.data is not None:
                    assert 1 <= len(button.data.encode()) <= 64
                    data.append(button.data)
    if outcome.toast is not None:
        assert len(outcome.toast) <= 200
    return data


def make_event(kind: str, person: Person, value: object, pressable: list[str]) -> Inbound:
    chat = person.id
    if kind == "command":
        return Inbound(person, chat, Kind.COMMAND, text=f"/{value}", command=str(value))
    if kind == "text":
        return Inbound(person, chat, Kind.TEXT, text=str(value), message_id=len(pressable) % 30)
    if kind == "edit" and isinstance(value, tuple):
        message_id, text = value
        return Inbound(person, chat, Kind.EDIT, text=str(text), message_id=int(message_id))
    if kind == "press":
        data = pressable[int(str(value)) % len(pressable)] if pressable else "zz"
        return Inbound(person, chat, Kind.BUTTON, data=data, message_id=1)
    if kind == "forge":
        return Inbound(person, chat, Kind.BUTTON, data=str(value), message_id=1)
    if kind == "file":
        name = str(value)
        content = PDF if name.endswith(".pdf") else b"MZ\x90\x00"

        async def fetch() -> bytes:
            return content

        upload = Upload(name, "application/octet-stream", len(content), fetch)
        return Inbound(person, chat, Kind.FILE, upload=upload, message_id=1)
    if kind == "forwarded":
        return Inbound(person, chat, Kind.TEXT, text=str(value), forwarded=True, message_id=1)
    return Inbound(person, chat, Kind.UNSUPPORTED, message_id=1)


async def play(template: Path, events: list[tuple[str, int, object]]) -> None:
    workdir = Path(tempfile.mkdtemp())
    try:
        shutil.copy(template, workdir / "db.sqlite")
        url = f"sqlite+aiosqlite:///{workdir / 'db.sqlite'}"
        config = Settings(_env_file=None, database_url=url, admin_ids=[ADMIN], head_ids=[HEAD])  # type: ignore[call-arg]
        database = Database(url)
        clock = ManualClock(datetime(2026, 12, 7, 2, 0, tzinfo=UTC))
        desk = Desk(desk_context(config, database, clock))
        pressable: list[str] = []
        try:
            for kind, who, value in events:
                event = make_event(kind, PEOPLE[who], value, pressable)
                pressable += check_outcome(await desk.handle(event))
            async with database.unit(clock.now()) as uow:
                for ticket in await uow.tickets.all():
                    assert Status(ticket.status) in Status
        finally:
            await database.dispose()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(events=st.lists(event_strategy(), min_size=1, max_size=25))
def test_random_conversations_never_break_the_dialog(
    sqlite_template: Path, events: list[tuple[str, int, object]]
) -> None:
    asyncio.run(play(sqlite_template, events))
