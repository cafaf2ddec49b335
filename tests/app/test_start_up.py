"""Start-up as an operator meets it: a network blip, a database or token that cannot work,
and a second instance on the same token."""

from __future__ import annotations

from pathlib import Path

from bot.demo.stage import ADMIN_ID, LocalStage
from bot.emulator import BotApiEmulator
from bot.emulator.faults import Fault
from tests.app.cli_process import CliProcess, free_port, stage_environment
from tests.app.conftest import GUEST


async def test_telegram_unreachable_at_start_is_tried_again_until_it_answers(
    stand_ins: LocalStage, tmp_path: Path
) -> None:
    # Nothing listens on this port yet: connections are refused, as on a campus network blip.
    port = free_port()
    late = BotApiEmulator(token=stand_ins.emulator.token, port=port)
    base = f"http://127.0.0.1:{port}"
    env = stage_environment(
        stand_ins,
        tmp_path,
        HOTSPOT_TELEGRAM_BASE_URL=f"{base}/bot",
        HOTSPOT_TELEGRAM_BASE_FILE_URL=f"{base}/file/bot",
    )
    bot = await CliProcess(env, tmp_path / "bot").start()
    try:
        await bot.wait_for_line("try 3 in")  # two failed tries, one line each
        await late.start()
        late.add_user(GUEST, "Siti", "Aminah")
        await bot.wait_for_line("Hotspot Desk is running")
        await late.send_text(GUEST, "/start")
        reply = await late.wait_for_message(GUEST, timeout=15)
        assert "HS-" in reply.plain
    finally:
        code = await bot.stop()
        await late.stop()
    assert code == 0, bot.text
    assert "Traceback" not in bot.text
    tries = [line for line in bot.lines if "Telegram unreachable at start" in line]
    assert len(tries) >= 2 and all("ConnectError" in t or "NetworkError" in t for t in tries)


async def test_bot_api_answering_5xx_at_start_is_tried_again(tmp_path: Path) -> None:
    stage = LocalStage(tmp_path)
    await stage.emulator.start()
    stage.emulator.faults.faults.append(Fault(status=502, times=2, method="getMe"))
    stage.emulator.faults.faults.append(Fault(status=500, times=1, method="setMyCommands"))
    async with stage:
        stage.emulator.add_user(GUEST, "Siti", "Aminah")
        await stage.say(GUEST, "/start")
        assert any("HS-" in m.plain for m in stage.emulator.messages_to(GUEST))
    assert stage.emulator.world.calls["getMe"] >= 3


async def test_an_unreachable_database_is_one_line_naming_the_setting(
    stand_ins: LocalStage, tmp_path: Path
) -> None:
    closed = free_port()
    env = stage_environment(
        stand_ins,
        tmp_path,
        HOTSPOT_DATABASE_URL=f"postgresql+asyncpg://hotspot:S3cret-pw@127.0.0.1:{closed}/hotspot",
    )
    bot = await CliProcess(env, tmp_path / "bot").start()
    code = await bot.finish()
    assert code != 0
    assert len(bot.lines) == 1, bot.text
    assert bot.lines[0].startswith("hotspot-desk: HOTSPOT_DATABASE_URL")
    assert "S3cret-pw" not in bot.text


async def test_a_refused_token_is_one_line_naming_the_setting(
    stand_ins: LocalStage, tmp_path: Path
) -> None:
    env = stage_environment(stand_ins, tmp_path, HOTSPOT_TELEGRAM_TOKEN="123456:WRONG-TOKEN-abc")
    bot = await CliProcess(env, tmp_path / "bot").start()
    code = await bot.finish()
    assert code != 0
    refused = [line for line in bot.lines if "HOTSPOT_TELEGRAM_TOKEN" in line]
    assert len(refused) == 1 and "Unauthorized" in refused[0], bot.text
    assert "Traceback" not in bot.text
    assert "WRONG-TOKEN-abc" not in bot.text


async def test_a_second_instance_on_the_same_token_is_told_once_and_logged_as_one_line(
    stand_ins: LocalStage, tmp_path: Path
) -> None:
    first = await CliProcess(stage_environment(stand_ins, tmp_path / "a"), tmp_path / "a").start()
    await first.wait_for_line("Hotspot Desk is running")
    second = await CliProcess(stage_environment(stand_ins, tmp_path / "b"), tmp_path / "b").start()
    try:
        await second.wait_for_line("Hotspot Desk is running")
        # Both instances meet 409s for a few polls each.
        # "409 Conflict", not "409" alone: a timestamp's milliseconds may read 409.
        await first.wait_for_line("409 Conflict")
        await second.wait_for_line("409 Conflict")
        told = await stand_ins.emulator.wait_for_message(
            ADMIN_ID, lambda m: "409" in m.plain, timeout=10, since=0
        )
        assert "409 Conflict" in told.plain
    finally:
        codes = (await second.stop(), await first.stop())
    assert codes == (0, 0)
    for bot in (first, second):
        assert "Traceback" not in bot.text
        assert len([line for line in bot.lines if "409 Conflict" in line]) == 1, bot.text
    conflict_alerts = [m for m in stand_ins.emulator.messages_to(ADMIN_ID) if "409" in m.plain]
    assert 1 <= len(conflict_alerts) <= 2  # at most once from each instance
