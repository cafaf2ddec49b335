"""The Bot API emulator against two HTTP clients other than python-telegram-bot's own use.

httpx (what python-telegram-bot sends with) and aiohttp each call the emulator in every form
Telegram's Bot API accepts: a JSON body, a urlencoded form, a query string on GET and on POST,
a multipart upload, a method name in any case, a file download; and the answers Telegram gives
to a wrong token, an unknown path and a HEAD request.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, Protocol

import aiohttp
import httpx
import pytest

from bot.emulator import BotApiEmulator
from tests.emulator.conftest import ALICE
from tests.harness.emulator import started_emulator

NOT_FOUND = {"ok": False, "error_code": 404, "description": "Not Found"}
UNAUTHORIZED = {"ok": False, "error_code": 401, "description": "Unauthorized"}


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class Client(Protocol):
    """One HTTP client library behind a small common face."""

    name: str

    async def request(
        self,
        method: str,
        url: str,
        *,
        params: dict[str, str] | None = None,
        json_body: dict[str, Any] | None = None,
        form: dict[str, str] | None = None,
        files: dict[str, tuple[str, bytes, str]] | None = None,
    ) -> Answer: ...


class HttpxClient:
    name = "httpx"

    async def request(
        self,
        method: str,
        url: str,
        *,
        params: dict[str, str] | None = None,
        json_body: dict[str, Any] | None = None,
        form: dict[str, str] | None = None,
        files: dict[str, tuple[str, bytes, str]] | None = None,
    ) -> Answer:
        async with httpx.AsyncClient() as http:
            response = await http.request(
                method, url, params=params, json=json_body, data=form, files=files
            )
            return Answer(response.status_code, response.content)


class AiohttpClient:
    name = "aiohttp"

    async def request(
        self,
        method: str,
        url: str,
        *,
        params: dict[str, str] | None = None,
        json_body: dict[str, Any] | None = None,
        form: dict[str, str] | None = None,
        files: dict[str, tuple[str, bytes, str]] | None = None,
    ) -> Answer:
        data: aiohttp.FormData | dict[str, str] | None = form
        if files is not None:
            multipart = aiohttp.FormData()
            for key, value in (form or {}).items():
                multipart.add_field(key, value)
            for key, (filename, content, content_type) in files.items():
                multipart.add_field(key, content, filename=filename, content_type=content_type)
            data = multipart
        async with (
            aiohttp.ClientSession() as http,
            http.request(method, url, params=params, json=json_body, data=data) as response,
        ):
            return Answer(response.status, await response.read())


@pytest.fixture(params=[HttpxClient, AiohttpClient], ids=lambda kind: kind.name)
def client(request: pytest.FixtureRequest) -> Client:
    client: Client = request.param()
    return client


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    async with started_emulator() as emulator:
        emulator.add_user(ALICE, "Alice", username="alice")
        yield emulator


def method_url(emu: BotApiEmulator, method: str) -> str:
    return f"{emu.base_url}{emu.token}/{method}"


def sent_texts(emu: BotApiEmulator) -> list[str | None]:
    return [message.text for message in emu.messages_to(ALICE)]


async def test_json_body(emu: BotApiEmulator, client: Client) -> None:
    answer = await client.request(
        "POST", method_url(emu, "sendMessage"), json_body={"chat_id": ALICE, "text": "json"}
    )
    assert answer.status == 200 and answer.json()["result"]["text"] == "json"
    assert sent_texts(emu) == ["json"]


async def test_urlencoded_form(emu: BotApiEmulator, client: Client) -> None:
    form = {"chat_id": str(ALICE), "text": "form", "disable_notification": "true"}
    answer = await client.request("POST", method_url(emu, "sendMessage"), form=form)
    assert answer.status == 200 and answer.json()["result"]["text"] == "form"


async def test_query_string_on_get(emu: BotApiEmulator, client: Client) -> None:
    params = {"chat_id": str(ALICE), "text": "get"}
    answer = await client.request("GET", method_url(emu, "sendMessage"), params=params)
    assert answer.status == 200 and answer.json()["result"]["text"] == "get"


async def test_query_string_on_post(emu: BotApiEmulator, client: Client) -> None:
    params = {"chat_id": str(ALICE), "text": "post"}
    answer = await client.request("POST", method_url(emu, "sendMessage"), params=params)
    assert answer.status == 200 and answer.json()["result"]["text"] == "post"


async def test_query_string_beside_a_json_body(emu: BotApiEmulator, client: Client) -> None:
    answer = await client.request(
        "POST",
        method_url(emu, "sendMessage"),
        params={"chat_id": str(ALICE)},
        json_body={"text": "both"},
    )
    assert answer.status == 200 and answer.json()["result"]["text"] == "both"


async def test_multipart_upload(emu: BotApiEmulator, client: Client) -> None:
    answer = await client.request(
        "POST",
        method_url(emu, "sendDocument"),
        form={"chat_id": str(ALICE), "caption": "surat"},
        files={"document": ("surat.pdf", b"%PDF-1.4 test", "application/pdf")},
    )
    assert answer.status == 200, answer.body
    document = answer.json()["result"]["document"]
    assert document["file_name"] == "surat.pdf" and document["file_size"] == 13


@pytest.mark.parametrize("spelling", ["sendmessage", "SENDMESSAGE", "SendMessage"])
async def test_method_names_in_any_case(emu: BotApiEmulator, client: Client, spelling: str) -> None:
    answer = await client.request(
        "POST", method_url(emu, spelling), json_body={"chat_id": ALICE, "text": spelling}
    )
    assert answer.status == 200 and answer.json()["result"]["text"] == spelling


async def test_file_download(emu: BotApiEmulator, client: Client) -> None:
    await emu.send_document(ALICE, "ktp.jpg", b"\xff\xd8 picture", "image/jpeg")
    (file_id,) = emu.world.files
    answer = await client.request("GET", method_url(emu, "getFile"), params={"file_id": file_id})
    file_path = answer.json()["result"]["file_path"]
    download = await client.request("GET", f"{emu.base_file_url}{emu.token}/{file_path}")
    assert (download.status, download.body) == (200, b"\xff\xd8 picture")


async def test_a_wrong_token_is_unauthorized(emu: BotApiEmulator, client: Client) -> None:
    wrong = f"{emu.base_url}123456789:WRONG/getMe"
    answer = await client.request("GET", wrong)
    assert (answer.status, answer.json()) == (401, UNAUTHORIZED)


async def test_an_unknown_method(emu: BotApiEmulator, client: Client) -> None:
    answer = await client.request("POST", method_url(emu, "sendTelepathy"))
    assert answer.status == 404
    assert answer.json() == {
        "ok": False,
        "error_code": 404,
        "description": "Not Found: method not found",
    }


@pytest.mark.parametrize("path", ["/", "/favicon.ico", "/bot", "/api/v1/getMe"])
async def test_unknown_paths_are_not_found(emu: BotApiEmulator, client: Client, path: str) -> None:
    answer = await client.request("GET", f"{emu.root_url}{path}")
    assert (answer.status, answer.json()) == (404, NOT_FOUND)


async def test_a_method_without_its_name_is_not_found(emu: BotApiEmulator, client: Client) -> None:
    answer = await client.request("GET", f"{emu.base_url}{emu.token}")
    assert (answer.status, answer.json()) == (404, NOT_FOUND)
    answer = await client.request("GET", f"{emu.base_url}{emu.token}/")
    assert (answer.status, answer.json()) == (404, NOT_FOUND)


async def test_head_is_not_found(emu: BotApiEmulator, client: Client) -> None:
    answer = await client.request("HEAD", method_url(emu, "getMe"))
    assert answer.status == 404
    assert emu.calls["getMe"] == 0
