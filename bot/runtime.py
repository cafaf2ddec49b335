"""The composition root: the one place where the product's parts are built and wired."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.exc import SQLAlchemyError

from bot.channels.messenger import Messenger
from bot.channels.telegram import TelegramChannel
from bot.clock import Clock, SystemClock
from bot.config import CATEGORY_CODES, SELF_SERVICE_CATEGORIES, Settings, StartupError
from bot.dialog.account_commands import register_account_commands
from bot.dialog.admin_commands import register_admin_commands
from bot.dialog.context import DeskContext
from bot.dialog.desk import Desk
from bot.dialog.events import Inbound, Outcome, Reply
from bot.dialog.staff_commands import StaffCommandBook
from bot.mail.sender import SmtpConfig, SmtpSender
from bot.texts.catalog import Catalog
from bot.worker.attachment_jobs import AttachmentJobs
from bot.worker.chat_moves import ChatMoves
from bot.worker.idle_sweep import sweep_idle_forms
from bot.worker.jobs import JobRunner
from bot.worker.outbox import OutboxWorker
from bot.worker.relay_jobs import RelayJobs
from bot.worker.scheduler import Sweep, build_scheduler
from bot.worker.sla_sweep import send_due_sla_alerts
from bot.worker.sweeps import enqueue_expiries, send_digest_if_due
from db.migrate import upgrade
from db.transient import retry_transient, short_reason
from db.uow import Database
from handlers.actors import StaffDirectory
from handlers.form.definition import load_form
from provisioning.router import RouterClient, RouterConfig

log = logging.getLogger(__name__)


def router_config(settings: Settings) -> RouterConfig:
    return RouterConfig(
        host=settings.router_host,
        port=settings.router_port,
        username=settings.router_user,
        password=settings.router_password.get_secret_value(),
        use_tls=settings.router_tls,
        tls_verify=settings.router_tls_verify,
        ca_file=settings.router_ca_file,
        timeout=settings.router_timeout,
        hotspot_server=settings.router_hotspot_server,
    )


def smtp_config(settings: Settings) -> SmtpConfig:
    return SmtpConfig(
        host=settings.smtp_host,
        port=settings.smtp_port,
        username=settings.smtp_user,
        password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
        security=settings.smtp_security,
        sender=settings.smtp_sender,
        ca_file=settings.smtp_ca_file,
    )


def desk_context(settings: Settings, db: Database, clock: Clock) -> DeskContext:
    form_categories = frozenset(CATEGORY_CODES) - SELF_SERVICE_CATEGORIES
    return DeskContext(
        settings=settings,
        db=db,
        clock=clock,
        texts=Catalog.load(),
        form=load_form(settings.form_file, form_categories),
        staff=StaffDirectory(
            admins=frozenset(settings.admin_ids),
            heads=frozenset(settings.head_ids),
            admin_chat_id=settings.admin_chat_id,
            verification=settings.verification_required,
        ),
    )


def one_line_on_failure(name: str, sweep: Callable[[], Awaitable[object]]) -> Sweep:
    """A scheduled sweep that logs one line when it fails (the traceback at DEBUG) instead
    of APScheduler's traceback per run; a sweep keeps no state, so the next run retries."""

    async def guarded() -> None:
        try:
            await sweep()
        except Exception as error:
            log.warning("%s failed: %s", name, short_reason(error))
            log.debug("%s failed", name, exc_info=error)

    return guarded


def database_unreachable(error: BaseException) -> StartupError:
    """The one line that stops `run` or `migrate` when the database cannot be reached or
    migrated, naming the setting and the driver's first line (never the traceback)."""
    return StartupError(
        "HOTSPOT_DATABASE_URL: the database cannot be reached or migrated "
        f"({short_reason(error)})"
    )


class Runtime:
    """Builds every part from the settings and owns their start and stop."""

    def __init__(self, settings: Settings, clock: Clock | None = None) -> None:
        self.settings = settings
        self.clock = clock or SystemClock()
        self.db = Database(settings.database_url, busy_seconds=settings.database_busy_seconds)
        self.ctx = desk_context(settings, self.db, self.clock)
        self.commands = StaffCommandBook()
        register_admin_commands(self.commands, self.ctx)
        register_account_commands(self.commands, self.ctx)
        self.desk = Desk(self.ctx, self.commands)
        self.router = RouterClient(router_config(settings))
        self.mailer = SmtpSender(smtp_config(settings))
        token = settings.telegram_token.get_secret_value() if settings.telegram_token else ""
        self.channel = TelegramChannel(
            token,
            settings.telegram_base_url,
            settings.telegram_base_file_url,
            self.handle,
            self.ctx.texts,
            self.alert_error,
            self.ctx.staff.everyone(),
            self.commands,
        )
        relay = RelayJobs(self.ctx, self.channel.messenger)
        files = AttachmentJobs(self.ctx, self.channel.messenger)
        self.runner = JobRunner(
            self.ctx,
            self.channel.messenger,
            self.router,
            self.mailer,
            extra={
                "relay_to_staff": relay.to_staff,
                "relay_to_applicant": relay.to_applicant,
                "staff_attachments": files.to_staff,
            },
        )
        self.worker = OutboxWorker.from_settings(self.db, self.clock, self.runner, settings)
        # A group that Telegram moved is followed by every send and kept in the database.
        self.chat_moves = ChatMoves(self.ctx, self.worker.wake)
        self.channel.messenger.redirects.on_moved = self.chat_moves.record
        self.scheduler: AsyncIOScheduler = build_scheduler(
            settings,
            outbox=one_line_on_failure("outbox sweep", self.worker.sweep),
            expiry=one_line_on_failure("expiry sweep", self.expiry_sweep),
            digest=one_line_on_failure("digest sweep", self.digest_sweep),
            minutely={
                "idle-forms": one_line_on_failure("idle-form sweep", self.idle_sweep),
                "sla": one_line_on_failure("SLA sweep", self.sla_sweep),
            },
        )

    @property
    def messenger(self) -> Messenger:
        return self.channel.messenger

    async def handle(self, event: Inbound) -> Outcome:
        """One inbound event, handled until its transaction committed: a locked or lost
        database makes the whole handling start again (nothing goes out before the commit:
        the replies are the outcome, side effects are outbox jobs), for up to
        DATABASE_RETRY_SECONDS. Raises DatabaseUnavailable when it never committed."""
        outcome = await retry_transient(
            lambda: self.desk.handle(event),
            budget=self.settings.database_retry_seconds,
            what=f"update from chat {event.chat_id}",
        )
        if outcome.wake_worker:
            self.worker.wake()
        return outcome

    async def expiry_sweep(self) -> None:
        if await enqueue_expiries(self.ctx):
            self.worker.wake()

    async def idle_sweep(self) -> None:
        counts = await sweep_idle_forms(self.ctx)
        if counts.reminded or counts.expired:
            self.worker.wake()

    async def sla_sweep(self) -> None:
        if await send_due_sla_alerts(self.ctx):
            self.worker.wake()

    async def digest_sweep(self) -> None:
        if await send_digest_if_due(self.ctx):
            self.worker.wake()

    async def alert_error(self, error: str) -> None:
        """An update that failed, told to the admins directly and best effort: the failure
        may be the database itself, so it cannot go through the outbox."""
        text = self.ctx.texts.t("id", "error.alert", error=error[:500])
        for chat_id in self.ctx.staff.admin_chats():
            try:
                await self.messenger.send(chat_id, Reply(text))
            except Exception as error:
                log.warning("alert to chat %s failed: %s", chat_id, type(error).__name__)

    async def start(self, *, poll_timeout: int = 10) -> None:
        try:
            await upgrade(self.settings.database_url)
        except (SQLAlchemyError, OSError) as error:
            log.debug("database at start", exc_info=error)
            raise database_unreachable(error) from None
        self.channel.messenger.redirects.load(await self.chat_moves.load())
        await self.channel.start(
            poll_timeout=poll_timeout, retry_seconds=self.settings.telegram_start_retry_seconds
        )
        self.scheduler.start()
        self.worker.wake()

    async def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        await self.worker.stop()
        await self.channel.stop()
        await self.router.close()
        await self.db.dispose()
