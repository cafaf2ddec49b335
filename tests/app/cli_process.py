"""`hotspot-desk` as an operator runs it: a separate process, its settings in the environment."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

from bot.demo.stage import ADMIN_ID, HEAD_ID, ROUTER_PASSWORD, ROUTER_USER, LocalStage

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def stage_environment(stage: LocalStage, workdir: Path, **extra: str) -> dict[str, str]:
    """The settings of `hotspot-desk run` against the stage's stand-ins (a database of its own)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOTSPOT_")}
    env.update(
        PYTHONPATH=str(ROOT),
        HOTSPOT_TELEGRAM_TOKEN=stage.emulator.token,
        HOTSPOT_TELEGRAM_BASE_URL=stage.emulator.base_url,
        HOTSPOT_TELEGRAM_BASE_FILE_URL=stage.emulator.base_file_url,
        HOTSPOT_ADMIN_IDS=str(ADMIN_ID),
        HOTSPOT_HEAD_IDS=str(HEAD_ID),
        HOTSPOT_DATABASE_URL=f"sqlite+aiosqlite:///{workdir / 'cli.db'}",
        HOTSPOT_ROUTER_HOST="127.0.0.1",
        HOTSPOT_ROUTER_PORT=str(stage.router.port),
        HOTSPOT_ROUTER_USER=ROUTER_USER,
        HOTSPOT_ROUTER_PASSWORD=ROUTER_PASSWORD,
        HOTSPOT_SMTP_PORT=str(stage.mail.port),
    )
    env.update(extra)
    return env


class CliProcess:
    """`python -m bot.cli <command>` with its stderr collected line by line."""

    def __init__(self, env: dict[str, str], workdir: Path, command: str = "run") -> None:
        self.env = env
        self.workdir = workdir
        self.command = command
        self.lines: list[str] = []
        self.process: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task[None] | None = None

    async def start(self) -> CliProcess:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            self.command,
            cwd=self.workdir,
            env=self.env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        self._reader = asyncio.get_running_loop().create_task(self._read())
        return self

    async def _read(self) -> None:
        assert self.process is not None and self.process.stderr is not None
        while line := await self.process.stderr.readline():
            self.lines.append(line.decode().rstrip("\n"))

    async def wait_for_line(self, needle: str, timeout: float = 20.0) -> str:  # noqa: ASYNC109
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            for line in self.lines:
                if needle in line:
                    return line
            if self.process is not None and self.process.returncode is not None:
                break
            await asyncio.sleep(0.05)
        raise AssertionError(f"no line with {needle!r} in:\n" + "\n".join(self.lines))

    async def finish(self, timeout: float = 20.0) -> int:  # noqa: ASYNC109
        """Waits for the process to end by itself; returns its exit code."""
        assert self.process is not None
        code = await asyncio.wait_for(self.process.wait(), timeout)
        if self._reader is not None:
            await self._reader
        return code

    async def stop(self) -> int:
        """SIGTERM, as a service manager stops it; returns the exit code."""
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        return await self.finish()

    @property
    def text(self) -> str:
        return "\n".join(self.lines)
