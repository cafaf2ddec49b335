"""`hotspot-desk run` as a real child process, against stand-ins living in the test process."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.demo.stage import ADMIN_ID, HEAD_ID, ROUTER_PASSWORD, ROUTER_USER
from bot.emulator import BotApiEmulator
from bot.mail.sink import SmtpSink
from provisioning.simulator import RouterSimulator


def bot_environment(
    emulator: BotApiEmulator,
    router: RouterSimulator,
    mail: SmtpSink,
    database_url: str,
    **extra: str,
) -> dict[str, str]:
    """What an operator would put in .env, pointing at the stand-ins."""
    values = {
        "TELEGRAM_TOKEN": emulator.token,
        "TELEGRAM_BASE_URL": emulator.base_url,
        "TELEGRAM_BASE_FILE_URL": emulator.base_file_url,
        "ADMIN_IDS": str(ADMIN_ID),
        "HEAD_IDS": str(HEAD_ID),
        "DATABASE_URL": database_url,
        "ROUTER_HOST": "127.0.0.1",
        "ROUTER_PORT": str(router.port),
        "ROUTER_USER": ROUTER_USER,
        "ROUTER_PASSWORD": ROUTER_PASSWORD,
        "ROUTER_HOTSPOT_SERVER": "hotspot1",
        "ROUTER_TIMEOUT": "20",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(mail.port),
        "OUTBOX_INTERVAL_SECONDS": "0.2",
        "OUTBOX_RETRY_SECONDS": "0.2",
        "OUTBOX_RETRY_CAP_SECONDS": "0.5",
        # A killed bot's job is taken again this long after its last lease renewal.
        "OUTBOX_LEASE_SECONDS": "1.5",
        "DIGEST_TIME": "23:59",
        **extra,
    }
    environment = {k: v for k, v in os.environ.items() if not k.startswith("HOTSPOT_")}
    environment.update({f"HOTSPOT_{key}": value for key, value in values.items()})
    return environment


def settings_from(environment: dict[str, str]) -> Settings:
    """The same settings, read the way the child reads them."""
    values: dict[str, Any] = {
        key.removeprefix("HOTSPOT_").lower(): value
        for key, value in environment.items()
        if key.startswith("HOTSPOT_")
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


class BotProcess:
    """Starts `python -m bot.cli run`, kills it with SIGKILL, starts it again."""

    def __init__(self, workdir: Path, environment: dict[str, str]) -> None:
        self.workdir = workdir
        self.environment = environment
        self.process: asyncio.subprocess.Process | None = None
        self.runs = 0

    @property
    def log_path(self) -> Path:
        return self.workdir / "bot.log"

    async def start(self) -> None:
        assert self.process is None
        self.runs += 1
        log = self.log_path.open("ab")
        try:
            # The working directory holds no .env: only the environment configures it.
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot.cli",
                "run",
                cwd=self.workdir,
                env=self.environment,
                stdout=log,
                stderr=log,
            )
        finally:
            log.close()

    async def kill(self) -> None:
        process, self.process = self.process, None
        assert process is not None and process.returncode is None, "the bot died on its own"
        process.send_signal(signal.SIGKILL)
        await process.wait()

    async def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None and process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), 10)
            except TimeoutError:
                process.kill()
                await process.wait()

    def logs(self) -> str:
        return self.log_path.read_text("utf-8", "replace") if self.log_path.exists() else ""


async def until(
    condition: Callable[[], Awaitable[bool]] | Callable[[], bool],
    timeout: float = 20.0,  # noqa: ASYNC109 - a deadline for the whole wait
    what: str = "condition",
) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        result = condition()
        if not isinstance(result, bool):
            result = await result
        if result:
            return
        if loop.time() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)
