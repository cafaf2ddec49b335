"""Database errors that go away on their own, and retrying a whole unit of work past them.

A transient error means the transaction did not commit and trying it again from the start
can succeed: SQLite's "database is locked" (another program holds the write lock longer
than the busy timeout) or a WAL snapshot gone stale, PostgreSQL's serialization failures,
deadlocks, an administrator's shutdown or a lost connection. Everything else (a constraint
violation, a bug) is not retried.
"""

from __future__ import annotations

import logging
import random
import sqlite3
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_delay,
    wait_exponential,
)

log = logging.getLogger(__name__)

T = TypeVar("T")

# SQLSTATE codes (PostgreSQL appendix A) after which the same transaction may succeed.
TRANSIENT_SQLSTATES = frozenset(
    {
        "40001",  # serialization_failure
        "40P01",  # deadlock_detected
        "55P03",  # lock_not_available
        "53300",  # too_many_connections
        "57P01",  # admin_shutdown
        "57P02",  # crash_shutdown
        "57P03",  # cannot_connect_now
    }
)
# Class 08: connection exceptions.
TRANSIENT_SQLSTATE_CLASSES = ("08",)
# Lower-case tokens of the drivers' own messages (sqlite3, aiosqlite, asyncpg).
TRANSIENT_TOKENS = (
    "database is locked",  # SQLITE_BUSY after busy_timeout
    "database table is locked",  # SQLITE_LOCKED
    "database is busy",
    "connection was closed",  # asyncpg ConnectionDoesNotExistError
    "connection is closed",  # asyncpg InterfaceError
    "connection refused",
    "server closed the connection",
    "terminating connection",  # 57P01's text
    "could not serialize access",  # 40001's text
    "deadlock detected",
)


class DatabaseUnavailable(Exception):
    """The database kept failing with transient errors for the whole retry budget, so the
    work was not done (its transaction rolled back); the caller must say so."""


def _sqlstate(error: BaseException) -> str | None:
    for candidate in (error, getattr(error, "orig", None), error.__cause__):
        code = getattr(candidate, "sqlstate", None) or getattr(candidate, "pgcode", None)
        if isinstance(code, str):
            return code
    return None


def is_transient(error: BaseException) -> bool:
    """Whether `error` (a SQLAlchemy, driver or socket error) may pass if the whole
    transaction is tried again."""
    if isinstance(error, DatabaseUnavailable):
        return False
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    code = _sqlstate(error)
    if code is not None:
        return code in TRANSIENT_SQLSTATES or code.startswith(TRANSIENT_SQLSTATE_CLASSES)
    if isinstance(error, ConnectionError | TimeoutError):
        return True
    if isinstance(error, DBAPIError | sqlite3.OperationalError) or type(
        error
    ).__module__.startswith("asyncpg"):
        text = str(error).lower()
        return any(token in text for token in TRANSIENT_TOKENS)
    return False


def short_reason(error: BaseException) -> str:
    """The driver's first line, without SQL or parameters (which may hold personal data)."""
    base = getattr(error, "orig", None) or error
    first = str(base).strip().splitlines()[0] if str(base).strip() else type(base).__name__
    return first[:200]


async def retry_transient(
    work: Callable[[], Awaitable[T]],
    *,
    budget: float,
    what: str,
    first_delay: float = 0.1,
    max_delay: float = 2.0,
) -> T:
    """Runs `work` (which must do all its writing in its own transactions and send nothing
    before they commit), again from the start after each transient database error, with
    back-off doubling from `first_delay` to `max_delay` seconds (with jitter), for up to
    `budget` seconds in all. One warning line per failed try.

    Raises DatabaseUnavailable (from the last error) when the budget runs out; any other
    error passes through at once.
    """
    backoff = wait_exponential(multiplier=first_delay, max=max_delay)

    def pause(state: RetryCallState) -> float:
        assert state.seconds_since_start is not None
        # The last pause ends at the budget, so the last try is made right there.
        left = budget - state.seconds_since_start
        return max(0.0, min(backoff(state) * random.uniform(0.8, 1.2), left))

    def tell(state: RetryCallState) -> None:
        log.warning(
            "%s: database busy or unreachable (%s); try %d in %.1f s",
            what,
            short_reason(_error(state)),
            state.attempt_number + 1,
            state.upcoming_sleep,
        )

    def give_up(state: RetryCallState) -> None:
        error = _error(state)
        log.warning(
            "%s: database still unavailable after %d tries (%s); not done",
            what,
            state.attempt_number,
            short_reason(error),
        )
        raise DatabaseUnavailable(short_reason(error)) from error

    retrying = AsyncRetrying(
        # Only Exception: a cancellation or an interrupt is never retried.
        retry=retry_if_exception(
            lambda error: isinstance(error, Exception) and is_transient(error)
        ),
        wait=pause,
        stop=stop_after_delay(budget),
        before_sleep=tell,
        retry_error_callback=give_up,
    )

    async def attempt() -> T:
        # `work` may be a plain function returning an awaitable (a lambda), which tenacity
        # would not await by itself.
        return await work()

    result: T = await retrying(attempt)
    return result


def _error(state: RetryCallState) -> BaseException:
    assert state.outcome is not None
    error = state.outcome.exception()
    assert error is not None
    return error
