"""A typed client for the emulator's HTTP control endpoints (``bot.emulator.control``).

For tests and demos whose emulator runs in another process:

    async with EmulatorClient("http://127.0.0.1:8081/_emulator") as emu:
        await emu.add_user(1001, "Siti")
        mark = await emu.seq()
        await emu.send_text(1001, "/start")
        reply = await emu.wait_for_message(1001, since=mark, contains="Selamat")
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import aiohttp

from bot.emulator.markup import Button

JSON = dict[str, Any]


class ControlError(Exception):
    def __init__(self, status: int, error: str) -> None:
        super().__init__(f"{status}: {error}")
        self.status = status
        self.error = error


@dataclass(frozen=True)
class RemoteMessage:
    """A message the bot sent, as the control endpoints describe it."""

    seq: int
    chat_id: int
    message_id: int
    kind: str
    text: str
    plain: str
    parse_mode: str | None
    buttons: list[list[Button]]
    edits: int
    deleted: bool
    document_filename: str | None

    @classmethod
    def from_json(cls, data: JSON) -> RemoteMessage:
        document = data.get("document") or {}
        return cls(
            seq=int(data["seq"]),
            chat_id=int(data["chat_id"]),
            message_id=int(data["message_id"]),
            kind=str(data["kind"]),
            text=str(data["text"]),
            plain=str(data["plain"]),
            parse_mode=data.get("parse_mode"),
            buttons=[[Button(text, value) for text, value in row] for row in data["buttons"]],
            edits=int(data.get("edits", 0)),
            deleted=bool(data.get("deleted", False)),
            document_filename=document.get("filename"),
        )


class EmulatorClient:
    def __init__(self, control_url: str, *, timeout: float = 30.0) -> None:
        self.control_url = control_url.rstrip("/")
        self._timeout = timeout
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> EmulatorClient:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self._timeout))
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    async def _call(
        self, method: str, path: str, *, body: JSON | None = None, query: JSON | None = None
    ) -> JSON:
        if self._session is None:
            raise RuntimeError("use EmulatorClient as an async context manager")
        params = {k: str(v) for k, v in (query or {}).items() if v is not None}
        async with self._session.request(
            method, f"{self.control_url}{path}", json=body, params=params
        ) as response:
            data: JSON = await response.json()
            if response.status != 200 or not data.get("ok"):
                raise ControlError(response.status, str(data.get("error")))
            return data

    async def health(self) -> JSON:
        return await self._call("GET", "/health")

    async def seq(self) -> int:
        return int((await self.health())["seq"])

    async def add_user(
        self,
        user_id: int,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "id",
    ) -> JSON:
        body = {
            "id": user_id,
            "first_name": first_name,
            "last_name": last_name,
            "username": username,
            "language_code": language_code,
        }
        return dict((await self._call("POST", "/users", body=body))["user"])

    async def add_group(self, chat_id: int, title: str, members: list[int]) -> JSON:
        body = {"id": chat_id, "title": title, "members": members}
        return dict((await self._call("POST", "/groups", body=body))["chat"])

    async def block(self, user_id: int) -> None:
        await self._call("POST", "/block", body={"user_id": user_id})

    async def unblock(self, user_id: int) -> None:
        await self._call("POST", "/unblock", body={"user_id": user_id})

    async def send_text(
        self,
        user_id: int,
        text: str,
        chat_id: int | None = None,
        reply_to_message_id: int | None = None,
    ) -> JSON:
        body = {
            "user_id": user_id,
            "text": text,
            "chat_id": chat_id,
            "reply_to_message_id": reply_to_message_id,
        }
        return dict((await self._call("POST", "/messages", body=body))["message"])

    async def send_document(
        self,
        user_id: int,
        filename: str,
        content: bytes,
        mime_type: str | None = None,
        *,
        caption: str | None = None,
        chat_id: int | None = None,
    ) -> JSON:
        body = {
            "user_id": user_id,
            "filename": filename,
            "content_base64": base64.b64encode(content).decode("ascii"),
            "mime_type": mime_type,
            "caption": caption,
            "chat_id": chat_id,
        }
        return dict((await self._call("POST", "/documents", body=body))["message"])

    async def press(
        self,
        user_id: int,
        message_id: int,
        callback_data: str | None = None,
        button_text: str | None = None,
        chat_id: int | None = None,
        *,
        forge: bool = False,
    ) -> str:
        body = {
            "user_id": user_id,
            "message_id": message_id,
            "callback_data": callback_data,
            "button_text": button_text,
            "chat_id": chat_id,
            "forge": forge,
        }
        return str((await self._call("POST", "/press", body=body))["callback_query_id"])

    async def sent(
        self, chat_id: int | None = None, since: int | None = None
    ) -> list[RemoteMessage]:
        data = await self._call("GET", "/sent", query={"chat_id": chat_id, "since": since})
        return [RemoteMessage.from_json(item) for item in data["messages"]]

    async def wait_for_message(
        self,
        chat_id: int,
        *,
        since: int | None = None,
        contains: str | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - sent to the server, which does the waiting
    ) -> RemoteMessage:
        query = {"chat_id": chat_id, "since": since, "contains": contains, "timeout": timeout}
        data = await self._call("GET", "/wait", query=query)
        return RemoteMessage.from_json(data["message"])

    async def wait_idle(
        self,
        timeout: float = 5.0,  # noqa: ASYNC109 - sent to the server, which does the waiting
        quiet: float = 0.2,
    ) -> None:
        await self._call("GET", "/idle", query={"timeout": timeout, "quiet": quiet})

    async def callback_answers(self) -> dict[str, JSON]:
        return dict((await self._call("GET", "/callback_answers"))["answers"])

    async def calls(self) -> dict[str, int]:
        return {k: int(v) for k, v in (await self._call("GET", "/calls"))["calls"].items()}

    async def fail_next(
        self,
        status: int = 429,
        times: int = 1,
        *,
        method: str | None = None,
        retry_after: int = 1,
    ) -> None:
        body = {"status": status, "times": times, "method": method, "retry_after": retry_after}
        await self._call("POST", "/faults", body=body)

    async def clear_faults(self) -> None:
        await self._call("DELETE", "/faults")
