"""What the bot shows must be accepted back: each value of the real summary (and of the staff
card), typed as the answer to its own field, is accepted and stored unchanged."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.config import Settings
from bot.dialog import render
from bot.dialog.desk import Desk
from bot.dialog.events import Inbound, Kind, Outcome, Person
from bot.emulator.html import parse_html
from bot.runtime import desk_context
from db.uow import Database
from handlers.filling import answers_of
from handlers.form.validators import Accepted, validate

ADMIN, HEAD = 9001, 9002
GUEST = Person(1, "Siti Aminah", "siti")
ANSWERS = {
    "full_name": "Siti Aminah",
    "id_number": "a1234567",
    "institution": "Universitas Brawijaya",
    "email": "Siti@Example.org",
    "phone": "0812 3456 7890",
    "purpose": "Narasumber seminar nasional di FST",
    "host_unit": "ptipd",
    "start_date": "9/12/2026",
    "days": "3",
    "devices": "2",
}


class Chat:
    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        self.last: Outcome = Outcome()
        self.message_id = 0

    async def _send(self, event: Inbound) -> Outcome:
        self.last = await self.desk.handle(event)
        return self.last

    async def command(self, name: str) -> Outcome:
        return await self._send(
            Inbound(GUEST, GUEST.id, Kind.COMMAND, text=f"/{name}", command=name)
        )

    async def text(self, text: str) -> Outcome:
        self.message_id += 1
        return await self._send(
            Inbound(GUEST, GUEST.id, Kind.TEXT, text=text, message_id=self.message_id)
        )

    async def press(self, prefix: str, suffix: str = "") -> Outcome:
        data = [
            button.data
            for reply in self.last.replies
            for row in reply.buttons
            for button in row
            if button.data and button.data.startswith(prefix) and button.data.endswith(suffix)
        ]
        assert data, f"no button {prefix!r} in {self.last.replies}"
        return await self._send(Inbound(GUEST, GUEST.id, Kind.BUTTON, data=data[0], message_id=1))

    def plain(self) -> str:
        return parse_html(self.last.replies[-1].text).text


def shown_values(text: str) -> dict[str, str]:
    """`• Label: value` lines of a summary or card, by label."""
    values = {}
    for line in text.splitlines():
        if line.startswith("• "):
            label, _, value = line[2:].partition(": ")
            values[label] = value
    return values


@pytest.fixture
async def desk(tmp_path: Path, sqlite_template: Path) -> AsyncIterator[Desk]:
    shutil.copy(sqlite_template, tmp_path / "db.sqlite")
    url = f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}"
    config = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=url,
        admin_ids=[ADMIN],
        head_ids=[HEAD],
        # The whole form is typed twice within one minute of the manual clock.
        flood_messages_per_minute=1000,
    )
    database = Database(url)
    clock = ManualClock(datetime(2026, 12, 7, 2, 0, tzinfo=UTC))
    try:
        yield Desk(desk_context(config, database, clock))
    finally:
        await database.dispose()


@pytest.mark.parametrize("language", ["id", "en"])
async def test_every_value_of_the_summary_and_the_card_is_accepted_back(
    desk: Desk, language: str
) -> None:
    chat = Chat(desk)
    await chat.command("start")
    if language == "en":
        await chat.press("l:en")
    await chat.press("k:", ":tamu")
    form = desk.ctx.form.for_category("tamu")
    for field in form:
        if field.type == "file":
            await chat.press("sk:")
        else:
            await chat.text(ANSWERS[field.name])
    summary = shown_values(chat.plain())
    labels = {field.label[language]: field for field in form}
    assert set(summary) == set(labels)
    stored_before = await stored(desk)
    for label, value in summary.items():
        field = labels[label]
        if field.type == "file":
            continue
        await chat.press("e:")
        await chat.press("f:", f":{field.name}")
        await chat.text(value)
        again = shown_values(chat.plain())
        assert again.get(label) == value, (label, value, chat.plain())
    assert await stored(desk) == stored_before

    ctx = desk.ctx
    async with ctx.unit() as uow:
        (ticket,) = await uow.tickets.all()
        ticket = await uow.tickets.get(ticket.id)
        assert ticket is not None
        card, _ = render.staff_card(ctx, ticket, [], "verify", language)
    limits = ctx.limits("tamu")
    for label, value in shown_values(parse_html(card).text).items():
        field = labels[label]
        if field.type != "file":
            verdict = validate(value, field, limits)
            assert isinstance(verdict, Accepted), (label, value, verdict)
            assert verdict.value == stored_before[field.name]


async def stored(desk: Desk) -> dict[str, str]:
    async with desk.ctx.unit() as uow:
        (ticket,) = await uow.tickets.all()
        loaded = await uow.tickets.get(ticket.id)
        assert loaded is not None
        return answers_of(loaded)
