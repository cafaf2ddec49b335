"""The HTTP face of the emulator: Bot API calls, file downloads and the control sub-app.

Routes:
    ``/bot<token>/<method>``      Bot API methods (GET or POST, any body encoding)
    ``/file/bot<token>/<path>``   downloads of files users sent (what getFile points to)
    ``/_emulator/...``            the control endpoints (see ``bot.emulator.control``)

Anything else (another path, a HEAD or PUT request) is answered as api.telegram.org answers
it: 404 with ``{"ok": false, "error_code": 404, "description": "Not Found"}``.

The access log stays off: its lines would carry the bot token from the URL.
"""

from __future__ import annotations

import hmac
import json
import logging
from typing import Any

from aiohttp import web

from bot.emulator.api import BotApi
from bot.emulator.errors import INTERNAL, UNAUTHORIZED, ApiError
from bot.emulator.params import read_params

logger = logging.getLogger(__name__)

# Bots may upload up to 50 MB; aiohttp's default body limit is 1 MB.
MAX_BODY_BYTES = 60 * 1024 * 1024

API_KEY: web.AppKey[BotApi] = web.AppKey("bot_api", BotApi)

# Telegram's answer to a path that is no Bot API route (an unknown *method* is
# "Not Found: method not found" instead, see bot.emulator.errors).
PATH_NOT_FOUND = "Not Found"
# The Bot API serves GET and POST only ("We support GET and POST HTTP methods").
API_VERBS = ("GET", "POST")


def _json(body: dict[str, Any], status: int = 200) -> web.Response:
    return web.Response(
        status=status,
        text=json.dumps(body, ensure_ascii=False),
        content_type="application/json",
    )


def _error(error: ApiError) -> web.Response:
    return _json(error.payload(), status=error.status)


def _token_ok(api: BotApi, token: str) -> bool:
    return hmac.compare_digest(token.encode(), api.ctx.world.token.encode())


async def _handle_method(request: web.Request) -> web.StreamResponse:
    api = request.app[API_KEY]
    if not _token_ok(api, request.match_info["token"]):
        return _error(ApiError(401, UNAUTHORIZED))
    method = request.match_info["method"]
    try:
        params = await read_params(request)
        body = await api.call(method, params)
    except ApiError as error:
        return _error(error)
    except Exception:
        # A bug in the emulator must look like a server error to the bot, not hang it.
        logger.exception("emulator: %s failed", method)
        return _error(ApiError(500, INTERNAL))
    return _json(body)


async def _handle_file(request: web.Request) -> web.StreamResponse:
    api = request.app[API_KEY]
    if not _token_ok(api, request.match_info["token"]):
        return _error(ApiError(401, UNAUTHORIZED))
    stored = api.ctx.world.files_by_path.get(request.match_info["path"])
    if stored is None:
        return _error(ApiError(404, "Not Found: file not found"))
    return web.Response(
        body=stored.content,
        content_type=stored.mime_type or "application/octet-stream",
    )


async def _handle_unknown(request: web.Request) -> web.StreamResponse:
    return _error(ApiError(404, PATH_NOT_FOUND))


def build_app(api: BotApi, control: web.Application | None = None) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY_BYTES)
    app[API_KEY] = api
    for verb in API_VERBS:
        app.router.add_route(verb, "/bot{token}/{method}", _handle_method)
    app.router.add_get("/file/bot{token}/{path:.+}", _handle_file, allow_head=False)
    if control is not None:
        app.add_subapp("/_emulator/", control)
    app.router.add_route("*", "/{tail:.*}", _handle_unknown)
    return app
