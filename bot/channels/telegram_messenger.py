"""The outbound side of Telegram: messages, edits, documents and button answers through the
bot of a running python-telegram-bot Application, with every failure sorted by
`telegram_errors` into the product's `MessengerError`s."""

from __future__ import annotations

import logging
from collections.abc import Awaitable

from telegram import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    LinkPreviewOptions,
    Message,
)
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application

from bot.channels.chat_redirects import ChatRedirects
from bot.channels.html_split import CAPTION_LIMIT, split_html, utf16_len, visible_length
from bot.channels.messenger import (
    MessengerEditGoneError,
    MessengerRedirectError,
    MessengerTemporaryError,
)
from bot.channels.telegram_errors import Verdict, classify, messenger_error
from bot.dialog.events import Keyboard, Reply
from bot.texts.catalog import plain

log = logging.getLogger(__name__)

# Telegram's limit on the text of answerCallbackQuery.
TOAST_LIMIT = 200


def keyboard(buttons: Keyboard) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(b.text, url=b.url)
                if b.url
                else InlineKeyboardButton(b.text, callback_data=b.data)
                for b in row
            ]
            for row in buttons
        ]
    )


class TelegramMessenger:
    """Messenger over the bot of a running Application; used by the outbox workers and for
    the replies to updates.

    Every failure leaves as a `MessengerError` sorted by `telegram_errors` (Telegram's own
    words in its text). A send to a chat that moved is followed at once and remembered in
    `redirects`; an edit that changes nothing is a success.
    """

    # A chat can move once (group -> supergroup); a second hop is only followed to be safe.
    MAX_HOPS = 3

    def __init__(
        self,
        application: Application,  # type: ignore[type-arg]
        redirects: ChatRedirects | None = None,
    ) -> None:
        self.application = application
        self.redirects = redirects or ChatRedirects()

    def resolve(self, chat_id: int) -> int:
        return self.redirects.resolve(chat_id)

    async def send(self, chat_id: int, reply: Reply) -> int:
        """Sends `reply` (split into several messages when long, the buttons on the last) and
        returns the id of the last message. Raises a `MessengerError`."""
        for _ in range(self.MAX_HOPS):
            target = self.resolve(chat_id)
            try:
                if reply.document is not None:
                    return await self._send_document(target, reply, *reply.document)
                return await self._send_text(target, reply)
            except MessengerRedirectError as moved:
                await self.redirects.moved(target, moved.new_chat_id)
        raise MessengerTemporaryError(f"Telegram: chat {chat_id} keeps moving")

    async def _send_text(self, chat_id: int, reply: Reply, *, buttons: bool = True) -> int:
        message_id = 0
        parts = split_html(reply.text)
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            message_id = await self._call(
                self.application.bot.send_message(
                    chat_id,
                    part,
                    parse_mode=ParseMode.HTML,
                    reply_markup=keyboard(reply.buttons) if last and buttons else None,
                    link_preview_options=LinkPreviewOptions(is_disabled=True),
                )
            )
        return message_id

    async def _send_document(
        self, chat_id: int, reply: Reply, filename: str, content: bytes
    ) -> int:
        # A caption over Telegram's 1,024 goes as a message after the file, whole, rather
        # than cut; the buttons then go with that message.
        fits = visible_length(reply.text) <= CAPTION_LIMIT
        message_id = await self._call(
            self.application.bot.send_document(
                chat_id,
                InputFile(content, filename=filename),
                caption=(reply.text or None) if fits else None,
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard(reply.buttons) if fits else None,
            )
        )
        if fits:
            return message_id
        return await self._send_text(chat_id, reply)

    async def edit(self, chat_id: int, message_id: int, reply: Reply) -> None:
        """Replaces the text of a message the bot sent. An edit that changes nothing is done;
        a text too long for one message keeps its first part there and sends the rest.
        Raises `MessengerEditGoneError` when the message can no longer be edited (the caller
        may send a new one), or another `MessengerError`."""
        parts = split_html(reply.text)
        try:
            await self._call(
                self.application.bot.edit_message_text(
                    parts[0],
                    chat_id=chat_id,
                    message_id=message_id,
                    parse_mode=ParseMode.HTML,
                    reply_markup=keyboard(reply.buttons) if len(parts) == 1 else None,
                    link_preview_options=LinkPreviewOptions(is_disabled=True),
                )
            )
        except MessengerRedirectError as moved:
            # The message stays in the old chat, which can no longer be written to.
            await self.redirects.moved(chat_id, moved.new_chat_id)
            raise MessengerEditGoneError(str(moved)) from moved
        if len(parts) > 1:
            rest = "".join(parts[1:])
            await self.send(chat_id, Reply(rest, reply.buttons))

    async def answer(self, query: CallbackQuery, text: str | None, *, alert: bool) -> None:
        """Answers a button press, best effort: the client only stops its spinner sooner.
        A press the bot took long to handle gets "query is too old"; a failure is logged."""
        toast = cut_plain(text, TOAST_LIMIT) if text else None
        try:
            await query.answer(toast, show_alert=alert)
        except TelegramError as error:
            log.info("button answer not shown: %s", classify(error).words)

    @staticmethod
    async def _call(request: Awaitable[Message | bool]) -> int:
        """Runs one Bot API call; returns the message id (0 for an edit answered `true`).
        Raises the product's error for it, except for an edit that changed nothing."""
        try:
            result = await request
        except TelegramError as error:
            classified = classify(error)
            if classified.verdict is Verdict.IGNORE:
                return 0
            raise messenger_error(classified) from error
        return result.message_id if isinstance(result, Message) else 0


def cut_plain(text: str, limit: int) -> str:
    """Plain text of catalog HTML within `limit` UTF-16 units (a button answer's 200)."""
    result = plain(text)
    while utf16_len(result) > limit:
        result = result[: -max(1, (utf16_len(result) - limit) // 2)]
    return result
