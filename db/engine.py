"""Engine and session factory for SQLite (aiosqlite) and PostgreSQL (asyncpg)."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

# How long one SQLite statement waits for another program's write lock before it fails with
# "database is locked"; the unit of work is then retried as a whole (db/transient.py), so this
# is one try's wait, not the whole patience.
DEFAULT_BUSY_SECONDS = 5.0


def _sqlite_pragmas(busy_seconds: float, dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the digest and the dialog read while the worker writes.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={max(1, round(busy_seconds * 1000))}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def ensure_sqlite_directory(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


def make_engine(
    url: str, *, echo: bool = False, busy_seconds: float = DEFAULT_BUSY_SECONDS
) -> AsyncEngine:
    """An engine for `url`; on SQLite, WAL, foreign keys and a busy timeout of
    `busy_seconds` on every connection."""
    ensure_sqlite_directory(url)
    backend = make_url(url).get_backend_name()
    kwargs: dict[str, Any] = {"echo": echo}
    if backend == "postgresql":
        kwargs.update(pool_size=10, max_overflow=10, pool_pre_ping=True)
    engine = create_async_engine(url, **kwargs)
    if backend == "sqlite":
        event.listen(engine.sync_engine, "connect", partial(_sqlite_pragmas, busy_seconds))
    return engine


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
