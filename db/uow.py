"""The unit of work: one transaction, its repositories, and the time it runs at."""

from __future__ import annotations

from datetime import datetime
from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from db.engine import make_engine, make_sessionmaker
from db.repositories.accounts import AccountRepository
from db.repositories.applicants import ApplicantRepository
from db.repositories.outbox import OutboxRepository
from db.repositories.staff import StaffRepository
from db.repositories.tickets import TicketRepository


class UnitOfWork:
    """Commits on a clean exit and rolls back on an exception."""

    def __init__(self, session: AsyncSession, now: datetime) -> None:
        self.session = session
        self.now = now
        self.applicants = ApplicantRepository(session)
        self.tickets = TicketRepository(session)
        self.outbox = OutboxRepository(session)
        self.accounts = AccountRepository(session)
        self.staff = StaffRepository(session)
        self.enqueued = 0

    async def __aenter__(self) -> UnitOfWork:
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
            else:
                await self.session.rollback()
        finally:
            await self.session.close()

    async def commit(self) -> None:
        await self.session.commit()


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine: AsyncEngine = make_engine(url)
        self.sessions: async_sessionmaker[AsyncSession] = make_sessionmaker(self.engine)

    def unit(self, now: datetime) -> UnitOfWork:
        return UnitOfWork(self.sessions(), now)

    async def dispose(self) -> None:
        await self.engine.dispose()
