"""Outbox jobs that make the router follow the database: create, renew, stop an account.

Each reads what it needs in one transaction, talks to the router outside any transaction,
then records the result in another; each may be run again after a crash at any point and
ends in the same state (a user is found by name and is ours only if its comment carries
our ticket number).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.dialog.context import DeskContext
from bot.worker.common import job_ticket
from bot.worker.errors import JobPermanentError, JobTemporaryError, JobUnknownError
from db.models import HotspotAccount, OutboxJob, Ticket
from db.uow import UnitOfWork
from handlers import fulfilment
from handlers.filling import answers_of
from handlers.fulfilment import AccountStatus
from handlers.statuses import Status
from provisioning.accounts import (
    NameTakenError,
    account_comment,
    ensure_user,
    expire_user,
    renew_user,
)
from provisioning.profiles import ensure_profile
from provisioning.router import (
    RouterClient,
    RouterError,
    RouterPermanentError,
    RouterTemporaryError,
    RouterUnknownError,
    UserSpec,
)

log = logging.getLogger(__name__)

# A clash with someone else's name is rare (about 10^9 names per category); a few fresh
# names in one run settle it without waiting for a retry.
RENAME_TRIES = 3


def router_failure(error: RouterError) -> JobTemporaryError | JobPermanentError:
    """The job error for a router error: unknown -> JobUnknownError (retried and told to the
    admins at once), temporary -> JobTemporaryError, permanent -> JobPermanentError. The text
    carries the router's own words (`RouterError` texts never hold a password)."""
    if isinstance(error, RouterUnknownError):
        return JobUnknownError(f"router: {error}")
    if isinstance(error, RouterTemporaryError):
        return JobTemporaryError(f"router: {error}")
    return JobPermanentError(f"router: {error}")


@dataclass(frozen=True)
class _Plan:
    """What a job asks of the router, read from the database (no ORM objects cross I/O)."""

    account_id: int
    ticket_id: int
    number: str
    username: str
    password: str | None
    base_profile: str
    devices: int
    server: str
    comment: str
    email: str | None
    limit_uptime: str | None

    def spec(self, profile: str) -> UserSpec:
        assert self.password is not None
        return UserSpec(
            name=self.username,
            password=self.password,
            profile=profile,
            server=self.server,
            comment=self.comment,
            email=self.email,
            limit_uptime=self.limit_uptime,
        )


@dataclass
class AccountJobs:
    ctx: DeskContext
    router: RouterClient

    async def _account(self, uow: UnitOfWork, account_id: int) -> HotspotAccount:
        account = await uow.session.get(HotspotAccount, account_id, populate_existing=True)
        if account is None:
            raise JobPermanentError(f"account {account_id} not found")
        return account

    def _plan(self, ticket: Ticket, account: HotspotAccount) -> _Plan:
        policy = self.ctx.settings.categories.get(ticket.category or "")
        return _Plan(
            account_id=account.id,
            ticket_id=ticket.id,
            number=ticket.number,
            username=account.username,
            password=account.password,
            # Read at run time: an operator's fix to the setting applies to the retry.
            base_profile=policy.profile if policy else account.profile,
            devices=account.devices,
            server=account.server,
            comment=account_comment(ticket.number, account.valid_until),
            email=answers_of(ticket).get("email") or None,
            limit_uptime=account.limit_uptime,
        )

    # SOP step 5.

    async def provision(self, job: OutboxJob) -> None:
        settings = self.ctx.settings
        async with self.ctx.unit() as uow:
            ticket = await job_ticket(uow, job)
            if ticket.status != Status.APPROVED:
                return  # done by an earlier run of this job
            policy = settings.categories.get(ticket.category or "")
            if policy is None:
                raise JobPermanentError(f"no router profile for category {ticket.category!r}")
            account = await fulfilment.open_account(
                uow,
                ticket,
                profile=policy.profile,
                server=policy.server or settings.router_hotspot_server,
                limit_uptime=policy.limit_uptime,
                password_length=settings.password_length,
            )
            plan = self._plan(ticket, account)
        router_id, profile = await self._create(plan)
        async with self.ctx.unit() as uow:
            ticket = await job_ticket(uow, job)
            account = await self._account(uow, plan.account_id)
            if ticket.status == Status.APPROVED:
                await fulfilment.record_account(uow, ticket, account, router_id, profile)
        log.info("ticket %s: hotspot user %s is on the router", plan.number, plan.username)

    async def _create(self, plan: _Plan) -> tuple[str, str]:
        """The user on the router, under a fresh name if someone else holds ours."""
        for _ in range(RENAME_TRIES):
            try:
                profile = await ensure_profile(self.router, plan.base_profile, plan.devices)
                result = await ensure_user(self.router, plan.spec(profile), plan.number)
                return result.router_id, profile
            except NameTakenError:
                log.warning("ticket %s: name %s is taken on the router", plan.number, plan.username)
                plan = await self._renamed(plan)
            except (RouterTemporaryError, RouterPermanentError) as error:
                raise router_failure(error) from None
        raise JobTemporaryError("user names taken on the router; a fresh one is tried next time")

    async def _renamed(self, plan: _Plan) -> _Plan:
        async with self.ctx.unit() as uow:
            ticket = await uow.tickets.get(plan.ticket_id)
            account = await self._account(uow, plan.account_id)
            assert ticket is not None
            await fulfilment.rename(uow, ticket, account)
            return self._plan(ticket, account)

    # After /perpanjang or /kirimulang: the router follows the account's row.

    async def refresh_account(self, job: OutboxJob) -> None:
        """Enable the user with its current end date, and with `round`, its new password."""
        account_id = int(job.payload["account_id"])
        round_: int | None = job.payload.get("round")
        async with self.ctx.unit() as uow:
            account = await self._account(uow, account_id)
            ticket = await job_ticket(uow, job)
            if account.status != AccountStatus.ACTIVE:
                return  # stopped meanwhile: nothing to renew
            if round_ is not None and (round_ != account.delivery_round or not account.password):
                return  # a newer /kirimulang took over, or this round is already delivered
            plan = self._plan(ticket, account)
        try:
            if round_ is None:
                user = await renew_user(self.router, plan.username, plan.number, plan.comment)
                if user is None:
                    # The router lost the user (removed at expiry, or by hand): it is made
                    # again, and a new password has to reach the applicant.
                    await self._start_round(job, account_id)
                    return
            else:
                profile = await ensure_profile(self.router, plan.base_profile, plan.devices)
                await ensure_user(self.router, plan.spec(profile), plan.number)
                await renew_user(self.router, plan.username, plan.number, plan.comment)
        except NameTakenError as error:
            raise JobPermanentError(f"router: {error}") from None
        except (RouterTemporaryError, RouterPermanentError) as error:
            raise router_failure(error) from None
        async with self.ctx.unit() as uow:
            account = await self._account(uow, account_id)
            ticket = await job_ticket(uow, job)
            if round_ is not None and round_ == account.delivery_round:
                await fulfilment.queue_delivery(uow, ticket, account)
            if job.payload.get("notify") == "extended":
                await uow.outbox.enqueue(
                    "notify_applicant",
                    f"notice:{ticket.id}:extended:{account.valid_until.isoformat()}",
                    {"event": "extended", "account_id": account.id},
                    uow.now,
                    ticket_id=ticket.id,
                    chat_id=ticket.applicant.chat_id,
                )

    async def _start_round(self, job: OutboxJob, account_id: int) -> None:
        async with self.ctx.unit() as uow:
            account = await self._account(uow, account_id)
            length, notify = self.ctx.settings.password_length, job.payload.get("notify")
            await fulfilment.new_round(uow, account, length, notify=notify)

    # Expiry and /cabut.

    async def disable_account(self, job: OutboxJob) -> None:
        """Stop the account on the router (disable or remove) and log its devices out."""
        account_id = int(job.payload["account_id"])
        revoking = job.payload.get("reason") == "revoke"
        zone = self.ctx.settings.zone
        async with self.ctx.unit() as uow:
            account = await self._account(uow, account_id)
            ticket = await job_ticket(uow, job)
            if revoking and account.status != AccountStatus.REVOKED:
                return
            if not revoking and (
                account.status != AccountStatus.ACTIVE
                or not fulfilment.expired(account, uow.now, zone)
            ):
                return  # extended (or stopped) since this job was queued
            username, number = account.username, ticket.number
        remove = self.ctx.settings.expiry_action == "remove"
        try:
            await expire_user(self.router, username, number, remove=remove)
        except (RouterTemporaryError, RouterPermanentError) as error:
            raise router_failure(error) from None
        async with self.ctx.unit() as uow:
            account = await self._account(uow, account_id)
            if revoking or fulfilment.expired(account, uow.now, zone):
                await fulfilment.stopped_on_router(uow, account, removed=remove)
            else:
                # Extended while the router was stopping it: bring it back.
                await uow.outbox.enqueue(
                    "refresh_account",
                    f"refresh:{account.id}:after-stop:{account.valid_until.isoformat()}",
                    {"account_id": account.id},
                    uow.now,
                    ticket_id=account.ticket_id,
                )
            if revoking:
                await uow.outbox.enqueue(
                    "notify_applicant",
                    f"notice:{account.ticket_id}:revoked:{account.id}",
                    {"event": "revoked", "account_id": account.id},
                    uow.now,
                    ticket_id=account.ticket_id,
                    chat_id=await uow.outbox.applicant_chat(account.ticket_id),
                )
        log.info("ticket %s: hotspot user %s stopped on the router", number, username)
