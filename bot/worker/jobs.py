"""What each outbox job does. A job reads what it needs, performs one side effect outside
any transaction, then records the result; every step tolerates being run a second time.

The router jobs live in `account_jobs`, the deliveries in `delivery_jobs`; this module
dispatches, runs the staff-card and plain chat jobs, and answers the worker's failure hooks.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.channels.messenger import Messenger, MessengerError, MessengerPermanentError
from bot.dialog import render
from bot.dialog.context import DeskContext
from bot.dialog.events import Reply
from bot.mail.sender import SmtpSender
from bot.worker.account_jobs import AccountJobs
from bot.worker.alerts import queue_alert
from bot.worker.common import job_error, job_ticket, send_chat
from bot.worker.delivery_jobs import DeliveryJobs
from bot.worker.errors import JobPermanentError
from bot.worker.notices import ACCOUNT_EVENTS
from db.models import Decision, OutboxJob
from db.uow import UnitOfWork
from handlers.review import last_decision
from handlers.statuses import Status
from provisioning.router import RouterClient

log = logging.getLogger(__name__)

JobHandler = Callable[[OutboxJob], Awaitable[None]]

# A card is still worth posting while its ticket waits in one of these statuses (decide
# cards go out for a submitted form too when verification is switched off).
CARD_STATUS = {
    "verify": frozenset({Status.SUBMITTED}),
    "decide": frozenset({Status.SUBMITTED, Status.VERIFIED}),
}
# What a late card says, from the kind of the last decision.
DECIDED = {"verify": "verified", "return": "returned", "approve": "approved", "reject": "rejected"}


@dataclass
class JobRunner:
    ctx: DeskContext
    messenger: Messenger
    router: RouterClient
    mailer: SmtpSender
    # Job kinds of other parts (the hand-off relay...), by kind.
    extra: dict[str, JobHandler] = field(default_factory=dict)
    accounts: AccountJobs = field(init=False)
    delivery: DeliveryJobs = field(init=False)

    def __post_init__(self) -> None:
        self.accounts = AccountJobs(self.ctx, self.router)
        self.delivery = DeliveryJobs(self.ctx, self.messenger, self.mailer)

    async def __call__(self, job: OutboxJob) -> None:
        handler = self.extra.get(job.kind) or {
            "staff_card": self.staff_card,
            "close_cards": self.close_cards,
            "notify_applicant": self.notify_applicant,
            "provision": self.accounts.provision,
            "refresh_account": self.accounts.refresh_account,
            "disable_account": self.accounts.disable_account,
            "email": self.delivery.email,
            "chat": self.chat,
        }.get(job.kind)
        if handler is None:
            raise JobPermanentError(f"unknown job kind {job.kind!r}")
        await handler(job)

    async def failed(self, uow: UnitOfWork, job: OutboxJob, error: str) -> None:
        await self.delivery.after_failure(uow, job)
        await queue_alert(self.ctx, uow, job, error, stuck=False)

    async def stuck(self, uow: UnitOfWork, job: OutboxJob, error: str) -> None:
        await queue_alert(self.ctx, uow, job, error, stuck=True)

    async def unknown(self, uow: UnitOfWork, job: OutboxJob, error: str) -> None:
        await queue_alert(self.ctx, uow, job, error, unknown=True)

    # Chat

    async def staff_card(self, job: OutboxJob) -> None:
        stage = job.payload["stage"]
        chat_id = int(job.payload["chat_id"])
        async with self.ctx.unit() as uow:
            ticket = await job_ticket(uow, job)
            if ticket.status not in CARD_STATUS[stage]:
                return  # decided or cancelled meanwhile: a card now would only mislead
            transitions = list(await uow.tickets.transitions(ticket.id))
            language = await render.staff_language(uow, chat_id)
            text, buttons = render.staff_card(self.ctx, ticket, transitions, stage, language)
        message_id = await send_chat(self.messenger, chat_id, Reply(text, buttons))
        # Where it went: a chat that moved has the card under its new id.
        chat_id = self.messenger.resolve(chat_id)
        async with self.ctx.unit() as uow:
            await uow.staff.add_card(ticket.id, stage, chat_id, message_id, uow.now)
            ticket = await job_ticket(uow, job)
            if ticket.status not in CARD_STATUS[stage]:
                # Decided while the card was on its way: close this copy too.
                decision = await last_decision(uow, ticket.id, stage)
                await uow.outbox.enqueue(
                    "close_cards",
                    f"close-late:{ticket.id}:{stage}:{chat_id}:{message_id}",
                    {"stage": stage, "outcome": _outcome(ticket.status, decision)},
                    uow.now,
                    ticket_id=ticket.id,
                    chat_id=chat_id,
                )

    async def close_cards(self, job: OutboxJob) -> None:
        stage = job.payload["stage"]
        async with self.ctx.unit() as uow:
            ticket = await job_ticket(uow, job)
            decision = await last_decision(uow, ticket.id, stage)
            if job.payload["outcome"] == "cancelled":
                decision = None
            cards = list(await uow.staff.open_cards(ticket.id, stage))
            texts = {
                card.chat_id: render.closed_card(
                    self.ctx,
                    ticket,
                    decision,
                    job.payload["outcome"],
                    await render.staff_language(uow, card.chat_id),
                )
                for card in cards
            }
        for card in cards:
            try:
                await self.messenger.edit(card.chat_id, card.message_id, Reply(texts[card.chat_id]))
            except MessengerPermanentError as error:
                # Deleted, too old, or in a group that moved: the card stays as it was.
                log.warning("card %s could not be edited: %s", card.id, error)
            except MessengerError as error:
                raise job_error(error) from error
            async with self.ctx.unit() as uow:
                fresh = await uow.session.get(type(card), card.id)
                if fresh is not None:
                    fresh.closed = True

    async def notify_applicant(self, job: OutboxJob) -> None:
        event = job.payload["event"]
        if event in ACCOUNT_EVENTS:
            await self.delivery.account_notice(job)
            return
        async with self.ctx.unit() as uow:
            ticket = await job_ticket(uow, job)
            account = await uow.accounts.for_ticket(ticket.id)
            decision = await last_decision(uow, ticket.id)
            text = render.applicant_notice(self.ctx, ticket, event, decision, account)
            chat_id = ticket.applicant.chat_id
        await send_chat(self.messenger, chat_id, Reply(text))

    async def chat(self, job: OutboxJob) -> None:
        """A ready-made message (digest, alert) for one chat."""
        await send_chat(
            self.messenger, int(job.payload["chat_id"]), Reply(str(job.payload["text"]))
        )


def _outcome(status: str, decision: Decision | None) -> str:
    """What a card that arrived after the decision should say: the last decision, or a cancel."""
    if status == Status.CANCELLED or decision is None:
        return "cancelled"
    return DECIDED.get(decision.kind, "cancelled")
