"""A write the database could not take is retried, and never reported as kept when it was not.

Another process (a backup, the sqlite3 shell) holds SQLite's write lock with
`BEGIN IMMEDIATE`; the bot goes through the real Telegram path meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy.engine import make_url

from bot.demo.stage import LocalStage
from tests.app.conftest import GUEST


@contextmanager
def write_lock(stage: LocalStage) -> Iterator[sqlite3.Connection]:
    """SQLite's write lock, held by a second connection as another program would."""
    path = make_url(stage.database_url).database
    assert path is not None
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        yield other
    finally:
        if other.in_transaction:
            other.execute("ROLLBACK")
        other.close()


async def answers_of(stage: LocalStage) -> dict[str, str]:
    runtime = stage.runtime
    async with runtime.db.unit(runtime.clock.now()) as uow:
        tickets = await uow.tickets.all()
        ticket = await uow.tickets.get(tickets[-1].id)
        assert ticket is not None
        return {answer.field: answer.value for answer in ticket.answers}


async def to_the_name_question(stage: LocalStage) -> None:
    await stage.say(GUEST, "/start")
    await stage.tap(GUEST, "Tamu")
    assert "nama lengkap" in stage.emulator.last_message_to(GUEST).plain.lower()


async def test_an_answer_sent_while_another_program_writes_is_stored_once_it_lets_go(
    stage: LocalStage, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="db.transient")
    await to_the_name_question(stage)
    with write_lock(stage):
        await stage.emulator.send_text(GUEST, "Siti Aminah")
        # Longer than the first tries (0.2 s busy wait each), shorter than the budget.
        await asyncio.sleep(0.7)
    await stage.settle()

    last = stage.emulator.last_message_to(GUEST).plain
    assert "NIK" in last, last
    assert "gangguan" not in last.lower()
    assert (await answers_of(stage)).get("full_name") == "Siti Aminah"
    tries = [r.getMessage() for r in caplog.records if "database is locked" in r.getMessage()]
    assert tries, "the first tries met the lock and were retried"


async def test_an_answer_the_database_never_took_is_asked_again_and_nothing_half_is_kept(
    stage: LocalStage,
) -> None:
    await to_the_name_question(stage)
    before = await answers_of(stage)
    with write_lock(stage):
        await stage.emulator.send_text(GUEST, "Siti Aminah")
        reply = await stage.emulator.wait_for_message(GUEST, timeout=10)
    await stage.settle()

    text = reply.plain.lower()
    assert "tidak hilang" not in text
    assert "kirim" in text and "lagi" in text  # "… belum tersimpan; kirim lagi"
    assert await answers_of(stage) == before

    # Sent again once the lock is gone, it is taken and the form goes on.
    await stage.say(GUEST, "Siti Aminah")
    assert "NIK" in stage.emulator.last_message_to(GUEST).plain
    assert (await answers_of(stage)).get("full_name") == "Siti Aminah"


async def test_a_press_the_database_never_took_is_answered_and_logged_in_one_line(
    stage: LocalStage, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="bot.channels.telegram")
    await stage.say(GUEST, "/start")
    message = stage.last_with_button(GUEST, "Tamu")
    button = next(b for row in message.buttons for b in row if "Tamu" in b.text)
    with write_lock(stage):
        query_id = await stage.emulator.press(GUEST, message, callback_data=button.data)
        reply = await stage.emulator.wait_for_message(GUEST, timeout=10)
    await stage.settle()

    assert "lagi" in reply.plain.lower()
    assert query_id in stage.emulator.callback_answers  # no spinner left on the button
    errors = [r for r in caplog.records if r.name == "bot.channels.telegram"]
    assert errors and all(r.exc_info is None for r in errors)
