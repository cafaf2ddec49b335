"""The SOP's standard times ("mutu baku"), measured from a ticket's stored transitions.

| step | clock runs while the ticket is | ends (a measure) at | standard | held by |
| 1 ticket answered | new (first contact) | open | 5 min | the bot |
| 2 triage | open | self_service / form | 5 min | the applicant |
| 4 verify + decide | submitted, verified | approved / rejected / form | 30 min | admin, head |
| 5 create account | approved | provisioned | 30 min | admin (the bot) |
| 6 deliver | provisioned | delivered | none | the bot |

Each time a ticket enters a step's statuses a new *round* of that step starts (a returned and
resubmitted form runs step 4 twice). A round that leaves to any other status (cancelled) is not
measured. Steps with a standard count office time only, as a help desk's clock does; step 6 has
no standard and counts wall time (we aim for seconds, day or night).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import median

from db.models import Ticket, Transition
from handlers.office_hours import OfficeHours
from handlers.statuses import Role, Status

# The status a ticket is in between the applicant's first message and its ticket.
NEW = "new"
REMINDER = "reminder"
BREACH = "breach"


@dataclass(frozen=True)
class Step:
    number: int
    key: str
    during: frozenset[str]
    ends: frozenset[str]
    office: bool
    default_minutes: int | None


STEPS = (
    Step(1, "answer", frozenset({NEW}), frozenset({Status.OPEN}), True, 5),
    Step(
        2,
        "triage",
        frozenset({Status.OPEN}),
        frozenset({Status.SELF_SERVICE, Status.FORM}),
        True,
        5,
    ),
    Step(
        4,
        "decide",
        frozenset({Status.SUBMITTED, Status.VERIFIED}),
        frozenset({Status.APPROVED, Status.REJECTED, Status.FORM}),
        True,
        30,
    ),
    Step(5, "create", frozenset({Status.APPROVED}), frozenset({Status.PROVISIONED}), True, 30),
    Step(6, "deliver", frozenset({Status.PROVISIONED}), frozenset({Status.DELIVERED}), False, None),
)
STEP_BY_NUMBER = {step.number: step for step in STEPS}


def default_standards() -> dict[int, timedelta]:
    return {s.number: timedelta(minutes=s.default_minutes) for s in STEPS if s.default_minutes}


@dataclass(frozen=True)
class SlaRules:
    hours: OfficeHours
    standards: Mapping[int, timedelta] = field(default_factory=default_standards)
    reminder_share: float = 0.8

    def standard(self, step: Step) -> timedelta | None:
        return self.standards.get(step.number)

    def elapsed(self, step: Step, started: datetime, ended: datetime) -> timedelta:
        if step.office:
            return self.hours.working_time(started, ended)
        return max(timedelta(0), ended - started)

    def level(self, step: Step, used: timedelta) -> str | None:
        """Which alert a clock that has used `used` deserves, if any."""
        standard = self.standard(step)
        if standard is None:
            return None
        if used >= standard:
            return BREACH
        if used >= standard * self.reminder_share:
            return REMINDER
        return None


@dataclass(frozen=True)
class Round:
    """One run of one step for one ticket."""

    step: Step
    number: int
    started: datetime
    ended: datetime | None
    # The status that ended the round; None while it runs.
    outcome: str | None

    @property
    def completed(self) -> bool:
        return self.outcome is not None and self.outcome in self.step.ends


def rounds(ticket: Ticket, transitions: Sequence[Transition]) -> list[Round]:
    """Every round of every step of one ticket, in the order they started."""
    events = [(NEW, ticket.first_contact_at)] + [(t.to_status, t.at) for t in transitions]
    found: list[Round] = []
    running: dict[int, tuple[int, datetime]] = {}
    counts: dict[int, int] = {}
    for status, at in events:
        for step in STEPS:
            current = running.get(step.number)
            if current is not None:
                if status in step.during:
                    continue
                found.append(Round(step, current[0], current[1], at, status))
                del running[step.number]
            if status in step.during:
                counts[step.number] = counts.get(step.number, 0) + 1
                running[step.number] = (counts[step.number], at)
    for number, (index, started) in running.items():
        found.append(Round(STEP_BY_NUMBER[number], index, started, None, None))
    return sorted(found, key=lambda r: (r.started, r.step.number))


def running_round(ticket: Ticket, transitions: Sequence[Transition]) -> Round | None:
    """The round whose clock runs now (at most one: the steps do not overlap)."""
    for found in rounds(ticket, transitions):
        if found.ended is None:
            return found
    return None


def holder(step: Step, status: str, verification: bool = True) -> Role | None:
    """Who the clock waits for; None where no staff member can act (the bot, the applicant)."""
    if step.number == 4:
        if status == Status.SUBMITTED:
            return Role.ADMIN if verification else Role.HEAD
        if status == Status.VERIFIED:
            return Role.HEAD
    if step.number == 5 and status == Status.APPROVED:
        return Role.ADMIN
    return None


@dataclass(frozen=True)
class Measure:
    step: Step
    round: int
    started: datetime
    ended: datetime
    duration: timedelta
    within: bool


def measure(ticket: Ticket, transitions: Sequence[Transition], rules: SlaRules) -> list[Measure]:
    """Each completed round of one ticket, with its duration on the step's clock."""
    found = []
    for r in rounds(ticket, transitions):
        if not r.completed or r.ended is None:
            continue
        duration = rules.elapsed(r.step, r.started, r.ended)
        standard = rules.standard(r.step)
        found.append(
            Measure(
                r.step,
                r.number,
                r.started,
                r.ended,
                duration,
                standard is None or duration <= standard,
            )
        )
    return found


@dataclass(frozen=True)
class StepFigures:
    step: Step
    standard: timedelta | None
    count: int
    within: int
    median: timedelta | None
    p90: timedelta | None


def percentile(ordered: Sequence[float], share: float) -> float:
    """Nearest rank: the smallest value with at least `share` of the values at or below it."""
    if not ordered:
        raise ValueError("no values")
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def summarise(measures: Sequence[Measure], rules: SlaRules) -> list[StepFigures]:
    figures = []
    for step in STEPS:
        seconds = sorted(m.duration.total_seconds() for m in measures if m.step == step)
        figures.append(
            StepFigures(
                step=step,
                standard=rules.standard(step),
                count=len(seconds),
                within=sum(1 for m in measures if m.step == step and m.within),
                median=timedelta(seconds=median(seconds)) if seconds else None,
                p90=timedelta(seconds=percentile(seconds, 0.9)) if seconds else None,
            )
        )
    return figures
