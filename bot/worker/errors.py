"""How a job failed decides what the outbox does next."""

from __future__ import annotations


class JobTemporaryError(Exception):
    """Try again later, with back-off."""


class JobPermanentError(Exception):
    """Stop and tell the admins; retrying would only repeat the failure."""


class JobUnknownError(JobTemporaryError):
    """The transport's classifier does not know this error: retried with back-off like a
    temporary one, but reported to the admins at once (once per job) with the server's own
    words, so an unknown failure is never retried silently until the give-up time."""
