"""Tables of the staff side: the audit trail and the SLA alerts already sent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models import Base


class AuditEvent(Base):
    """Something a person or the bot did (or tried) that is not a status change: a refused
    press or command, a late press on a decided card, an export. Shown in /tiket."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # None for acts about no ticket (an export) or about a ticket that does not exist.
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    actor_role: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(BigInteger)
    actor_name: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(index=True)


class SlaAlert(Base):
    """An SLA reminder or breach alert that went out; the key makes each one go out once."""

    __tablename__ = "sla_alerts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    step: Mapped[int] = mapped_column(Integer)
    # Which run of the step: a returned and resubmitted form starts step 4 again.
    round: Mapped[int] = mapped_column(Integer)
    level: Mapped[str] = mapped_column(String(16))
    # Office minutes used when it was sent, and to whom (a role).
    used_minutes: Mapped[int] = mapped_column(Integer)
    recipients: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("ticket_id", "step", "round", "level"),)


class ChatRedirect(Base):
    """A chat that moved: Telegram upgraded a group to a supergroup and gave it a new id
    (`migrate_to_chat_id`). Messages for `old_chat_id` go to `new_chat_id` from then on, also
    after a restart, until the operator changes the setting that still names the old id."""

    __tablename__ = "chat_redirects"

    old_chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    new_chat_id: Mapped[int] = mapped_column(BigInteger)
    moved_at: Mapped[datetime]
