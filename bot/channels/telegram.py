"""Telegram through python-telegram-bot: updates become inbound events, replies go out as HTML.

The handlers here are thin on purpose: all state lives in the database (see the dialog),
so a restart or a second replica loses nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    File,
    Message,
    Update,
)
from telegram.error import BadRequest
from telegram.ext import AIORateLimiter, ApplicationBuilder, ContextTypes, TypeHandler
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_exponential

from bot.channels.messenger import (
    MessengerEditGoneError,
    MessengerError,
    MessengerPermanentError,
    MessengerRecipientGoneError,
    MessengerTemporaryError,
    MessengerUnknownError,
)
from bot.channels.telegram_messenger import TelegramMessenger
from bot.channels.telegram_start import PollingErrors, connect_with_retry
from bot.dialog.events import Inbound, Kind, Outcome, Person, Reply, Upload
from bot.dialog.staff_commands import StaffCommandBook
from bot.texts.catalog import Catalog, plain
from db.transient import DatabaseUnavailable

log = logging.getLogger(__name__)

Handle = Callable[[Inbound], Awaitable[Outcome]]
ALLOWED_UPDATES = (Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY)
# A reply after a commit cannot go back to the outbox, so a passing failure (a 5xx, a dropped
# connection; 429 is waited out by the rate limiter) gets this many tries, 0.5 s apart, doubling.
REPLY_TRIES = 3
REPLY_RETRY_SECONDS = 0.5


def _passing(error: BaseException) -> bool:
    """A temporary failure is tried again; an unknown one is told at once instead."""
    return isinstance(error, MessengerTemporaryError) and not isinstance(
        error, MessengerUnknownError
    )


def to_inbound(update: Update) -> Inbound | None:
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None or user.is_bot:
        return None
    person = Person(
        id=user.id,
        name=user.full_name,
        username=user.username,
        language_code=user.language_code,
    )
    private = chat.type == chat.PRIVATE
    query = update.callback_query
    if query is not None:
        message_id = query.message.message_id if query.message else None
        return Inbound(
            person, chat.id, Kind.BUTTON, private, data=query.data, message_id=message_id
        )
    edited = update.edited_message
    if edited is not None:
        # A message already sent was corrected (a typo in an email): the dialog decides
        # whether that changes an answer or earns the note that edits are not read.
        text = edited.text if edited.text is not None else edited.caption or ""
        return Inbound(person, chat.id, Kind.EDIT, private, text=text, message_id=edited.message_id)
    message = update.message
    if message is None:
        return None
    return _message_event(person, chat.id, private, message)


def _message_event(person: Person, chat_id: int, private: bool, message: Message) -> Inbound:
    reply_to = message.reply_to_message.message_id if message.reply_to_message else None
    forwarded = message.forward_origin is not None

    def event(kind: Kind, **fields: Any) -> Inbound:
        return Inbound(
            person,
            chat_id,
            kind,
            private,
            message_id=message.message_id,
            reply_to=reply_to,
            forwarded=forwarded,
            **fields,
        )

    text = message.text
    if text is not None and text.startswith("/") and not forwarded:
        # Any whitespace ends the command (a newline, a no-break space from a phone keyboard).
        head, *rest = text.split(None, 1)
        command, _, addressee = head[1:].partition("@")
        if addressee and addressee.lower() != (message.get_bot().username or "").lower():
            # `/start@OtherBot` in a group is for another bot.
            return event(Kind.UNSUPPORTED)
        args = rest[0].strip() if rest else ""
        return event(Kind.COMMAND, text=text, command=command.lower(), args=args)
    if text is not None:
        return event(Kind.TEXT, text=text)
    upload = _upload(message)
    if upload is not None:
        return event(Kind.FILE, upload=upload)
    return event(Kind.UNSUPPORTED)


def _upload(message: Message) -> Upload | None:
    """A document, or the largest size of a photo (photos carry no name and are JPEG)."""
    if message.document is not None:
        document = message.document
        return Upload(
            filename=document.file_name or "document",
            mime_type=document.mime_type or "application/octet-stream",
            size=document.file_size or 0,
            fetch=_fetcher(document.get_file),
        )
    if message.photo:
        photo = message.photo[-1]
        return Upload(
            filename=f"photo-{message.message_id}.jpg",
            mime_type="image/jpeg",
            size=photo.file_size or 0,
            fetch=_fetcher(photo.get_file),
        )
    return None


def _fetcher(get_file: Callable[[], Awaitable[File]]) -> Callable[[], Awaitable[bytes]]:
    async def fetch() -> bytes:
        telegram_file = await get_file()
        return bytes(await telegram_file.download_as_bytearray())

    return fetch


def apology_key(error: BaseException | None) -> str:
    """The text for a person whose update failed: "not saved, send it again" when the
    database never took it (its transaction rolled back), else the generic apology, which
    never claims the message was kept."""
    return "error.not_saved" if isinstance(error, DatabaseUnavailable) else "error.internal"


class TelegramChannel:
    def __init__(
        self,
        token: str,
        base_url: str,
        base_file_url: str,
        handle: Handle,
        texts: Catalog,
        on_error: Callable[[str], Awaitable[None]],
        staff_ids: list[int],
        staff_commands: StaffCommandBook,
    ) -> None:
        self.handle = handle
        self._in_hand = 0
        self.staff_commands = staff_commands
        self.texts = texts
        self.on_error = on_error
        self.staff_ids = staff_ids
        self.application = (
            ApplicationBuilder()
            .token(token)
            .base_url(base_url)
            .base_file_url(base_file_url)
            .rate_limiter(AIORateLimiter(max_retries=3))
            .build()
        )
        self.application.add_handler(TypeHandler(Update, self._on_update))
        self.application.add_error_handler(self._on_error)
        self.messenger = TelegramMessenger(self.application)
        # Each failing Telegram text is told to the admins once per run, not per update.
        self._told: set[str] = set()

    async def start(
        self, poll_interval: float = 0.0, poll_timeout: int = 10, *, retry_seconds: float = 300.0
    ) -> None:
        """Reaches Telegram (retried for up to `retry_seconds`, see telegram_start) and
        starts polling. Raises TelegramStartError for a refused token or no Telegram."""
        await connect_with_retry(self._connect, budget=retry_seconds)
        await self.application.start()
        assert self.application.updater is not None
        await self.application.updater.start_polling(
            poll_interval=poll_interval,
            timeout=poll_timeout,
            # Every update the dialog reads: one not asked for is lost without a trace.
            allowed_updates=list(ALLOWED_UPDATES),
            drop_pending_updates=False,
            bootstrap_retries=5,
            error_callback=PollingErrors(self.on_error, self.texts.t("id", "error.conflict")),
        )

    async def _connect(self) -> None:
        await self.application.initialize()
        await self.set_commands()

    async def stop(self) -> None:
        updater = self.application.updater
        if updater is not None and updater.running:
            await updater.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    async def set_commands(self) -> None:
        bot = self.application.bot
        for language in ("id", "en"):
            names = self.texts.t(language, "commands.menu").split()
            commands = [
                BotCommand(name, self.texts.t(language, f"commands.{name}")) for name in names
            ]
            # Indonesian is the default menu; English for clients set to English.
            await bot.set_my_commands(
                commands, language_code=None if language == "id" else language
            )
        for staff_id in self.staff_ids:
            for language in ("id", "en"):
                try:
                    await bot.set_my_commands(
                        self._staff_menu(language),
                        scope=BotCommandScopeChat(staff_id),
                        language_code=None if language == "id" else language,
                    )
                except BadRequest as error:
                    # Telegram knows a private chat only once that person has written to the bot.
                    log.warning("no staff command menu for %s yet: %s", staff_id, error.message)
                    break

    def _staff_menu(self, language: str) -> list[BotCommand]:
        """Staff see their own commands too, and only they do (a scope per staff chat): the
        Indonesian names, or the English aliases in an English client."""
        names = self.texts.t(language, "commands.menu").split()
        commands = [BotCommand(n, self.texts.t(language, f"commands.{n}")) for n in names]
        commands += [
            BotCommand(
                c.names[0] if language == "id" else c.names[-1],
                self.texts.t(language, c.description_key),
            )
            for c in self.staff_commands.commands
        ]
        return commands

    @property
    def idle(self) -> bool:
        """No update fetched and waiting, none being handled or answered."""
        return self._in_hand == 0 and self.application.update_queue.empty()

    async def _on_update(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        if not isinstance(update, Update):
            return
        event = to_inbound(update)
        if event is None:
            return
        self._in_hand += 1
        try:
            outcome = await self.handle(event)
            await self._deliver(update, event, outcome)
        finally:
            self._in_hand -= 1

    async def _deliver(self, update: Update, event: Inbound, outcome: Outcome) -> None:
        """Sends what the dialog decided. The dialog has committed by now, so nothing here may
        fail the update: the press is answered best effort, each reply goes out on its own
        (one failing does not drop the others), an edit of a message that is gone becomes a
        new message, and a failure is logged (an unknown one also told to the admins once),
        never answered with "try again"."""
        query = update.callback_query
        if query is not None:
            # Always answered, or the client shows a spinner for many seconds.
            await self.messenger.answer(query, outcome.toast, alert=outcome.alert)
        for reply in outcome.replies:
            chat_id = reply.chat_id or event.chat_id
            edit_of = query.message.message_id if query and query.message and reply.edit else None
            retrying = AsyncRetrying(
                retry=retry_if_exception(_passing),
                wait=wait_exponential(multiplier=REPLY_RETRY_SECONDS),
                stop=stop_after_attempt(REPLY_TRIES),
                reraise=True,
            )
            try:
                await retrying(self._reply, chat_id, edit_of, reply)
            except MessengerError as error:
                await self._reply_failed(chat_id, error)

    async def _reply(self, chat_id: int, edit_of: int | None, reply: Reply) -> None:
        """One reply: an edit of the pressed message, or a new message when there is none to
        edit or it is gone."""
        if edit_of is not None:
            try:
                await self.messenger.edit(chat_id, edit_of, reply)
                return
            except MessengerEditGoneError as error:
                log.info("edit not possible, sending anew: %s", error)
        await self.messenger.send(chat_id, replace(reply, edit=False))

    async def _reply_failed(self, chat_id: int, error: MessengerError) -> None:
        log.warning("reply to chat %s not delivered: %s", chat_id, error)
        if isinstance(error, MessengerUnknownError | MessengerPermanentError):
            text = str(error)
            if text not in self._told and not isinstance(error, MessengerRecipientGoneError):
                self._told.add(text)
                await self.on_error(plain(self.texts.t("id", "error.reply_lost", error=text)))

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        error = context.error
        if isinstance(error, DatabaseUnavailable):
            # The retries already logged each try; the cause is the database, not a bug.
            log.error("update not saved, the database stayed unavailable: %s", error)
        else:
            log.error("update failed: %s", type(error).__name__, exc_info=error)
        if isinstance(update, Update) and update.callback_query is not None:
            await self.messenger.answer(update.callback_query, None, alert=False)
        if isinstance(update, Update) and update.effective_chat is not None:
            language = self.texts.language(
                update.effective_user.language_code if update.effective_user else None
            )
            try:
                await self.messenger.send(
                    update.effective_chat.id, Reply(self.texts.t(language, apology_key(error)))
                )
            except Exception:
                log.warning("could not tell the user about the failure")
        await self.on_error(f"{type(error).__name__}: {error}")
