"""HTTP control endpoints, to play users and read results when the bot runs elsewhere.

Mounted under ``/_emulator/`` next to the Bot API. Bodies and answers are JSON; failures
answer ``{"ok": false, "error": "..."}`` with 400 (bad input), 403 (user not in that chat),
404 (unknown user, chat, message or button) or 408 (a wait timed out). No token: bind the
emulator to a loopback address only.

Users and chats
    POST /_emulator/users      {"id", "first_name", "last_name"?, "username"?, "language_code"?}
    POST /_emulator/groups     {"id", "title", "members": [user ids]}
    POST /_emulator/migrate    {"chat_id", "new_chat_id"?}   the group becomes a supergroup:
                               calls naming the old id answer 400 with migrate_to_chat_id
    POST /_emulator/block      {"user_id"}    the user blocks the bot (sends answer 403)
    POST /_emulator/unblock    {"user_id"}

User actions (answer {"ok": true, "message": <Message JSON>, "update_id"})
    POST /_emulator/messages   {"user_id", "text", "chat_id"?, "reply_to_message_id"?}
    POST /_emulator/documents  {"user_id", "filename", "content_base64", "mime_type"?,
                                "caption"?, "chat_id"?}
    POST /_emulator/photos     {"user_id", "content_base64", "caption"?, "chat_id"?}
    POST /_emulator/press      {"user_id", "message_id", "chat_id"?, "callback_data"?,
                                "button_text"?, "forge"?}   -> {"ok": true, "callback_query_id"}

Reading what the bot did
    GET /_emulator/health                  bot identity, current "seq", pending updates
    GET /_emulator/sent?chat_id=&since=    {"seq", "messages": [...]}: without ``since`` every
                                           message as it is now; with it, each send or edit
                                           after that seq, as it was then
    GET /_emulator/wait?chat_id=&since=&timeout=&contains=
                                           the first send or edit after ``since`` (default:
                                           now) whose plain text contains ``contains``
    GET /_emulator/idle?timeout=&quiet=    waits until the bot has confirmed every update and
                                           been quiet for ``quiet`` seconds
    GET /_emulator/callback_answers        {"answers": {query id: {"text", "show_alert", ...}}}
    GET /_emulator/commands                {"commands": [{"scope", "language_code", "commands"}]}
    GET /_emulator/calls                   {"calls": {method: count}}

Faults
    POST   /_emulator/faults   {"status": 429|500|..., "times", "method"?, "retry_after"?}
    POST   /_emulator/delay    {"seconds", "method"?, "after"?}  (after: run, then answer late)
    DELETE /_emulator/faults   clear faults and delays

A message in these answers is ``SentMessage.to_json()``: seq, chat_id, message_id, kind,
text, plain, parse_mode, buttons ([[text, data]]), date, edit_date, edits, deleted,
reply_to_message_id and, for files, document {file_id, filename, mime_type, size}.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.emulator.records import InboundMessage

if TYPE_CHECKING:
    from bot.emulator.emulator import BotApiEmulator

JSON = dict[str, Any]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class _BadInput(Exception):
    pass


def _reply(body: JSON, status: int = 200) -> web.Response:
    return web.Response(
        status=status, text=json.dumps(body, ensure_ascii=False), content_type="application/json"
    )


def _fail(status: int, error: str) -> web.Response:
    return _reply({"ok": False, "error": error}, status)


class _Body:
    def __init__(self, data: JSON) -> None:
        self.data = data

    @classmethod
    async def read(cls, request: web.Request) -> _Body:
        if not request.can_read_body:
            return cls({})
        try:
            data = await request.json()
        except ValueError:
            raise _BadInput("the body must be a JSON object") from None
        if not isinstance(data, dict):
            raise _BadInput("the body must be a JSON object")
        return cls(data)

    def req_int(self, name: str) -> int:
        value = self.data.get(name)
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise _BadInput(f"{name} must be an integer")
        try:
            return int(value)
        except ValueError:
            raise _BadInput(f"{name} must be an integer") from None

    def opt_int(self, name: str) -> int | None:
        return None if self.data.get(name) is None else self.req_int(name)

    def req_str(self, name: str) -> str:
        value = self.data.get(name)
        if not isinstance(value, str):
            raise _BadInput(f"{name} must be a string")
        return value

    def opt_str(self, name: str) -> str | None:
        return None if self.data.get(name) is None else self.req_str(name)

    def req_bytes(self, name: str) -> bytes:
        try:
            return base64.b64decode(self.req_str(name), validate=True)
        except binascii.Error:
            raise _BadInput(f"{name} must be base64") from None


def _query_int(request: web.Request, name: str) -> int | None:
    value = request.query.get(name)
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError:
        raise _BadInput(f"{name} must be an integer") from None


def _query_float(request: web.Request, name: str, default: float) -> float:
    value = request.query.get(name)
    if value in (None, ""):
        return default
    try:
        return float(value)
    except ValueError:
        raise _BadInput(f"{name} must be a number") from None


def _inbound(message: InboundMessage) -> web.Response:
    return _reply({"ok": True, "message": message.payload, "update_id": message.update_id})


def _guarded(handler: Handler) -> Handler:
    async def run(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except _BadInput as error:
            return _fail(400, str(error))
        except PermissionError as error:
            return _fail(403, str(error))
        except (KeyError, LookupError) as error:
            return _fail(404, str(error.args[0] if error.args else error))
        except ValueError as error:
            return _fail(400, str(error))
        except TimeoutError as error:
            return _fail(408, str(error))

    return run


def build_control_app(emulator: BotApiEmulator) -> web.Application:
    emu = emulator
    app = web.Application()

    async def health(request: web.Request) -> web.StreamResponse:
        return _reply(
            {
                "ok": True,
                "bot": emu.bot_user.to_json(),
                "seq": emu.seq,
                "pending_updates": emu.pending_updates,
            }
        )

    async def users(request: web.Request) -> web.StreamResponse:
        body = await _Body.read(request)
        user = emu.add_user(
            body.req_int("id"),
            body.req_str("first_name"),
            last_name=body.opt_str("last_name"),
            username=body.opt_str("username"),
            language_code=body.opt_str("language_code") if "language_code" in body.data else "id",
        )
        return _reply({"ok": True, "user": user.to_json()})

    async def groups(request: web.Request) -> web.StreamResponse:
        body = await _Body.read(request)
        members = body.data.get("members") or []
        if not isinstance(members, list) or not all(isinstance(m, int) for m in members):
            raise _BadInput("members must be a list of user ids")
        chat = emu.add_group(body.req_int("id"), body.req_str("title"), members)
        return _reply({"ok": True, "chat": chat.to_json()})

    async def migrate(request: web.Request) -> web.StreamResponse:
        body = await _Body.read(request)
        chat = emu.migrate_group(body.req_int("chat_id"), body.opt_int("new_chat_id"))
        return _reply({"ok": True, "chat": chat.to_json()})

    async def block(request: web.Request) -> web.StreamResponse:
        emu.block((await _Body.read(request)).req_int("user_id"))
        return _reply({"ok": True})

    async def unblock(request: web.Request) -> web.StreamResponse:
        emu.unblock((await _Body.read(request)).req_int("user_id"))
        return _reply({"ok": True})

    async def messages(request: web.Request) -> web.StreamResponse:
        body = await _Body.read(request)
        message = await emu.send_text(
            body.req_int("user_id"),
            body.req_str("text"),
            body.opt_int("chat_id"),
            reply_to=body.opt_int("reply_to_message_id"),
        )
        return _inbound(message)

    async def documents(request: web.Request) -> web.StreamResponse:
        body = await _Body.read(request)
        message = await emu.send_document(
            body.req_int("user_id"),
            body.req_str("filename"),
            body.req_bytes("content_base64"),
            body.opt_str("mime_type"),
            caption=body.opt_str("caption"),
            chat_id=body.opt_int("chat_id"),
        )
        return _inbound(message)

    async def photos(request: web.Request) -> web.StreamResponse:
        body = await _Body.read(request)
        message = await emu.send_photo(
            body.req_int("user_id"),
            body.req_bytes("content_base64"),
            caption=body.opt_str("caption"),
            chat_id=body.opt_int("chat_id"),
        )
        return _inbound(message)

    async def press(request: web.Request) -> web.StreamResponse:
        body = await _Body.read(request)
        query_id = await emu.press(
            body.req_int("user_id"),
            body.req_int("message_id"),
            callback_data=body.opt_str("callback_data"),
            button_text=body.opt_str("button_text"),
            chat_id=body.opt_int("chat_id"),
            forge=bool(body.data.get("forge")),
        )
        return _reply({"ok": True, "callback_query_id": query_id})

    async def sent(request: web.Request) -> web.StreamResponse:
        chat_id = _query_int(request, "chat_id")
        since = _query_int(request, "since")
        if since is None:
            records = [r for r in emu.sent if chat_id is None or r.chat_id == chat_id]
        else:
            records = emu.events_since(since, chat_id)
        return _reply(
            {"ok": True, "seq": emu.seq, "messages": [record.to_json() for record in records]}
        )

    async def wait(request: web.Request) -> web.StreamResponse:
        chat_id = _query_int(request, "chat_id")
        if chat_id is None:
            raise _BadInput("chat_id is required")
        contains = request.query.get("contains")
        message = await emu.wait_for_message(
            chat_id,
            (lambda m: contains in m.plain) if contains else None,
            timeout=_query_float(request, "timeout", 5.0),
            since=_query_int(request, "since"),
        )
        return _reply({"ok": True, "seq": emu.seq, "message": message.to_json()})

    async def idle(request: web.Request) -> web.StreamResponse:
        await emu.wait_idle(
            timeout=_query_float(request, "timeout", 5.0),
            quiet=_query_float(request, "quiet", 0.2),
        )
        return _reply({"ok": True, "idle": True})

    async def callback_answers(request: web.Request) -> web.StreamResponse:
        answers = {
            query_id: {
                "text": answer.text,
                "show_alert": answer.show_alert,
                "url": answer.url,
                "cache_time": answer.cache_time,
            }
            for query_id, answer in emu.callback_answers.items()
        }
        return _reply({"ok": True, "answers": answers})

    async def commands(request: web.Request) -> web.StreamResponse:
        listing = [
            {
                "scope": json.loads(scope),
                "language_code": language,
                "commands": [list(pair) for pair in pairs],
            }
            for (scope, language), pairs in emu.commands.items()
        ]
        return _reply({"ok": True, "commands": listing})

    async def calls(request: web.Request) -> web.StreamResponse:
        return _reply({"ok": True, "calls": dict(emu.calls)})

    async def add_fault(request: web.Request) -> web.StreamResponse:
        body = await _Body.read(request)
        emu.fail_next(
            body.req_int("status"),
            body.opt_int("times") or 1,
            method=body.opt_str("method"),
            retry_after=body.opt_int("retry_after") or 1,
            description=body.opt_str("description"),
        )
        return _reply({"ok": True})

    async def add_delay(request: web.Request) -> web.StreamResponse:
        body = await _Body.read(request)
        seconds = body.data.get("seconds")
        if isinstance(seconds, bool) or not isinstance(seconds, int | float):
            raise _BadInput("seconds must be a number")
        emu.delay(float(seconds), method=body.opt_str("method"), after=bool(body.data.get("after")))
        return _reply({"ok": True})

    async def clear_faults(request: web.Request) -> web.StreamResponse:
        emu.clear_faults()
        return _reply({"ok": True})

    routes: list[tuple[str, str, Handler]] = [
        ("GET", "/health", health),
        ("POST", "/users", users),
        ("POST", "/groups", groups),
        ("POST", "/migrate", migrate),
        ("POST", "/block", block),
        ("POST", "/unblock", unblock),
        ("POST", "/messages", messages),
        ("POST", "/documents", documents),
        ("POST", "/photos", photos),
        ("POST", "/press", press),
        ("GET", "/sent", sent),
        ("GET", "/wait", wait),
        ("GET", "/idle", idle),
        ("GET", "/callback_answers", callback_answers),
        ("GET", "/commands", commands),
        ("GET", "/calls", calls),
        ("POST", "/faults", add_fault),
        ("DELETE", "/faults", clear_faults),
        ("POST", "/delay", add_delay),
    ]
    for method, path, handler in routes:
        app.router.add_route(method, path, _guarded(handler))
    return app
