"""How a job failed decides what the outbox does next."""

from __future__ import annotations


class JobTemporaryError(Exception):
    """Try again later, with back-off."""


class JobPermanentError(Exception):
    """Stop and tell the admins; retrying would only repeat the failure."""
