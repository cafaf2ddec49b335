"""Bot API request parameters, however they arrive.

Telegram accepts a query string, a urlencoded or multipart form (what python-telegram-bot
sends: strings as they are, everything else JSON-encoded) or a JSON body. They all end up
here as one mapping, with typed getters that fail the way Telegram does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.emulator.errors import bad_request


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request."""

    filename: str | None
    content_type: str | None
    content: bytes


@dataclass
class Params:
    values: dict[str, Any] = field(default_factory=dict)
    files: dict[str, Upload] = field(default_factory=dict)

    def has(self, name: str) -> bool:
        return name in self.values or name in self.files

    def raw(self, name: str) -> Any:
        return self.values.get(name)

    def get_str(self, name: str) -> str | None:
        value = self.values.get(name)
        if value is None:
            return None
        if isinstance(value, str):
            return value
        return json.dumps(value) if isinstance(value, dict | list) else str(value)

    def get_int(self, name: str, default: int | None = None) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int):
            return value
        try:
            return int(float(value)) if isinstance(value, float) else int(str(value).strip())
        except ValueError:
            raise bad_request(f'Bad Request: field "{name}" must be a valid Number') from None

    def get_float(self, name: str, default: float) -> float:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f'Bad Request: field "{name}" must be a valid Number') from None

    def get_bool(self, name: str) -> bool:
        value = self.values.get(name)
        if isinstance(value, bool):
            return value
        if value is None:
            return False
        return str(value).strip().lower() in ("true", "1")

    def get_json(self, name: str) -> Any:
        """A JSON-serialized parameter, decoded; None when absent."""
        value = self.values.get(name)
        if not isinstance(value, str):
            return value
        if value == "":
            return None
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"Bad Request: can't parse {name} JSON object") from None

    def upload(self, name: str) -> Upload | None:
        """The file given for ``name``: its own part, or an ``attach://`` reference."""
        if name in self.files:
            return self.files[name]
        value = self.values.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            return self.files.get(value[len("attach://") :])
        return None


async def read_params(request: web.Request) -> Params:
    params = Params()
    for key, value in request.query.items():
        params.values[key] = value
    if request.method != "POST" or not request.can_read_body:
        return params
    content_type = request.content_type
    if content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise bad_request("Bad Request: can't parse JSON object") from None
        if isinstance(body, dict):
            params.values.update(body)
        return params
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()
        for key, item in form.items():
            if isinstance(item, web.FileField):
                params.files[key] = Upload(item.filename, item.content_type, item.file.read())
            elif isinstance(item, bytes):
                params.values[key] = item.decode("utf-8", "replace")
            else:
                params.values[key] = item
    return params
