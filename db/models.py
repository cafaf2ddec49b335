"""The tables. Every ticket's life is in `tickets` plus its `transitions`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from db.types import UtcDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UtcDateTime, dict[str, Any]: JSON}


class Applicant(Base):
    __tablename__ = "applicants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), default="telegram")
    external_id: Mapped[int] = mapped_column(BigInteger)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    display_name: Mapped[str] = mapped_column(String(200))
    username: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8), default="id")
    created_at: Mapped[datetime]

    tickets: Mapped[list[Ticket]] = relationship(back_populates="applicant", lazy="raise_on_sql")

    __table_args__ = (UniqueConstraint("channel", "external_id"),)


class TicketCounter(Base):
    """Per-year sequence for human ticket numbers (HS-2026-000123)."""

    __tablename__ = "ticket_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Ticket(Base):
    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicants.id"))
    category: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), index=True)
    # Where the dialog stands inside the status: a form field name, "summary", "confirm_cancel"...
    cursor: Mapped[str | None] = mapped_column(String(64))
    return_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # The first message of the applicant that opened this ticket (SOP step 1 starts here).
    first_contact_at: Mapped[datetime]
    # When an idle form got its one reminder.
    reminded_at: Mapped[datetime | None]
    # Which chat message gave the latest accepted answer (None: a button or a file), and which
    # one was last refused, with their fields: an applicant who edits that message changes
    # that answer (Telegram's edited_message).
    answered_field: Mapped[str | None] = mapped_column(String(64))
    answered_message_id: Mapped[int | None] = mapped_column(BigInteger)
    refused_field: Mapped[str | None] = mapped_column(String(64))
    refused_message_id: Mapped[int | None] = mapped_column(BigInteger)

    # Loaded with the ticket: almost every use of a ticket reads both.
    applicant: Mapped[Applicant] = relationship(back_populates="tickets", lazy="joined")
    answers: Mapped[list[FormAnswer]] = relationship(
        back_populates="ticket",
        order_by="FormAnswer.id",
        cascade="all, delete-orphan",
        lazy="selectin",
    )
    transitions: Mapped[list[Transition]] = relationship(
        back_populates="ticket",
        order_by="Transition.id",
        cascade="all, delete-orphan",
        lazy="raise_on_sql",
    )


class FormAnswer(Base):
    __tablename__ = "form_answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    field: Mapped[str] = mapped_column(String(64))
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime]

    ticket: Mapped[Ticket] = relationship(back_populates="answers")

    __table_args__ = (UniqueConstraint("ticket_id", "field"),)


class Transition(Base):
    __tablename__ = "transitions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    from_status: Mapped[str] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    actor_role: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(BigInteger)
    actor_name: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(index=True)

    ticket: Mapped[Ticket] = relationship(back_populates="transitions")


class Decision(Base):
    """A staff decision: verify / return by an admin, approve / reject by a head."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    staff_id: Mapped[int] = mapped_column(BigInteger)
    staff_name: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime]


class StaffCard(Base):
    """One copy of a ticket's card in a staff chat, so every copy can be edited after a decision."""

    __tablename__ = "staff_cards"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    stage: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(BigInteger)
    closed: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]


class StaffPrompt(Base):
    """A staff member's pending free-text answer: a rejection reason or a return note."""

    __tablename__ = "staff_prompts"

    staff_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    action: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]


class HotspotAccount(Base):
    __tablename__ = "hotspot_accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), unique=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    # Plaintext only until both deliveries are done; then wiped (None).
    password: Mapped[str | None] = mapped_column(String(64))
    profile: Mapped[str] = mapped_column(String(64))
    server: Mapped[str] = mapped_column(String(64))
    router_id: Mapped[str | None] = mapped_column(String(16))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    created_at: Mapped[datetime]
    provisioned_at: Mapped[datetime | None]
    email_sent_at: Mapped[datetime | None]
    chat_sent_at: Mapped[datetime | None]
    disabled_at: Mapped[datetime | None]
    # Provisioning and delivery: `shared-users` comes from the number of devices; each
    # /kirimulang starts a new delivery round with a new password.
    devices: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    limit_uptime: Mapped[str | None] = mapped_column(String(32))
    delivery_round: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    revoked_at: Mapped[datetime | None]


class OutboxJob(Base):
    """A side effect to perform (router, email, chat), written with the state change causing it."""

    __tablename__ = "outbox_jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    # Same key, same job: a second enqueue of the same effect is ignored.
    dedupe_key: Mapped[str] = mapped_column(String(128), unique=True)
    payload: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    run_after: Mapped[datetime]
    locked_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    # When the admins were told that this job keeps failing (they are told once).
    alerted_at: Mapped[datetime | None]
    # The chat this job writes to, if it does: jobs for one chat run in id order, so
    # Telegram's flood control cannot put a later message before an earlier one.
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    # The worker process holding the lease (`OutboxWorkerRow.id`): when that process is
    # known to be dead, its jobs are taken at once instead of after the lease.
    locked_by: Mapped[str | None] = mapped_column(String(32))

    __table_args__ = (
        Index("ix_outbox_due", "status", "run_after"),
        Index("ix_outbox_chat", "chat_id", "status"),
        Index("ix_outbox_owner", "locked_by"),
    )


class OutboxWorkerRow(Base):
    """A running outbox worker process and its heartbeat.

    `host`, `pid` and `process_start` (the kernel's boot id and the process's start tick,
    where the platform tells them) let a process on the same host see at once that a
    holder of leases is gone, even when its pid was reused; `beat_at` lets other hosts see
    it once the beats stop. `id` is random per process start.
    """

    __tablename__ = "outbox_workers"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    process_start: Mapped[str | None] = mapped_column(String(64))
    started_at: Mapped[datetime]
    beat_at: Mapped[datetime]


class DigestRun(Base):
    """One row per local day whose digest went out: the digest is sent once per day."""

    __tablename__ = "digest_runs"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    sent_at: Mapped[datetime]
