"""Bot API methods about the bot itself: identity, updates, webhook, commands, callbacks, files."""

from __future__ import annotations

import json
import re
from typing import Any

from bot.emulator.context import ApiContext
from bot.emulator.errors import (
    COMMAND_DESCRIPTION_INVALID,
    COMMAND_INVALID,
    COMMAND_SCOPE_INVALID,
    CONFLICT_WEBHOOK,
    FILE_TOO_BIG,
    INVALID_FILE_ID,
    QUERY_TOO_OLD,
    ApiError,
    bad_request,
)
from bot.emulator.params import Params
from bot.emulator.records import CallbackAnswer

MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
_SCOPES_WITH_CHAT = frozenset({"chat", "chat_administrators", "chat_member"})
_SCOPES = frozenset(
    {"default", "all_private_chats", "all_group_chats", "all_chat_administrators"}
    | _SCOPES_WITH_CHAT
)


class Answer:
    """A result that also carries Telegram's optional ``description``."""

    def __init__(self, result: Any, description: str) -> None:
        self.result = result
        self.description = description


async def get_me(ctx: ApiContext, params: Params) -> Any:
    return {
        **ctx.world.bot.to_json(),
        "can_join_groups": True,
        "can_read_all_group_messages": not ctx.group_privacy,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


async def get_updates(ctx: ApiContext, params: Params) -> Any:
    if ctx.world.webhook is not None:
        raise ApiError(409, CONFLICT_WEBHOOK)
    ctx.queue.set_allowed(params.raw("allowed_updates"))
    return await ctx.queue.get_updates(
        offset=params.get_int("offset", 0) or 0,
        limit=params.get_int("limit", 100) or 100,
        wait_seconds=params.get_float("timeout", 0.0),
    )


async def set_webhook(ctx: ApiContext, params: Params) -> Any:
    url = params.get_str("url") or ""
    if not url:
        return await delete_webhook(ctx, params)
    if params.get_bool("drop_pending_updates"):
        ctx.queue.clear()
    ctx.queue.set_allowed(params.raw("allowed_updates"))
    ctx.queue.abort_poll(ApiError(409, "Conflict: terminated by setWebhook request"))
    ctx.world.webhook = {
        "url": url,
        "secret_token": params.get_str("secret_token"),
        "max_connections": params.get_int("max_connections", 40),
        "ip_address": params.get_str("ip_address"),
    }
    return Answer(True, "Webhook was set")


async def delete_webhook(ctx: ApiContext, params: Params) -> Any:
    if params.get_bool("drop_pending_updates"):
        ctx.queue.clear()
    had_webhook = ctx.world.webhook is not None
    ctx.world.webhook = None
    return Answer(True, "Webhook was deleted" if had_webhook else "Webhook is already deleted")


async def get_webhook_info(ctx: ApiContext, params: Params) -> Any:
    webhook = ctx.world.webhook or {}
    return {
        "url": webhook.get("url", ""),
        "has_custom_certificate": False,
        "pending_update_count": ctx.queue.pending,
        "max_connections": webhook.get("max_connections", 40),
    }


async def answer_callback_query(ctx: ApiContext, params: Params) -> Any:
    query_id = params.get_str("callback_query_id") or ""
    world = ctx.world
    # Each query can be answered once; unknown and answered ids get the same reply.
    if world.callback_queries.get(query_id) is not False:
        raise bad_request(QUERY_TOO_OLD)
    world.callback_queries[query_id] = True
    world.callback_answers[query_id] = CallbackAnswer(
        query_id=query_id,
        text=params.get_str("text"),
        show_alert=params.get_bool("show_alert"),
        url=params.get_str("url"),
        cache_time=params.get_int("cache_time", 0) or 0,
    )
    world.output.notify()
    return True


def scope_key(scope_type: str, chat_id: int | None = None, user_id: int | None = None) -> str:
    """The canonical form of a BotCommandScope, as used in ``BotApiEmulator.commands``."""
    canonical: dict[str, Any] = {"type": scope_type}
    if chat_id is not None:
        canonical["chat_id"] = chat_id
    if user_id is not None:
        canonical["user_id"] = user_id
    return json.dumps(canonical, sort_keys=True, separators=(",", ":"))


def _commands_key(ctx: ApiContext, params: Params) -> tuple[str, str]:
    try:
        scope = params.get_json("scope")
    except ApiError:
        raise bad_request(COMMAND_SCOPE_INVALID) from None
    if scope is None:
        scope = {"type": "default"}
    if not isinstance(scope, dict) or scope.get("type") not in _SCOPES:
        raise bad_request(COMMAND_SCOPE_INVALID)
    chat_id = user_id = None
    if scope["type"] in _SCOPES_WITH_CHAT:
        chat_id = ctx.world.resolve_chat(scope.get("chat_id")).id
    if scope["type"] == "chat_member":
        user_id = int(scope.get("user_id") or 0)
    key = scope_key(scope["type"], chat_id, user_id)
    return key, params.get_str("language_code") or ""


async def set_my_commands(ctx: ApiContext, params: Params) -> Any:
    raw = params.get_json("commands")
    if not isinstance(raw, list):
        raise bad_request("Bad Request: can't parse commands JSON object")
    commands: list[tuple[str, str]] = []
    for item in raw:
        if not isinstance(item, dict):
            raise bad_request(COMMAND_INVALID)
        command = str(item.get("command", "")).removeprefix("/")
        description = str(item.get("description", "")).strip()
        if not _COMMAND.match(command):
            raise bad_request(COMMAND_INVALID)
        if not 1 <= len(description) <= 256:
            raise bad_request(COMMAND_DESCRIPTION_INVALID)
        commands.append((command, description))
    if len(commands) > 100:
        raise bad_request(COMMAND_INVALID)
    key = _commands_key(ctx, params)
    if commands:
        ctx.world.commands[key] = commands
    else:
        ctx.world.commands.pop(key, None)
    return True


async def get_my_commands(ctx: ApiContext, params: Params) -> Any:
    key = _commands_key(ctx, params)
    return [
        {"command": command, "description": description}
        for command, description in ctx.world.commands.get(key, [])
    ]


async def delete_my_commands(ctx: ApiContext, params: Params) -> Any:
    ctx.world.commands.pop(_commands_key(ctx, params), None)
    return True


async def get_file(ctx: ApiContext, params: Params) -> Any:
    stored = ctx.world.files.get(params.get_str("file_id") or "")
    if stored is None:
        raise bad_request(INVALID_FILE_ID)
    if len(stored.content) > MAX_DOWNLOAD_BYTES:
        raise bad_request(FILE_TOO_BIG)
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.content),
        "file_path": stored.file_path,
    }


async def accept(ctx: ApiContext, params: Params) -> Any:
    """Methods the emulator takes note of but does not model (close, logOut, menus...)."""
    return True
