"""Constructed histories: tickets whose transitions happen at chosen moments.

Written straight through the repositories (not the dialog), so a test states exactly when
each step began and ended and can check the figures computed from them.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from db.models import Decision, HotspotAccount, Ticket, Transition
from db.uow import Database
from handlers.statuses import Role

JAKARTA = ZoneInfo("Asia/Jakarta")
ANSWERS = {
    "full_name": "Siti Aminah",
    "id_number": "3507123456780001",
    "institution": "Universitas Brawijaya",
    "email": "siti@example.org",
    "phone": "+6281234567890",
    "purpose": "Narasumber seminar nasional di FST",
    "host_unit": "PTIPD",
    "start_date": "2026-12-07",
    "days": "3",
    "devices": "1",
    "letter": "",
}
# Who makes each move, and the decision it records.
MOVER = {
    "open": (Role.APPLICANT, None),
    "form": (Role.APPLICANT, None),
    "self_service": (Role.APPLICANT, None),
    "submitted": (Role.APPLICANT, None),
    "verified": (Role.ADMIN, "verify"),
    "approved": (Role.HEAD, "approve"),
    "rejected": (Role.HEAD, "reject"),
    "cancelled": (Role.APPLICANT, None),
    "expired": (Role.SYSTEM, None),
    "provisioned": (Role.SYSTEM, None),
    "delivered": (Role.SYSTEM, None),
    "closed": (Role.SYSTEM, None),
}
_PEOPLE = itertools.count(70001)
NAMES = {Role.ADMIN: "Admin Rina", Role.HEAD: "Kepala Fauzan", Role.SYSTEM: "Hotspot Desk"}


def local(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    """A moment in Malang (UTC+7) in December 2026; 7 December is a Monday."""
    return datetime(2026, month, day, hour, minute, tzinfo=JAKARTA).astimezone(UTC)


@dataclass
class Path:
    """`steps`: (status, minutes after the previous move). The first is "open"."""

    steps: list[tuple[str, float]]
    start: datetime
    category: str = "tamu"
    name: str = "Siti Aminah"
    username: str | None = "siti"
    answers: dict[str, str] = field(default_factory=lambda: dict(ANSWERS))
    reason: str | None = None
    account: tuple[date, date, str] | None = None
    external_id: int | None = None


async def build(database: Database, path: Path) -> int:
    moments = []
    at = path.start
    for status, minutes in path.steps:
        at = at + timedelta(minutes=minutes)
        moments.append((status, at))
    async with database.unit(path.start) as uow:
        applicant = await uow.applicants.upsert(
            external_id=path.external_id or next(_PEOPLE),
            chat_id=path.external_id or 0,
            display_name=path.name,
            username=path.username,
            language="id",
            now=path.start,
        )
        ticket = await uow.tickets.add(
            Ticket(
                number=await uow.tickets.next_number(path.start.year),
                applicant_id=applicant.id,
                category=path.category if len(moments) > 1 else None,
                status=moments[-1][0],
                created_at=moments[0][1],
                updated_at=moments[-1][1],
                first_contact_at=path.start,
                applicant=applicant,
                answers=[],
            )
        )
        for name, value in path.answers.items():
            await uow.tickets.set_answer(ticket, name, value, path.start)
        previous = "new"
        for status, moment in moments:
            role, decision = MOVER[status]
            actor_name = NAMES.get(role, path.name)
            note = path.reason if status == "rejected" else None
            await uow.tickets.add_transition(
                Transition(
                    ticket_id=ticket.id,
                    from_status=previous,
                    to_status=status,
                    actor_role=role,
                    actor_id=1 if role != Role.APPLICANT else applicant.external_id,
                    actor_name=actor_name,
                    note=note,
                    at=moment,
                )
            )
            if decision:
                await uow.tickets.add_decision(
                    Decision(
                        ticket_id=ticket.id,
                        kind=decision,
                        staff_id=1,
                        staff_name=actor_name,
                        reason=note,
                        at=moment,
                    )
                )
            previous = status
        if path.account:
            valid_from, valid_until, status = path.account
            await uow.accounts.add(
                HotspotAccount(
                    ticket_id=ticket.id,
                    username=f"tamu-{ticket.id:04d}",
                    password=None,
                    profile="tamu",
                    server="all",
                    valid_from=valid_from,
                    valid_until=valid_until,
                    status=status,
                    created_at=moments[-1][1],
                )
            )
        return ticket.id
