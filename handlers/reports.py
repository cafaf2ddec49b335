"""The figures staff read: what came in and how it ended, what waits now and for whom, and
each SOP step against its standard. Shared by the daily digest, /antrian and /statistik."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from db.models import HotspotAccount, OutboxJob, Ticket, Transition
from db.uow import UnitOfWork
from handlers import sla
from handlers.lookup import Period
from handlers.statuses import Status

# How a ticket ended (or stands), for counting by outcome.
SELF_SERVICE = "self_service"
DELIVERED = "delivered"
APPROVED = "approved"
REJECTED = "rejected"
CANCELLED = "cancelled"
EXPIRED = "expired"
IN_PROGRESS = "in_progress"
OUTCOMES = (SELF_SERVICE, DELIVERED, APPROVED, REJECTED, CANCELLED, EXPIRED, IN_PROGRESS)

# Statuses in which a ticket waits for staff or for the bot, not for its applicant.
WAITING = (
    Status.SUBMITTED,
    Status.VERIFIED,
    Status.APPROVED,
    Status.PROVISIONED,
    Status.REJECTED,
)
WITH_APPLICANT = (Status.OPEN, Status.FORM)


def outcome(ticket: Ticket, transitions: Sequence[Transition]) -> str:
    """The furthest the ticket got: a closed ticket is told apart by the path it took."""
    visited = {t.to_status for t in transitions} | {ticket.status}
    if Status.REJECTED in visited:
        return REJECTED
    if Status.DELIVERED in visited:
        return DELIVERED
    if Status.APPROVED in visited:
        return APPROVED
    if Status.SELF_SERVICE in visited:
        return SELF_SERVICE
    if ticket.status == Status.CANCELLED:
        return CANCELLED
    if ticket.status == Status.EXPIRED:
        return EXPIRED
    return IN_PROGRESS


@dataclass(frozen=True)
class CategoryLine:
    category: str | None
    total: int
    outcomes: dict[str, int]


def by_category(
    tickets: Iterable[Ticket], transitions: dict[int, list[Transition]]
) -> list[CategoryLine]:
    counts: dict[str | None, Counter[str]] = defaultdict(Counter)
    for ticket in tickets:
        counts[ticket.category][outcome(ticket, transitions.get(ticket.id, []))] += 1
    return [
        CategoryLine(
            category,
            sum(found.values()),
            {name: found[name] for name in OUTCOMES if found[name]},
        )
        for category, found in sorted(counts.items(), key=lambda item: item[0] or "~")
    ]


@dataclass(frozen=True)
class Waiting:
    ticket: Ticket
    # "admin", "head" or "system".
    waiting_for: str
    # When the ticket entered its current status.
    since: datetime
    step: int | None
    used: timedelta | None
    standard: timedelta | None


def waiting_for(status: str, verification: bool) -> str:
    if status == Status.SUBMITTED:
        return "admin" if verification else "head"
    if status == Status.VERIFIED:
        return "head"
    return "system"


async def waiting_now(
    uow: UnitOfWork, rules: sla.SlaRules, verification: bool
) -> tuple[list[Waiting], int]:
    """What waits for staff or the bot (oldest first), and how many forms are with applicants."""
    tickets = list(await uow.records.tickets_in([*WAITING, *WITH_APPLICANT]))
    with_applicant = sum(1 for t in tickets if t.status in WITH_APPLICANT)
    waiting = [t for t in tickets if t.status in WAITING]
    histories = await uow.records.transitions_of(t.id for t in waiting)
    found = []
    for ticket in waiting:
        history = histories.get(ticket.id, [])
        since = history[-1].at if history else ticket.updated_at
        running = sla.running_round(ticket, history)
        step = running.step if running else None
        found.append(
            Waiting(
                ticket=ticket,
                waiting_for=waiting_for(ticket.status, verification),
                since=since,
                step=step.number if step else None,
                used=rules.elapsed(running.step, running.started, uow.now) if running else None,
                standard=rules.standard(step) if step else None,
            )
        )
    found.sort(key=lambda w: w.since)
    return found, with_applicant


@dataclass(frozen=True)
class PeriodReport:
    period: Period
    created: list[CategoryLine]
    figures: list[sla.StepFigures]
    reminders: int
    breaches: int
    accounts_created: int


async def period_report(uow: UnitOfWork, period: Period, rules: sla.SlaRules) -> PeriodReport:
    """Tickets opened in the period by category and outcome, and the SOP steps that ended in it."""
    created = list(await uow.records.tickets_created_between(period.start, period.end))
    moved = list(await uow.records.tickets_moved_between(period.start, period.end))
    histories = await uow.records.transitions_of({t.id for t in created} | {t.id for t in moved})
    measures = [
        m
        for ticket in moved
        for m in sla.measure(ticket, histories.get(ticket.id, []), rules)
        if period.start <= m.ended < period.end
    ]
    alerts = await uow.records.alerts_between(period.start, period.end)
    provisioned = sum(
        1
        for history in histories.values()
        for t in history
        if t.to_status == Status.PROVISIONED and period.start <= t.at < period.end
    )
    return PeriodReport(
        period=period,
        created=by_category(created, histories),
        figures=sla.summarise(measures, rules),
        reminders=sum(1 for a in alerts if a.level == sla.REMINDER),
        breaches=sum(1 for a in alerts if a.level == sla.BREACH),
        accounts_created=provisioned,
    )


def expires_at(account: HotspotAccount, zone: tzinfo) -> datetime:
    """An account works through its last valid day (local) and stops at the next midnight."""
    return datetime.combine(account.valid_until + timedelta(days=1), time(0), tzinfo=zone)


async def expiring_soon(
    uow: UnitOfWork, now: datetime, zone: tzinfo, within: timedelta = timedelta(hours=24)
) -> list[tuple[HotspotAccount, str, datetime]]:
    """Active accounts that stop working within `within` from now, with their ticket numbers."""
    today = now.astimezone(zone).date()
    last: date = (now + within).astimezone(zone).date()
    accounts = await uow.records.accounts_ending(today - timedelta(days=1), last)
    numbers = await uow.records.numbers_of(a.ticket_id for a in accounts)
    found = []
    for account in accounts:
        ends = expires_at(account, zone)
        if now < ends <= now + within:
            found.append((account, numbers.get(account.ticket_id, "—"), ends))
    return sorted(found, key=lambda item: item[2])


async def troubles(uow: UnitOfWork, since: datetime) -> list[tuple[OutboxJob, str]]:
    """Jobs that failed for good since `since`, then jobs retrying now, with ticket numbers."""
    jobs = [
        *await uow.records.failed_jobs_between(since, uow.now + timedelta(seconds=1)),
        *await uow.records.retrying_jobs(),
    ]
    numbers = await uow.records.numbers_of(j.ticket_id for j in jobs if j.ticket_id is not None)
    return [(job, numbers.get(job.ticket_id or 0, "—")) for job in jobs]
