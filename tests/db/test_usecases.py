"""The SOP's use cases against a real database, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.clock import ManualClock
from db.uow import Database, UnitOfWork
from handlers import attachments, filling, intake, leaving, review
from handlers.actors import Actor, StaffDirectory
from handlers.errors import AlreadyDecided, NotStaff
from handlers.form.definition import FormDefinition, load_form
from handlers.form.validators import Accepted, Limits, Rejected
from handlers.statuses import Role, Status
from handlers.transitions import TransitionRefused

STAFF = StaffDirectory(admins=frozenset({1}), heads=frozenset({2, 3}))
GUEST = intake.Contact(500, 500, "Siti Aminah", "siti", "id")
ANSWERS = {
    "full_name": "Siti Aminah",
    "id_number": "3507123456780001",
    "institution": "Universitas Brawijaya",
    "email": "siti@example.org",
    "phone": "081234567890",
    "purpose": "Narasumber seminar nasional",
    "host_unit": "PTIPD",
    "start_date": "7/12/2026",
    "days": "3",
    "devices": "1",
}


@pytest.fixture
def form() -> FormDefinition:
    return load_form(None, frozenset({"tamu", "mitra", "peserta", "lainnya"}))


def unit(database: Database, clock: ManualClock) -> UnitOfWork:
    return database.unit(clock.now())


async def submitted_ticket(database: Database, clock: ManualClock, form: FormDefinition) -> int:
    async with unit(database, clock) as uow:
        applicant = await intake.register(uow, GUEST)
        ticket = await intake.open_ticket(uow, applicant)
        actor = Actor(Role.APPLICANT, 500, "Siti")
        await intake.choose_category(uow, ticket, "tamu", actor, form, frozenset({"dosen"}))
        limits = Limits(clock.now().date(), 7, ("PTIPD",))
        for text in ANSWERS.values():
            assert isinstance(await filling.save_answer(uow, ticket, form, text, limits), Accepted)
        letter = form.get("letter")
        assert letter is not None
        await attachments.skip(uow, ticket, form, letter)
        assert ticket.cursor == filling.SUMMARY
        await filling.submit(uow, ticket, form, actor, STAFF)
        return ticket.id


async def test_ticket_numbers_are_per_year_and_unique(
    database: Database, clock: ManualClock
) -> None:
    numbers = []
    for _ in range(3):
        async with unit(database, clock) as uow:
            applicant = await intake.register(uow, GUEST)
            numbers.append((await intake.open_ticket(uow, applicant)).number)
    assert numbers == ["HS-2026-000001", "HS-2026-000002", "HS-2026-000003"]


async def test_a_refused_answer_changes_nothing(
    database: Database, clock: ManualClock, form: FormDefinition
) -> None:
    async with unit(database, clock) as uow:
        applicant = await intake.register(uow, GUEST)
        ticket = await intake.open_ticket(uow, applicant)
        actor = Actor(Role.APPLICANT, 500, "Siti")
        await intake.choose_category(uow, ticket, "tamu", actor, form, frozenset())
        verdict = await filling.save_answer(
            uow, ticket, form, "R2D2", Limits(clock.now().date(), 7)
        )
        assert isinstance(verdict, Rejected)
        ticket_id = ticket.id
    async with unit(database, clock) as uow:
        ticket = await uow.tickets.get(ticket_id)
        assert ticket is not None
        assert ticket.cursor == "full_name"
        assert ticket.answers == []


async def test_the_whole_review_records_transitions_and_jobs(
    database: Database, clock: ManualClock, form: FormDefinition
) -> None:
    ticket_id = await submitted_ticket(database, clock, form)
    clock.advance(timedelta(minutes=3))
    async with unit(database, clock) as uow:
        await review.verify(uow, ticket_id, review.act_as(STAFF, 1, "Admin", Role.ADMIN), STAFF)
    async with unit(database, clock) as uow:
        await review.approve(uow, ticket_id, review.act_as(STAFF, 2, "Kepala", Role.HEAD))
    async with unit(database, clock) as uow:
        transitions = await uow.tickets.transitions(ticket_id)
        assert [t.to_status for t in transitions] == [
            "open",
            "form",
            "submitted",
            "verified",
            "approved",
        ]
        assert transitions[-1].actor_name == "Kepala"
        kinds = sorted(job.kind for job in await uow.outbox.for_ticket(ticket_id))
        assert kinds.count("staff_card") == 3  # one admin, then two heads
        assert "provision" in kinds


async def test_only_configured_staff_may_act(
    database: Database, clock: ManualClock, form: FormDefinition
) -> None:
    with pytest.raises(NotStaff):
        review.act_as(STAFF, 500, "Siti", Role.ADMIN)
    with pytest.raises(NotStaff):
        review.act_as(STAFF, 1, "Admin", Role.HEAD)


async def test_a_second_approval_is_refused_with_who_decided(
    database: Database, clock: ManualClock, form: FormDefinition
) -> None:
    ticket_id = await submitted_ticket(database, clock, form)
    async with unit(database, clock) as uow:
        await review.verify(uow, ticket_id, Actor(Role.ADMIN, 1, "Admin"), STAFF)
    async with unit(database, clock) as uow:
        await review.reject(uow, ticket_id, Actor(Role.HEAD, 2, "Kepala"), "Tidak ada surat tugas")
    with pytest.raises(AlreadyDecided) as raised:
        async with unit(database, clock) as uow:
            await review.approve(uow, ticket_id, Actor(Role.HEAD, 3, "Wakil"))
    assert raised.value.by == "Kepala"
    async with unit(database, clock) as uow:
        ticket = await uow.tickets.get(ticket_id)
        assert ticket is not None and ticket.status == Status.REJECTED


async def test_approve_racing_reject_has_exactly_one_winner(
    database: Database, clock: ManualClock, form: FormDefinition
) -> None:
    ticket_id = await submitted_ticket(database, clock, form)
    async with unit(database, clock) as uow:
        await review.verify(uow, ticket_id, Actor(Role.ADMIN, 1, "Admin"), STAFF)

    async def approve() -> str:
        async with unit(database, clock) as uow:
            await review.approve(uow, ticket_id, Actor(Role.HEAD, 2, "Kepala"))
        return "approved"

    async def reject() -> str:
        async with unit(database, clock) as uow:
            await review.reject(uow, ticket_id, Actor(Role.HEAD, 3, "Wakil"), "Kuota penuh")
        return "rejected"

    results = await asyncio.gather(
        *[approve() for _ in range(10)], *[reject() for _ in range(10)], return_exceptions=True
    )
    winners = [r for r in results if isinstance(r, str)]
    assert len(winners) == 1
    assert all(isinstance(r, AlreadyDecided) for r in results if not isinstance(r, str))
    async with unit(database, clock) as uow:
        decisions = await uow.tickets.decisions(ticket_id)
        expected = "approve" if winners[0] == "approved" else "reject"
        assert [d.kind for d in decisions] == ["verify", expected]
        jobs = [j.kind for j in await uow.outbox.for_ticket(ticket_id)]
        assert jobs.count("provision") == (1 if winners[0] == "approved" else 0)


async def test_return_sends_the_form_back_with_its_history(
    database: Database, clock: ManualClock, form: FormDefinition
) -> None:
    ticket_id = await submitted_ticket(database, clock, form)
    async with unit(database, clock) as uow:
        ticket = await review.return_form(
            uow, ticket_id, Actor(Role.ADMIN, 1, "Admin"), "NIK salah"
        )
        assert ticket.status == Status.FORM and ticket.cursor == filling.SUMMARY
        await filling.submit(uow, ticket, form, Actor(Role.APPLICANT, 500, "Siti"), STAFF)
    async with unit(database, clock) as uow:
        statuses = [t.to_status for t in await uow.tickets.transitions(ticket_id)]
        assert statuses[-3:] == ["submitted", "form", "submitted"]
        cards = [j for j in await uow.outbox.for_ticket(ticket_id) if j.kind == "staff_card"]
        assert len(cards) == 2  # a new card for the resubmission


async def test_cancel_after_decision_is_refused(
    database: Database, clock: ManualClock, form: FormDefinition
) -> None:
    ticket_id = await submitted_ticket(database, clock, form)
    async with unit(database, clock) as uow:
        await review.verify(uow, ticket_id, Actor(Role.ADMIN, 1, "Admin"), STAFF)
    async with unit(database, clock) as uow:
        await review.approve(uow, ticket_id, Actor(Role.HEAD, 2, "Kepala"))
    with pytest.raises(TransitionRefused):
        async with unit(database, clock) as uow:
            ticket = await uow.tickets.get(ticket_id)
            assert ticket is not None
            await leaving.cancel(uow, ticket, Actor(Role.APPLICANT, 500, "Siti"))


async def test_outbox_claim_is_exclusive_and_keys_deduplicate(
    database: Database, clock: ManualClock
) -> None:
    async with unit(database, clock) as uow:
        first = await uow.outbox.enqueue("chat", "k1", {"chat_id": 1, "text": "x"}, uow.now)
        again = await uow.outbox.enqueue("chat", "k1", {"chat_id": 1, "text": "x"}, uow.now)
        assert first is not None and again is None
        job_id = first.id

    async def claim() -> bool:
        async with unit(database, clock) as uow:
            return await uow.outbox.claim(job_id, uow.now, timedelta(minutes=1))

    results = await asyncio.gather(*[claim() for _ in range(8)])
    assert results.count(True) == 1
