"""The whole product on one machine: the real bot, wired to the local stand-ins.

A Telegram Bot API emulator, a RouterOS API simulator and an SMTP sink, each speaking its
real protocol, plus the runtime built exactly as `hotspot-desk run` builds it. The demo and
the end-to-end tests both stand on this.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from types import TracebackType
from typing import Any

from bot.clock import Clock
from bot.config import Settings
from bot.emulator import BotApiEmulator
from bot.emulator.records import SentMessage
from bot.mail.sink import SmtpSink
from bot.runtime import Runtime
from provisioning.simulator import RouterSimulator

ADMIN_ID = 9001
HEAD_ID = 9002
ROUTER_USER = "hotspot-desk"
ROUTER_PASSWORD = "demo-router-secret"


class LocalStage:
    def __init__(
        self,
        workdir: Path,
        *,
        database_url: str | None = None,
        clock: Clock | None = None,
        admin_ids: tuple[int, ...] = (ADMIN_ID,),
        head_ids: tuple[int, ...] = (HEAD_ID,),
        **overrides: Any,
    ) -> None:
        self.workdir = workdir
        self.database_url = database_url or f"sqlite+aiosqlite:///{workdir / 'hotspot-desk.db'}"
        self.clock = clock
        self.admin_ids = admin_ids
        self.head_ids = head_ids
        self.overrides = overrides
        self.emulator = BotApiEmulator()
        self.router = RouterSimulator(
            username=ROUTER_USER,
            password=ROUTER_PASSWORD,
            profiles=("default", "tamu", "mitra", "peserta"),
            servers=("hotspot1",),
        )
        self.mail = SmtpSink(workdir / "mail")
        self._runtime: Runtime | None = None

    @property
    def runtime(self) -> Runtime:
        assert self._runtime is not None, "the stage is not running"
        return self._runtime

    def settings(self) -> Settings:
        values: dict[str, Any] = {
            "telegram_token": self.emulator.token,
            "telegram_base_url": self.emulator.base_url,
            "telegram_base_file_url": self.emulator.base_file_url,
            "admin_ids": list(self.admin_ids),
            "head_ids": list(self.head_ids),
            "database_url": self.database_url,
            "router_host": "127.0.0.1",
            "router_port": self.router.port,
            "router_user": ROUTER_USER,
            "router_password": ROUTER_PASSWORD,
            "router_tls": False,
            "router_hotspot_server": "hotspot1",
            "smtp_host": "127.0.0.1",
            "smtp_port": self.mail.port,
            "smtp_security": "none",
            "smtp_user": None,
            "smtp_password": None,
            "outbox_interval_seconds": 1.0,
        }
        values.update(self.overrides)
        return Settings(_env_file=None, **values)  # type: ignore[call-arg]

    async def start(self) -> Runtime:
        self.workdir.mkdir(parents=True, exist_ok=True)
        await self.emulator.start()
        await self.router.start()
        await self.mail.start()
        for user_id in self.admin_ids:
            self.emulator.add_user(user_id, "Admin", str(user_id), username=f"admin{user_id}")
        for user_id in self.head_ids:
            self.emulator.add_user(user_id, "Kepala", str(user_id), username=f"head{user_id}")
        return await self.start_bot()

    async def start_bot(self) -> Runtime:
        """Starts (or, after `stop_bot`, restarts) the bot on the same database and stand-ins."""
        self._runtime = Runtime(self.settings(), self.clock)
        await self._runtime.start(poll_timeout=1)
        return self._runtime

    async def stop_bot(self) -> None:
        if self._runtime is not None:
            await self._runtime.stop()
            self._runtime = None

    async def stop(self) -> None:
        await self.stop_bot()
        await self.mail.stop()
        await self.router.stop()
        await self.emulator.stop()

    async def __aenter__(self) -> LocalStage:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def outbox_busy(self, horizon: float = 1.0) -> bool:
        """An update in hand (the emulator sees the bot idle while it works on one), or jobs
        due now, or retrying within `horizon` seconds, or running."""
        runtime = self.runtime
        if not runtime.channel.idle:
            return True
        async with runtime.db.unit(runtime.clock.now()) as uow:
            due = await uow.outbox.due_ids(uow.now + timedelta(seconds=horizon), 1)
        return bool(due) or runtime.worker.busy

    async def settle(self, timeout: float = 15.0) -> None:  # noqa: ASYNC109
        """Waits until the bot has handled every update and the outbox has nothing due."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            await self.emulator.wait_idle(timeout=max(0.1, deadline - loop.time()), quiet=0.05)
            if not await self.outbox_busy():
                await asyncio.sleep(0.05)
                if not await self.outbox_busy() and self.emulator.pending_updates == 0:
                    return
            if loop.time() > deadline:
                raise TimeoutError("the bot did not settle")
            self.runtime.worker.wake()
            await asyncio.sleep(0.05)

    def last_with_button(self, chat_id: int, label: str) -> SentMessage:
        for message in reversed(self.emulator.messages_to(chat_id)):
            if any(label in button for button in message.button_labels):
                return message
        raise LookupError(f"no message to {chat_id} has a button {label!r}")

    async def say(self, user_id: int, text: str) -> None:
        await self.emulator.send_text(user_id, text)
        await self.settle()

    async def tap(self, user_id: int, label: str, chat_id: int | None = None) -> str:
        """Presses the newest button whose label contains `label`; returns the bot's answer."""
        message = self.last_with_button(chat_id or user_id, label)
        button = next(
            b for row in message.buttons for b in row if label in b.text and b.data is not None
        )
        query_id = await self.emulator.press(
            user_id, message, callback_data=button.data, chat_id=chat_id
        )
        await self.settle()
        answer = self.emulator.callback_answers.get(query_id)
        return (answer.text or "") if answer else ""
