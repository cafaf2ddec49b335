"""Ticket statuses and actor roles, the vocabulary of the SOP state machine."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    OPEN = "open"
    SELF_SERVICE = "self_service"
    FORM = "form"
    SUBMITTED = "submitted"
    VERIFIED = "verified"
    APPROVED = "approved"
    PROVISIONED = "provisioned"
    DELIVERED = "delivered"
    REJECTED = "rejected"
    CLOSED = "closed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class Role(StrEnum):
    APPLICANT = "applicant"
    ADMIN = "admin"
    HEAD = "head"
    SYSTEM = "system"


# A ticket in one of these still waits for someone; the rest are finished.
ACTIVE = frozenset(
    {
        Status.OPEN,
        Status.SELF_SERVICE,
        Status.FORM,
        Status.SUBMITTED,
        Status.VERIFIED,
        Status.APPROVED,
        Status.PROVISIONED,
        Status.DELIVERED,
        Status.REJECTED,
    }
)
FINISHED = frozenset({Status.CLOSED, Status.CANCELLED, Status.EXPIRED})
