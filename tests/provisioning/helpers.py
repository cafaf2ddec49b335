"""Shared helpers of the provisioning tests: the real routeros-api, and a raw API socket."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import routeros_api
from routeros_api.exceptions import RouterOsApiCommunicationError

from provisioning.simulator import RouterSimulator
from provisioning.simulator.protocol import encode_sentence, read_sentence, to_bytes, to_text

T = TypeVar("T")

USERNAME = "admin"
PASSWORD = "s3cret-pw"
HOST = "127.0.0.1"


def library_pool(port: int, password: str = PASSWORD) -> Any:
    pool = routeros_api.RouterOsApiPool(
        HOST, username=USERNAME, password=password, port=port, plaintext_login=True
    )
    pool.set_timeout(5.0)
    return pool


async def with_api(sim: RouterSimulator, operation: Callable[[Any], T]) -> T:
    """Run `operation(api)` on a logged-in routeros-api connection, in a worker thread.

    routeros-api blocks, and the simulator runs on this test's event loop.
    """

    def scenario() -> T:
        pool = library_pool(sim.port)
        try:
            api = pool.get_api()
            # As RouterClient does; otherwise each command waits on a delayed ACK.
            pool.socket.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return operation(api)
        finally:
            pool.disconnect()

    return await asyncio.to_thread(scenario)


def trap_message(call: Callable[[], object]) -> str:
    """The router's !trap message for a call that must fail with one."""
    try:
        call()
    except RouterOsApiCommunicationError as error:
        message = error.original_message
        return message.decode() if isinstance(message, bytes) else str(message)
    raise AssertionError("the router did not refuse the command")


class RawConnection:
    """An API connection at the level of words, to check what exactly goes over the wire."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, sim: RouterSimulator) -> RawConnection:
        reader, writer = await asyncio.open_connection(HOST, sim.port)
        return cls(reader, writer)

    async def send(self, *words: str) -> None:
        self.writer.write(encode_sentence(to_bytes(word) for word in words))
        await self.writer.drain()

    async def send_bytes(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    async def receive(self) -> list[str]:
        words = await asyncio.wait_for(read_sentence(self.reader, 1 << 24), 5)
        return [to_text(word) for word in words]

    async def call(self, *words: str) -> list[list[str]]:
        """Send a command; every reply sentence up to its !done (or a !fatal)."""
        await self.send(*words)
        replies: list[list[str]] = []
        while True:
            sentence = await self.receive()
            replies.append(sentence)
            if sentence[0] in ("!done", "!fatal"):
                return replies

    async def login(self) -> None:
        assert await self.call("/login", f"=name={USERNAME}", f"=password={PASSWORD}") == [
            ["!done"]
        ]

    async def at_eof(self) -> bool:
        data = await asyncio.wait_for(self.reader.read(1), 5)
        return data == b""

    async def close(self) -> None:
        self.writer.close()
        with contextlib.suppress(OSError):
            await self.writer.wait_closed()


OpenRaw = Callable[[], Awaitable[RawConnection]]
