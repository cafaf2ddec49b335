"""The unit of work: one transaction, its repositories, and the time it runs at."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from db.engine import DEFAULT_BUSY_SECONDS, make_engine, make_sessionmaker
from db.repositories.accounts import AccountRepository
from db.repositories.applicants import ApplicantRepository
from db.repositories.chat_redirects import ChatRedirectRepository
from db.repositories.dialog import AttachmentRepository, HandoffRepository
from db.repositories.outbox import OutboxRepository
from db.repositories.staff import StaffRepository
from db.repositories.staff_records import StaffRecordRepository
from db.repositories.tickets import TicketRepository

decisions = logging.getLogger("hotspot_desk.decisions")


class UnitOfWork:
    """Commits on a clean exit and rolls back on an exception."""

    def __init__(
        self, session: AsyncSession, now: datetime, gate: asyncio.Lock | None = None
    ) -> None:
        self.session = session
        self.gate = gate
        self.now = now
        self.applicants = ApplicantRepository(session)
        self.tickets = TicketRepository(session)
        self.outbox = OutboxRepository(session)
        self.accounts = AccountRepository(session)
        self.staff = StaffRepository(session)
        self.records = StaffRecordRepository(session)
        self.attachments = AttachmentRepository(session)
        self.handoffs = HandoffRepository(session)
        self.chat_redirects = ChatRedirectRepository(session)
        self._notes: list[tuple[str, tuple[object, ...]]] = []

    def note(self, message: str, *args: object) -> None:
        """A log line (INFO, logger `hotspot_desk.decisions`) written only once this unit
        committed, so the log never tells of a change that was rolled back."""
        self._notes.append((message, args))

    async def __aenter__(self) -> UnitOfWork:
        if self.gate is not None:
            await self.gate.acquire()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if exc_type is None:
                await self.session.commit()
                for message, args in self._notes:
                    decisions.info(message, *args)
            else:
                await self.session.rollback()
        finally:
            try:
                await self.session.close()
            finally:
                if self.gate is not None:
                    self.gate.release()


class Database:
    """The engine, its sessions and (on SQLite) the in-process write gate.

    `busy_seconds` is how long one SQLite statement waits for another program's write lock.
    """

    def __init__(self, url: str, *, busy_seconds: float = DEFAULT_BUSY_SECONDS) -> None:
        self.url = url
        self.engine: AsyncEngine = make_engine(url, busy_seconds=busy_seconds)
        self.sessions: async_sessionmaker[AsyncSession] = make_sessionmaker(self.engine)
        # SQLite has one writer at a time and makes the others sleep-and-retry, which
        # collapses throughput under load; queueing units in the process is far cheaper.
        # PostgreSQL runs units concurrently and settles races with row locks.
        self.gate = asyncio.Lock() if self.engine.dialect.name == "sqlite" else None

    def unit(self, now: datetime) -> UnitOfWork:
        return UnitOfWork(self.sessions(), now, self.gate)

    async def dispose(self) -> None:
        await self.engine.dispose()
