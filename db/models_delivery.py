"""Tables of provisioning and delivery: each try of an outbox job, and extension requests."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.models import Base


class OutboxAttempt(Base):
    """One run of an outbox job, kept so that staff can see what was tried and what failed.

    A row is written when the job is claimed and closed when the run ends; a row still
    "running" after a later attempt started means the bot stopped (or crashed) mid-run.
    """

    __tablename__ = "outbox_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("outbox_jobs.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    # running | done | retry | failed
    outcome: Mapped[str] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(Text)
    next_run_at: Mapped[datetime | None]


class TicketExtension(Base):
    """A ticket opened from an expiry notice to extend the access of an earlier ticket."""

    __tablename__ = "ticket_extensions"

    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("tickets.id"), primary_key=True, autoincrement=False
    )
    extends_ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    created_at: Mapped[datetime]
