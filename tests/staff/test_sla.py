"""SOP step clocks from stored transitions: rounds, office time, medians and percentiles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from db.models import Ticket, Transition
from handlers import sla
from handlers.office_hours import OfficeHours
from handlers.statuses import Role
from tests.staff.history import JAKARTA, local

RULES = sla.SlaRules(OfficeHours(JAKARTA))
MIN = timedelta(minutes=1)


def ticket_with(
    first_contact: datetime, *moves: tuple[str, datetime]
) -> tuple[Ticket, list[Transition]]:
    ticket = Ticket(
        id=1, number="HS-2026-000001", status=moves[-1][0], first_contact_at=first_contact
    )
    transitions = []
    previous = "new"
    for status, at in moves:
        transitions.append(
            Transition(
                ticket_id=1, from_status=previous, to_status=status, actor_role=Role.SYSTEM, at=at
            )
        )
        previous = status
    return ticket, transitions


def test_a_guest_path_gives_one_measure_per_step() -> None:
    ticket, moves = ticket_with(
        local(7, 9),
        ("open", local(7, 9)),
        ("form", local(7, 9, 2)),
        ("submitted", local(7, 9, 10)),
        ("verified", local(7, 9, 20)),
        ("approved", local(7, 9, 35)),
        ("provisioned", local(7, 9, 35) + timedelta(seconds=20)),
        ("delivered", local(7, 9, 36)),
        ("closed", local(7, 9, 36)),
    )
    found = {m.step.number: m for m in sla.measure(ticket, moves, RULES)}
    assert sorted(found) == [1, 2, 4, 5, 6]
    assert found[1].duration == timedelta(0)
    assert found[2].duration == 2 * MIN and found[2].within
    assert found[4].duration == 25 * MIN and found[4].within
    assert found[5].duration == timedelta(seconds=20)
    assert found[6].duration == timedelta(seconds=40)


def test_step_4_counts_office_time_only() -> None:
    # Submitted on Friday at 15:50, decided on Monday at 07:50: 10 + 20 office minutes.
    ticket, moves = ticket_with(
        local(11, 15),
        ("open", local(11, 15)),
        ("form", local(11, 15, 1)),
        ("submitted", local(11, 15, 50)),
        ("verified", local(14, 7, 40)),
        ("rejected", local(14, 7, 50)),
    )
    step4 = next(m for m in sla.measure(ticket, moves, RULES) if m.step.number == 4)
    assert step4.duration == 30 * MIN and step4.within
    assert step4.ended - step4.started > timedelta(days=2)


def test_a_return_ends_a_round_and_the_resubmission_starts_the_next() -> None:
    ticket, moves = ticket_with(
        local(7, 9),
        ("open", local(7, 9)),
        ("form", local(7, 9, 1)),
        ("submitted", local(7, 9, 5)),
        ("form", local(7, 9, 45)),  # returned after 40 minutes: over the standard
        ("submitted", local(7, 11)),
        ("verified", local(7, 11, 5)),
    )
    rounds = [r for r in sla.rounds(ticket, moves) if r.step.number == 4]
    assert [(r.number, r.completed, r.ended is None) for r in rounds] == [
        (1, True, False),
        (2, False, True),
    ]
    running = sla.running_round(ticket, moves)
    assert running is not None and running.number == 2 and running.started == local(7, 11)
    [measure] = [m for m in sla.measure(ticket, moves, RULES) if m.step.number == 4]
    assert measure.duration == 40 * MIN and not measure.within


def test_a_cancelled_round_is_not_measured() -> None:
    ticket, moves = ticket_with(
        local(7, 9),
        ("open", local(7, 9)),
        ("form", local(7, 9, 1)),
        ("submitted", local(7, 9, 5)),
        ("cancelled", local(7, 10)),
    )
    assert [m.step.number for m in sla.measure(ticket, moves, RULES)] == [1, 2]
    assert sla.running_round(ticket, moves) is None


def test_holders_follow_the_sop_and_the_verification_switch() -> None:
    decide = sla.STEP_BY_NUMBER[4]
    assert sla.holder(decide, "submitted") == Role.ADMIN
    assert sla.holder(decide, "verified") == Role.HEAD
    assert sla.holder(decide, "submitted", verification=False) == Role.HEAD
    assert sla.holder(sla.STEP_BY_NUMBER[5], "approved") == Role.ADMIN
    assert sla.holder(sla.STEP_BY_NUMBER[2], "open") is None


def test_levels_at_80_and_100_percent() -> None:
    decide = sla.STEP_BY_NUMBER[4]
    assert RULES.level(decide, 23 * MIN) is None
    assert RULES.level(decide, 24 * MIN) == sla.REMINDER
    assert RULES.level(decide, 30 * MIN) == sla.BREACH
    assert RULES.level(sla.STEP_BY_NUMBER[6], 600 * MIN) is None


def test_figures_median_and_nearest_rank_percentile() -> None:
    step = sla.STEP_BY_NUMBER[4]
    start = datetime(2026, 12, 7, tzinfo=UTC)
    durations = [5, 10, 12, 20, 25, 28, 31, 35, 40, 90]
    measures = [sla.Measure(step, 1, start, start + d * MIN, d * MIN, d <= 30) for d in durations]
    [figures] = [f for f in sla.summarise(measures, RULES) if f.step == step]
    assert (figures.count, figures.within) == (10, 6)
    assert figures.median == 26.5 * MIN
    assert figures.p90 == 40 * MIN  # the 9th of 10 values
    assert sla.percentile([1.0], 0.9) == 1.0
    assert sla.percentile([1.0, 2.0, 3.0], 0.5) == 2.0
