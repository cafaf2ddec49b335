"""Outbox jobs that deliver: the emails of the SOP and the applicant's account notices.

A delivery belongs to one round of the account (the first, or a /kirimulang): a job of an
older round, of a stopped account or of a round already delivered does nothing, so a
retry or a replay never sends a stale or second copy on purpose. What cannot be ruled out
is a crash between the server's acceptance and our record of it: then the copy goes out
again, with the same Message-ID, which mail systems and people recognise as the same mail.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage

from bot.channels.messenger import Messenger
from bot.dialog.context import DeskContext
from bot.mail.sender import SmtpSender
from bot.mail.smtp_errors import MailPermanentError, MailTemporaryError, MailUnknownError
from bot.worker.common import job_ticket, send_chat
from bot.worker.emails import credentials_email, rejection_email
from bot.worker.errors import JobPermanentError, JobTemporaryError, JobUnknownError
from bot.worker.notices import account_notice
from db.models import HotspotAccount, OutboxJob
from db.uow import UnitOfWork
from handlers import fulfilment
from handlers.fulfilment import AccountStatus
from handlers.review import last_decision
from handlers.statuses import Status


def is_credentials(job: OutboxJob) -> bool:
    return (job.kind == "email" and job.payload.get("template") == "credentials") or (
        job.kind == "notify_applicant" and job.payload.get("event") == "credentials"
    )


def _current(job: OutboxJob, account: HotspotAccount | None) -> HotspotAccount | None:
    """The account if this credentials job still has something to deliver."""
    if account is None or account.status != AccountStatus.ACTIVE or not account.password:
        return None
    if int(job.payload.get("round", 0)) != account.delivery_round:
        return None
    return account


@dataclass
class DeliveryJobs:
    ctx: DeskContext
    messenger: Messenger
    mailer: SmtpSender

    # Email (SOP steps 4 and 6).

    async def email(self, job: OutboxJob) -> None:
        credentials = job.payload["template"] == "credentials"
        async with self.ctx.unit() as uow:
            ticket = await job_ticket(uow, job)
            if credentials:
                account = _current(job, await uow.accounts.for_ticket(ticket.id))
                if account is None or account.email_sent_at is not None:
                    return
                message = credentials_email(self.ctx, ticket, account, job.dedupe_key)
            else:
                if ticket.status != Status.REJECTED:
                    return
                decision = await last_decision(uow, ticket.id)
                reason = decision.reason if decision and decision.reason else "—"
                message = rejection_email(self.ctx, ticket, reason, job.dedupe_key)
        await self._mail(message)
        async with self.ctx.unit() as uow:
            ticket = await job_ticket(uow, job)
            if not credentials:
                await fulfilment.close_rejected(uow, ticket)
                return
            account = _current(job, await uow.accounts.for_ticket(ticket.id, lock=True))
            if account is not None:
                await fulfilment.email_accepted(uow, ticket, account)

    async def _mail(self, message: EmailMessage) -> None:
        try:
            await self.mailer.send(message)
        except MailUnknownError as error:
            raise JobUnknownError(f"smtp: {error}") from error
        except MailTemporaryError as error:
            raise JobTemporaryError(f"smtp: {error}") from error
        except MailPermanentError as error:
            raise JobPermanentError(f"smtp: {error}") from error

    # The applicant's account notices.

    async def account_notice(self, job: OutboxJob) -> None:
        event = job.payload["event"]
        async with self.ctx.unit() as uow:
            ticket = await job_ticket(uow, job)
            account = await uow.accounts.for_ticket(ticket.id)
            if not self._still_news(job, event, account):
                return
            assert account is not None
            reply = account_notice(self.ctx, ticket, account, event)
            chat_id = ticket.applicant.chat_id
        await send_chat(self.messenger, chat_id, reply)
        if event == "credentials":
            async with self.ctx.unit() as uow:
                ticket = await job_ticket(uow, job)
                account = _current(job, await uow.accounts.for_ticket(ticket.id, lock=True))
                if account is not None:
                    await fulfilment.chat_copy_sent(uow, ticket, account)

    def _still_news(self, job: OutboxJob, event: str, account: HotspotAccount | None) -> bool:
        if account is None:
            return False
        if event == "credentials":
            current = _current(job, account)
            return current is not None and current.chat_sent_at is None
        if event == "expiring":
            return (
                account.status == AccountStatus.ACTIVE
                and account.valid_until.isoformat() == job.payload.get("valid_until")
            )
        if event == "extended":
            return account.status == AccountStatus.ACTIVE
        return event == "revoked" and account.status == AccountStatus.REVOKED

    # After a delivery failed for good.

    async def after_failure(self, uow: UnitOfWork, job: OutboxJob) -> None:
        """A credentials copy that will never go out still ends its round: once the other
        copy is settled too, the password is wiped (/kirimulang makes a new one)."""
        if not is_credentials(job) or job.ticket_id is None:
            return
        ticket = await uow.tickets.get(job.ticket_id)
        account = _current(job, await uow.accounts.for_ticket(job.ticket_id, lock=True))
        if ticket is not None and account is not None:
            await fulfilment.settle_delivery(uow, ticket, account)
