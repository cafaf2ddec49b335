"""What a use case refuses, in terms the dialog can explain."""

from __future__ import annotations

from datetime import datetime

from db.models import Decision


class DeskError(Exception):
    """Base for refusals that leave everything as it was."""


class NotStaff(DeskError):
    """The person is not configured for the role the action needs."""


class TicketNotFound(DeskError):
    pass


class AlreadyDecided(DeskError):
    """Someone else acted first (or this is a second press); `decision` says who and when."""

    def __init__(self, decision: Decision | None, status: str) -> None:
        super().__init__(status)
        # Plain values: the exception outlives the transaction that read them.
        self.by: str | None = decision.staff_name if decision else None
        self.at: datetime | None = decision.at if decision else None
        self.status = status


class NotYet(DeskError):
    """The ticket has not reached the step this action belongs to (a head's decision on a form
    that no admin has verified yet)."""

    def __init__(self, number: str, status: str) -> None:
        super().__init__(status)
        self.number = number
        self.status = status
