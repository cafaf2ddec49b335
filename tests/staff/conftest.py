"""The staff side against a real database (SQLite and PostgreSQL), without Telegram: the
desk and the sweeps exactly as the runtime wires them, on a controlled clock."""

from __future__ import annotations

from typing import Any

import pytest

from bot.clock import ManualClock
from bot.config import Settings
from bot.dialog.admin_commands import register_admin_commands
from bot.dialog.context import DeskContext
from bot.dialog.desk import Desk
from bot.dialog.events import Inbound, Kind, Person
from bot.dialog.staff_commands import StaffCommandBook
from bot.runtime import desk_context
from db.uow import Database
from tests.staff.history import local

ADMIN, HEAD, DEPUTY, STRANGER = 9001, 9002, 9003, 4242
GROUP = -100500


def make_settings(database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "admin_ids": [ADMIN],
        "head_ids": [HEAD, DEPUTY],
        "admin_chat_id": GROUP,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
def clock() -> ManualClock:
    # Monday 7 December 2026, 09:00 in Malang: inside office hours.
    return ManualClock(local(7, 9))


@pytest.fixture
def ctx(database_url: str, database: Database, clock: ManualClock) -> DeskContext:
    return desk_context(make_settings(database_url), database, clock)


@pytest.fixture
def desk(ctx: DeskContext) -> Desk:
    book = StaffCommandBook()
    register_admin_commands(book, ctx)
    return Desk(ctx, book)


def person(user_id: int) -> Person:
    names = {ADMIN: "Admin Rina", HEAD: "Kepala Fauzan", DEPUTY: "Wakil Dewi"}
    return Person(user_id, names.get(user_id, "Eve <b>Mallory</b>"), None, "id")


def command(user_id: int, name: str, args: str = "", chat_id: int | None = None) -> Inbound:
    text = f"/{name} {args}".strip()
    return Inbound(
        person(user_id),
        chat_id or user_id,
        Kind.COMMAND,
        chat_id is None,
        text=text,
        command=name,
        args=args,
    )


def press(user_id: int, data: str, chat_id: int | None = None) -> Inbound:
    return Inbound(
        person(user_id), chat_id or user_id, Kind.BUTTON, chat_id is None, data=data, message_id=1
    )


def typed(user_id: int, text: str) -> Inbound:
    return Inbound(person(user_id), user_id, Kind.TEXT, True, text=text, message_id=2)
