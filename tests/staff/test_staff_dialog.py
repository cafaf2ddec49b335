"""Staff presses through the desk: roles checked on every press, refusals recorded, exactly
one decision under concurrency, configured rejection reasons, verification switched off."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from bot.clock import ManualClock
from bot.dialog.context import DeskContext
from bot.dialog.desk import Desk
from bot.texts.catalog import plain
from db.uow import Database
from handlers import audit, filling, review
from handlers.actors import Actor
from handlers.statuses import Role
from tests.staff.conftest import ADMIN, DEPUTY, HEAD, STRANGER, command, press, typed
from tests.staff.history import Path, build, local

SUBMITTED = [("open", 0), ("form", 1), ("submitted", 4)]
VERIFIED = [*SUBMITTED, ("verified", 5)]


async def status(database: Database, clock: ManualClock, ticket_id: int) -> str:
    async with database.unit(clock.now()) as uow:
        ticket = await uow.tickets.get(ticket_id)
        assert ticket is not None
        return ticket.status


async def audit_rows(database: Database, clock: ManualClock) -> list[tuple[str, int | None, str]]:
    async with database.unit(clock.now()) as uow:
        rows = await uow.records.audit_between(local(1, 0), local(31, 0))
        return [(r.action, r.ticket_id, r.detail or "") for r in rows]


async def test_a_stranger_is_refused_and_recorded(
    desk: Desk, database: Database, clock: ManualClock
) -> None:
    ticket_id = await build(database, Path(SUBMITTED, start=local(7, 8, 55)))
    for verb in ("v", "r", "a", "x", "xr"):
        outcome = await desk.handle(press(STRANGER, f"{verb}:{ticket_id}:0"))
        assert outcome.alert and "hanya untuk petugas" in (outcome.toast or "")
        assert not outcome.replies
    outcome = await desk.handle(press(STRANGER, "v:99999"))
    assert "hanya untuk petugas" in (outcome.toast or "")
    assert await status(database, clock, ticket_id) == "submitted"
    rows = await audit_rows(database, clock)
    assert [(a, t) for a, t, _ in rows[:5]] == [(audit.REFUSED_PRESS, ticket_id)] * 5
    assert rows[5][:2] == (audit.REFUSED_PRESS, None) and "#99999" in rows[5][2]


async def test_staff_data_for_a_ticket_at_another_step_changes_nothing(
    desk: Desk, database: Database, clock: ManualClock
) -> None:
    waiting = await build(database, Path(SUBMITTED, start=local(7, 8, 55)))
    filling_in = await build(database, Path([("open", 0), ("form", 1)], start=local(7, 8, 56)))
    # The head's Approve on a form no admin has verified yet.
    outcome = await desk.handle(press(HEAD, f"a:{waiting}"))
    assert "Belum bisa" in (outcome.toast or "")
    outcome = await desk.handle(press(HEAD, f"xr:{waiting}:0"))
    assert "Belum bisa" in (outcome.toast or "")
    # The admin's Verify on a form still being filled in.
    outcome = await desk.handle(press(ADMIN, f"v:{filling_in}"))
    assert "Sudah tidak bisa" in (outcome.toast or "")
    assert await status(database, clock, waiting) == "submitted"
    assert await status(database, clock, filling_in) == "form"


@pytest.mark.parametrize("verb", ["a", "xr"])
async def test_twenty_presses_at_once_make_one_decision(
    desk: Desk, database: Database, clock: ManualClock, verb: str
) -> None:
    ticket_id = await build(database, Path(VERIFIED, start=local(7, 8, 55)))
    presses = [press(HEAD if i % 2 else DEPUTY, f"{verb}:{ticket_id}:0") for i in range(20)]
    outcomes = await asyncio.gather(*(desk.handle(p) for p in presses))
    toasts = [o.toast or "" for o in outcomes]
    assert sum(o.wake_worker for o in outcomes) == 1
    assert sum(t.startswith("HS-") for t in toasts) == 1
    assert sum("Sudah diputuskan oleh" in t for t in toasts) == 19
    async with database.unit(clock.now()) as uow:
        decisions = await uow.tickets.decisions(ticket_id)
        assert [d.kind for d in decisions] == ["verify", "approve" if verb == "a" else "reject"]
        jobs = [j.kind for j in await uow.outbox.for_ticket(ticket_id)]
        assert jobs.count("provision") == (1 if verb == "a" else 0)
    late = [row for row in await audit_rows(database, clock) if row[0] == audit.LATE_PRESS]
    assert len(late) == 19


async def test_approve_racing_a_one_tap_rejection_has_one_winner(
    desk: Desk, database: Database, clock: ManualClock
) -> None:
    ticket_id = await build(database, Path(VERIFIED, start=local(7, 8, 55)))
    presses = [press(HEAD, f"a:{ticket_id}"), press(DEPUTY, f"xr:{ticket_id}:1")] * 5
    outcomes = await asyncio.gather(*(desk.handle(p) for p in presses))
    winners = [o for o in outcomes if o.wake_worker]
    assert len(winners) == 1
    losers = [o.toast or "" for o in outcomes if not o.wake_worker]
    assert all("Sudah diputuskan oleh" in t for t in losers)
    assert await status(database, clock, ticket_id) in ("approved", "rejected")


async def test_reject_offers_the_configured_reasons(
    ctx: DeskContext, desk: Desk, database: Database, clock: ManualClock
) -> None:
    ticket_id = await build(database, Path(VERIFIED, start=local(7, 8, 55)))
    asked = await desk.handle(press(HEAD, f"x:{ticket_id}"))
    [reply] = asked.replies
    labels = [b.text for row in reply.buttons for b in row]
    assert len(labels) == len(ctx.settings.reject_reasons)
    assert [b.data for row in reply.buttons for b in row] == [
        f"xr:{ticket_id}:{i}" for i in range(len(labels))
    ]
    bad = await desk.handle(press(HEAD, f"xr:{ticket_id}:9"))
    assert bad.toast and not bad.wake_worker
    done = await desk.handle(press(HEAD, f"xr:{ticket_id}:1"))
    assert done.wake_worker and "ditolak" in (done.toast or "")
    async with database.unit(clock.now()) as uow:
        decision = (await uow.tickets.decisions(ticket_id))[-1]
        assert decision.reason == ctx.settings.reject_reasons[1]
        assert await uow.staff.prompt(HEAD) is None  # the pending typed reason is gone


async def test_a_typed_reason_after_someone_else_decided_is_told_who(
    desk: Desk, database: Database, clock: ManualClock
) -> None:
    ticket_id = await build(database, Path(VERIFIED, start=local(7, 8, 55)))
    await desk.handle(press(HEAD, f"x:{ticket_id}"))
    await desk.handle(press(DEPUTY, f"a:{ticket_id}"))
    outcome = await desk.handle(typed(HEAD, "Kuota penuh bulan ini"))
    assert "Sudah diputuskan oleh Wakil Dewi" in plain(outcome.replies[0].text)
    assert await status(database, clock, ticket_id) == "approved"


async def test_without_verification_the_head_gets_the_card_and_decides(
    ctx: DeskContext, database: Database, clock: ManualClock
) -> None:
    ctx = dataclasses.replace(ctx, staff=dataclasses.replace(ctx.staff, verification=False))
    desk = Desk(ctx)
    ticket_id = await build(database, Path([("open", 0), ("form", 1)], start=local(7, 8, 55)))
    async with database.unit(clock.now()) as uow:
        ticket = await uow.tickets.get(ticket_id)
        assert ticket is not None
        await filling.submit(uow, ticket, ctx.form, Actor(Role.APPLICANT, 1, "Siti"), ctx.staff)
        cards = [
            j.payload for j in await uow.outbox.for_ticket(ticket_id) if j.kind == "staff_card"
        ]
    assert sorted(c["chat_id"] for c in cards) == [HEAD, DEPUTY]
    assert {c["stage"] for c in cards} == {"decide"}
    outcome = await desk.handle(press(HEAD, f"a:{ticket_id}"))
    assert outcome.wake_worker
    assert await status(database, clock, ticket_id) == "approved"


async def test_staff_read_their_own_language(
    desk: Desk, database: Database, clock: ManualClock
) -> None:
    ticket_id = await build(database, Path(VERIFIED, start=local(7, 8, 55)))
    async with database.unit(clock.now()) as uow:
        await uow.applicants.upsert(
            external_id=DEPUTY,
            chat_id=DEPUTY,
            display_name="Wakil",
            username=None,
            language="en",
            now=uow.now,
        )
    assert (
        await desk.handle(press(DEPUTY, f"x:{ticket_id}"))
    ).toast == "Type the reason in the chat."
    assert (await desk.handle(press(HEAD, f"x:{ticket_id}"))).toast == "Ketik alasannya di chat."


async def test_a_refused_command_is_recorded_against_the_ticket_it_names(
    desk: Desk, database: Database, clock: ManualClock
) -> None:
    ticket_id = await build(database, Path(SUBMITTED, start=local(7, 8, 55)))
    outcome = await desk.handle(command(STRANGER, "tiket", "HS-2026-1"))
    assert "hanya untuk petugas" in outcome.replies[0].text
    rows = await audit_rows(database, clock)
    assert rows == [(audit.REFUSED_COMMAND, ticket_id, "/tiket HS-2026-1")]


async def test_a_card_edited_late_shows_the_decision_of_its_own_stage(
    desk: Desk, database: Database, clock: ManualClock
) -> None:
    ticket_id = await build(database, Path([*VERIFIED, ("approved", 5)], start=local(7, 8, 55)))
    async with database.unit(clock.now()) as uow:
        verify = await review.last_decision(uow, ticket_id, "verify")
        decide = await review.last_decision(uow, ticket_id, "decide")
        assert verify is not None and (verify.kind, verify.staff_name) == ("verify", "Admin Rina")
        assert decide is not None and decide.kind == "approve"
