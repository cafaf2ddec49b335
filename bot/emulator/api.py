"""The Bot API method table and the call pipeline around it (faults, delays, activity)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from bot.emulator import api_bot, api_messages
from bot.emulator.context import ApiContext
from bot.emulator.errors import METHOD_NOT_FOUND, ApiError
from bot.emulator.faults import FaultPlan
from bot.emulator.params import Params

logger = logging.getLogger(__name__)

Method = Callable[[ApiContext, Params], Awaitable[Any]]

_METHODS: dict[str, Method] = {
    "getMe": api_bot.get_me,
    "getUpdates": api_bot.get_updates,
    "setWebhook": api_bot.set_webhook,
    "deleteWebhook": api_bot.delete_webhook,
    "getWebhookInfo": api_bot.get_webhook_info,
    "answerCallbackQuery": api_bot.answer_callback_query,
    "setMyCommands": api_bot.set_my_commands,
    "getMyCommands": api_bot.get_my_commands,
    "deleteMyCommands": api_bot.delete_my_commands,
    "getFile": api_bot.get_file,
    "close": api_bot.accept,
    "logOut": api_bot.accept,
    "setMyDescription": api_bot.accept,
    "setMyShortDescription": api_bot.accept,
    "setMyName": api_bot.accept,
    "setChatMenuButton": api_bot.accept,
    "sendMessage": api_messages.send_message,
    "sendDocument": api_messages.send_document,
    "sendPhoto": api_messages.send_photo,
    "editMessageText": api_messages.edit_message_text,
    "editMessageCaption": api_messages.edit_message_caption,
    "editMessageReplyMarkup": api_messages.edit_message_reply_markup,
    "deleteMessage": api_messages.delete_message,
    "sendChatAction": api_messages.send_chat_action,
    "getChat": api_messages.get_chat,
}
# Telegram matches method names case-insensitively.
_BY_LOWER = {name.lower(): (name, method) for name, method in _METHODS.items()}


class Activity:
    """Whether the bot is busy: requests in flight (long polls aside) and when it last acted."""

    def __init__(self) -> None:
        self.in_flight = 0
        self.last_change = 0.0

    def touch(self) -> None:
        self.last_change = asyncio.get_running_loop().time()


class BotApi:
    def __init__(self, ctx: ApiContext, faults: FaultPlan, activity: Activity) -> None:
        self.ctx = ctx
        self.faults = faults
        self.activity = activity

    async def call(self, method_name: str, params: Params) -> dict[str, Any]:
        """Run one method; returns the response body. Raises ``ApiError`` on failure."""
        found = _BY_LOWER.get(method_name.lower())
        if found is None:
            raise ApiError(404, METHOD_NOT_FOUND)
        name, method = found
        self.ctx.world.calls[name] += 1
        lower = name.lower()
        is_poll = lower == "getupdates"
        if not is_poll:
            self.activity.in_flight += 1
            self.activity.touch()
        try:
            delay = self.faults.delay_for(lower)
            if delay > 0:
                await asyncio.sleep(delay)
            injected = self.faults.take(lower)
            if injected is not None:
                logger.debug("emulator: injected %s for %s", injected.status, name)
                raise injected
            result = await method(self.ctx, params)
            delay = self.faults.delay_for(lower, after=True)
            if delay > 0:
                await asyncio.sleep(delay)
        finally:
            if not is_poll:
                self.activity.in_flight -= 1
                self.activity.touch()
        if is_poll and result:
            self.activity.touch()
        if isinstance(result, api_bot.Answer):
            return {"ok": True, "result": result.result, "description": result.description}
        return {"ok": True, "result": result}
