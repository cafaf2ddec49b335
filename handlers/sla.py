"""The SOP's standard times, measured from a ticket's stored transitions.

| step | from -> to | standard |
| 1 ticket answered | first contact -> ticket opened | 5 min |
| 2 triage | ticket opened -> category chosen | 5 min |
| 4 verify + decide | (last) submitted -> approved / rejected | 30 min |
| 5 create account | approved -> provisioned | 30 min |
| 6 deliver | provisioned -> delivered | none (seconds) |
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

from db.models import Ticket, Transition


@dataclass(frozen=True)
class Step:
    number: int
    key: str
    starts: frozenset[str]
    ends: frozenset[str]
    standard: timedelta | None


STEPS = (
    Step(1, "answer", frozenset({"new"}), frozenset({"open"}), timedelta(minutes=5)),
    Step(
        2, "triage", frozenset({"open"}), frozenset({"self_service", "form"}), timedelta(minutes=5)
    ),
    Step(
        4,
        "decide",
        frozenset({"submitted"}),
        frozenset({"approved", "rejected"}),
        timedelta(minutes=30),
    ),
    Step(5, "create", frozenset({"approved"}), frozenset({"provisioned"}), timedelta(minutes=30)),
    Step(6, "deliver", frozenset({"provisioned"}), frozenset({"delivered"}), None),
)


@dataclass(frozen=True)
class Measure:
    step: Step
    started: datetime
    ended: datetime

    @property
    def duration(self) -> timedelta:
        return self.ended - self.started

    @property
    def within(self) -> bool:
        return self.step.standard is None or self.duration <= self.step.standard


def measure(ticket: Ticket, transitions: Sequence[Transition]) -> list[Measure]:
    """Each completed step of one ticket. Step 1 starts at the first contact."""
    found: list[Measure] = []
    for step in STEPS:
        started: datetime | None = ticket.first_contact_at if step.number == 1 else None
        for transition in transitions:
            if step.number != 1 and transition.to_status in step.starts:
                started = transition.at
            elif started is not None and transition.to_status in step.ends:
                found.append(Measure(step, started, transition.at))
                started = None
                break
    return found


@dataclass(frozen=True)
class StepFigures:
    step: Step
    count: int
    within: int
    median: timedelta | None


def summarise(measures: Sequence[Measure]) -> list[StepFigures]:
    figures = []
    for step in STEPS:
        mine = [m for m in measures if m.step == step]
        durations = sorted(m.duration.total_seconds() for m in mine)
        figures.append(
            StepFigures(
                step,
                len(mine),
                sum(1 for m in mine if m.within),
                timedelta(seconds=median(durations)) if durations else None,
            )
        )
    return figures
