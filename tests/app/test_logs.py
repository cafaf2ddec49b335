"""The default log: starts, stops, decisions and failures, not the libraries' routine."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from pathlib import Path

from bot.demo.stage import ADMIN_ID, LocalStage
from bot.logs import install
from tests.app.cli_process import CliProcess, stage_environment
from tests.e2e.flows import submit

GUEST = 4001


async def _run_a_few_sweeps(stand_ins: LocalStage, tmp_path: Path, **extra: str) -> CliProcess:
    env = stage_environment(stand_ins, tmp_path, HOTSPOT_OUTBOX_INTERVAL_SECONDS="0.2", **extra)
    bot = await CliProcess(env, tmp_path / "bot").start()
    await bot.wait_for_line("Hotspot Desk is running")
    # About ten outbox sweeps, plus the expiry and digest sweeps at start.
    await stand_ins.emulator.send_text(GUEST, "/start")
    await stand_ins.emulator.wait_for_message(GUEST, timeout=10)
    await asyncio.sleep(2)
    assert await bot.stop() == 0
    return bot


async def test_the_default_log_of_a_running_bot_is_a_few_lines(
    stand_ins: LocalStage, tmp_path: Path
) -> None:
    bot = await _run_a_few_sweeps(stand_ins, tmp_path)
    assert "apscheduler" not in bot.text and "alembic" not in bot.text, bot.text
    assert len(bot.lines) <= 4, bot.text  # running, (a status change), stopping, stopped
    assert stand_ins.emulator.token not in bot.text


async def test_json_lines_carry_no_token(stand_ins: LocalStage, tmp_path: Path) -> None:
    bot = await _run_a_few_sweeps(stand_ins, tmp_path, HOTSPOT_LOG_FORMAT="json")
    entries = [json.loads(line) for line in bot.lines]
    assert {"time", "level", "logger", "message"} <= set(entries[0])
    assert any("running" in entry["message"] for entry in entries)
    stream = io.StringIO()
    install([stand_ins.emulator.token], "INFO", "json", stream)
    logging.getLogger("httpx").warning("GET %s/getMe", stand_ins.emulator.base_url + "123")
    logging.getLogger("hotspot_desk").warning("token %s", stand_ins.emulator.token)
    assert stand_ins.emulator.token not in stream.getvalue()
    assert len(stream.getvalue().splitlines()) == 2


async def test_a_decision_and_a_failed_job_attempt_are_one_line_each(
    tmp_path: Path, sqlite_url: str
) -> None:
    stream = io.StringIO()
    async with LocalStage(tmp_path, database_url=sqlite_url, outbox_retry_seconds=30) as stage:
        install([stage.emulator.token], "INFO", "text", stream)
        stage.emulator.add_user(GUEST, "Siti", "Aminah")
        stage.emulator.block(ADMIN_ID)  # the admin's card cannot go out: a failed job
        await submit(stage, GUEST)
        await stage.settle()
    lines = stream.getvalue().splitlines()
    submitted = [line for line in lines if "-> submitted" in line]
    assert len(submitted) == 1, lines
    failed = [line for line in lines if "job" in line and "blocked" in line.lower()]
    # The card to the admin, then the alert about it (to the same blocked admin): one line each.
    jobs = [line.split("job ", 1)[1].split(" ", 1)[0] for line in failed]
    assert failed and len(jobs) == len(set(jobs)), lines
    assert "Traceback" not in stream.getvalue()
