"""What each outbox job does. A job reads what it needs, performs one side effect outside
any transaction, then records the result; every step tolerates being run a second time."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.channels.messenger import (
    Messenger,
    MessengerPermanentError,
    MessengerTemporaryError,
)
from bot.dialog import render
from bot.dialog.context import DeskContext
from bot.dialog.events import Reply
from bot.mail.sender import MailPermanentError, MailTemporaryError, SmtpSender
from bot.worker.emails import credentials_email, rejection_email
from bot.worker.errors import JobPermanentError, JobTemporaryError
from db.models import HotspotAccount, OutboxJob, Ticket
from db.uow import UnitOfWork
from handlers import fulfilment
from handlers.filling import answers_of
from handlers.review import last_decision
from handlers.statuses import Status
from provisioning.accounts import NameTakenError, ensure_user, expire_user
from provisioning.credentials import generate_password, generate_username
from provisioning.router import (
    RouterClient,
    RouterPermanentError,
    RouterTemporaryError,
    UserSpec,
)

log = logging.getLogger(__name__)

CARD_STATUS = {"verify": Status.SUBMITTED, "decide": Status.VERIFIED}


@dataclass
class JobRunner:
    ctx: DeskContext
    messenger: Messenger
    router: RouterClient
    mailer: SmtpSender

    async def __call__(self, job: OutboxJob) -> None:
        handler = {
            "staff_card": self.staff_card,
            "close_cards": self.close_cards,
            "notify_applicant": self.notify_applicant,
            "provision": self.provision,
            "email": self.email,
            "disable_account": self.disable_account,
            "chat": self.chat,
        }.get(job.kind)
        if handler is None:
            raise JobPermanentError(f"unknown job kind {job.kind!r}")
        await handler(job)

    async def _ticket(self, uow: UnitOfWork, job: OutboxJob) -> Ticket:
        ticket = await uow.tickets.get(job.ticket_id or 0)
        if ticket is None:
            raise JobPermanentError(f"ticket {job.ticket_id} not found")
        return ticket

    async def _send(self, chat_id: int, reply: Reply) -> int:
        try:
            return await self.messenger.send(chat_id, reply)
        except MessengerTemporaryError as error:
            raise JobTemporaryError(str(error)) from error
        except MessengerPermanentError as error:
            raise JobPermanentError(str(error)) from error

    # Chat

    async def staff_card(self, job: OutboxJob) -> None:
        stage = job.payload["stage"]
        chat_id = int(job.payload["chat_id"])
        async with self.ctx.unit() as uow:
            ticket = await self._ticket(uow, job)
            if ticket.status != CARD_STATUS[stage]:
                return  # decided or cancelled meanwhile: a card now would only mislead
            transitions = list(await uow.tickets.transitions(ticket.id))
            text, buttons = render.staff_card(self.ctx, ticket, transitions, stage)
        message_id = await self._send(chat_id, Reply(text, buttons))
        async with self.ctx.unit() as uow:
            await uow.staff.add_card(ticket.id, stage, chat_id, message_id, uow.now)
            ticket = await self._ticket(uow, job)
            if ticket.status != CARD_STATUS[stage]:
                # Decided while the card was on its way: close this copy too.
                await uow.outbox.enqueue(
                    "close_cards",
                    f"close-late:{ticket.id}:{stage}:{chat_id}:{message_id}",
                    {"stage": stage, "outcome": _outcome(ticket.status, stage)},
                    uow.now,
                    ticket_id=ticket.id,
                )

    async def close_cards(self, job: OutboxJob) -> None:
        stage = job.payload["stage"]
        async with self.ctx.unit() as uow:
            ticket = await self._ticket(uow, job)
            decision = await last_decision(uow, ticket.id)
            if job.payload["outcome"] == "cancelled":
                decision = None
            text = render.closed_card(self.ctx, ticket, decision, job.payload["outcome"])
            cards = list(await uow.staff.open_cards(ticket.id, stage))
        for card in cards:
            try:
                await self.messenger.edit(card.chat_id, card.message_id, Reply(text))
            except MessengerTemporaryError as error:
                raise JobTemporaryError(str(error)) from error
            except MessengerPermanentError as error:
                log.warning("card %s could not be edited: %s", card.id, error)
            async with self.ctx.unit() as uow:
                fresh = await uow.session.get(type(card), card.id)
                if fresh is not None:
                    fresh.closed = True

    async def notify_applicant(self, job: OutboxJob) -> None:
        event = job.payload["event"]
        async with self.ctx.unit() as uow:
            ticket = await self._ticket(uow, job)
            account = await uow.accounts.for_ticket(ticket.id)
            if event == "credentials" and (account is None or account.chat_sent_at is not None):
                return
            decision = await last_decision(uow, ticket.id)
            text = render.applicant_notice(self.ctx, ticket, event, decision, account)
            chat_id = ticket.applicant.chat_id
        await self._send(chat_id, Reply(text))
        if event == "credentials":
            async with self.ctx.unit() as uow:
                ticket = await self._ticket(uow, job)
                account = await uow.accounts.for_ticket(ticket.id)
                assert account is not None
                account.chat_sent_at = uow.now
                await fulfilment.delivery_done(uow, ticket, account)

    async def chat(self, job: OutboxJob) -> None:
        """A ready-made message (digest, alert) for one chat."""
        await self._send(int(job.payload["chat_id"]), Reply(str(job.payload["text"])))

    # Router

    async def provision(self, job: OutboxJob) -> None:
        async with self.ctx.unit() as uow:
            ticket = await self._ticket(uow, job)
            if ticket.status != Status.APPROVED:
                return  # already provisioned by an earlier run of this job
            account = await uow.accounts.for_ticket(ticket.id) or await self._new_account(
                uow, ticket
            )
            spec = self._spec(ticket, account)
            number = ticket.number
        try:
            result = await ensure_user(self.router, spec, number)
        except NameTakenError as error:
            await self._rename(job)
            raise JobTemporaryError("username taken on the router; picked another") from error
        except RouterTemporaryError as error:
            raise JobTemporaryError(f"router: {error}") from error
        except RouterPermanentError as error:
            raise JobPermanentError(f"router: {error}") from error
        async with self.ctx.unit() as uow:
            ticket = await self._ticket(uow, job)
            created = await uow.accounts.for_ticket(ticket.id)
            assert created is not None
            created.router_id = result.router_id
            if ticket.status == Status.APPROVED:
                await fulfilment.record_account(uow, ticket, created)

    async def _rename(self, job: OutboxJob) -> None:
        """Someone else's user holds the name: the retry will use a fresh one."""
        async with self.ctx.unit() as uow:
            ticket = await self._ticket(uow, job)
            account = await uow.accounts.for_ticket(ticket.id)
            assert account is not None
            account.username = await self._free_username(uow, ticket.category or "lainnya")

    async def _new_account(self, uow: UnitOfWork, ticket: Ticket) -> HotspotAccount:
        category = ticket.category or "lainnya"
        policy = self.ctx.settings.categories[category]
        valid_from, valid_until = fulfilment.access_window(answers_of(ticket))
        return await uow.accounts.add(
            HotspotAccount(
                ticket_id=ticket.id,
                username=await self._free_username(uow, category),
                password=generate_password(),
                profile=policy.profile,
                server=self.ctx.settings.router_hotspot_server,
                valid_from=valid_from,
                valid_until=valid_until,
                status="pending",
                created_at=uow.now,
            )
        )

    async def _free_username(self, uow: UnitOfWork, prefix: str) -> str:
        while True:
            name = generate_username(prefix)
            if not await uow.accounts.username_taken(name):
                return name

    def _spec(self, ticket: Ticket, account: HotspotAccount) -> UserSpec:
        answers = answers_of(ticket)
        return UserSpec(
            name=account.username,
            password=account.password or generate_password(),
            profile=account.profile,
            server=account.server,
            comment=f"{ticket.number} until {account.valid_until.isoformat()}",
            email=answers.get("email", ""),
            limit_uptime=None,
        )

    async def disable_account(self, job: OutboxJob) -> None:
        async with self.ctx.unit() as uow:
            account = await uow.session.get(HotspotAccount, int(job.payload["account_id"]))
            if account is None or account.status != "active":
                return
            username = account.username
        try:
            await expire_user(self.router, username)
        except RouterTemporaryError as error:
            raise JobTemporaryError(f"router: {error}") from error
        except RouterPermanentError as error:
            raise JobPermanentError(f"router: {error}") from error
        async with self.ctx.unit() as uow:
            account = await uow.session.get(HotspotAccount, int(job.payload["account_id"]))
            assert account is not None
            await fulfilment.disable_account(uow, account)

    # Email

    async def email(self, job: OutboxJob) -> None:
        template = job.payload["template"]
        async with self.ctx.unit() as uow:
            ticket = await self._ticket(uow, job)
            if template == "credentials":
                account = await uow.accounts.for_ticket(ticket.id)
                if account is None or account.email_sent_at is not None:
                    return
                message = credentials_email(self.ctx, ticket, account, job.dedupe_key)
            else:
                if ticket.status != Status.REJECTED:
                    return
                decision = await last_decision(uow, ticket.id)
                reason = decision.reason if decision and decision.reason else "—"
                message = rejection_email(self.ctx, ticket, reason, job.dedupe_key)
        try:
            await self.mailer.send(message)
        except MailTemporaryError as error:
            raise JobTemporaryError(f"smtp: {error}") from error
        except MailPermanentError as error:
            raise JobPermanentError(f"smtp: {error}") from error
        async with self.ctx.unit() as uow:
            ticket = await self._ticket(uow, job)
            if template == "credentials":
                account = await uow.accounts.for_ticket(ticket.id)
                assert account is not None
                account.email_sent_at = uow.now
                await fulfilment.delivery_done(uow, ticket, account)
            else:
                await fulfilment.close_rejected(uow, ticket)


def _outcome(status: str, stage: str) -> str:
    if status == Status.CANCELLED:
        return "cancelled"
    if stage == "verify":
        return "returned" if status == Status.FORM else "verified"
    return (
        "approved"
        if status in (Status.APPROVED, Status.PROVISIONED, Status.DELIVERED, Status.CLOSED)
        else "rejected"
    )
