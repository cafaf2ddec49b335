"""Settings that cannot do what they say are refused (or warned about) at start-up, in one
line naming the setting and never showing a secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, Settings, load_settings
from bot.demo.stage import LocalStage
from bot.env_file import env_file_problems
from tests.app.cli_process import CliProcess, stage_environment


def test_a_password_cut_at_a_hash_in_env_is_found(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text(
        "HOTSPOT_ROUTER_PASSWORD=Rahasia #2026!\n"
        "HOTSPOT_ROUTER_TIMEOUT=10 # seconds\n"
        "HOTSPOT_SMTP_PASSWORD='Kunci #1'\n"
        "HOTSPOT_SMTP_USER=${USER}\n"
    )
    problems = {p.setting: p for p in env_file_problems(env, Settings.secret_names(), environ={})}
    assert problems["HOTSPOT_ROUTER_PASSWORD"].fatal
    assert not problems["HOTSPOT_ROUTER_TIMEOUT"].fatal
    assert "HOTSPOT_SMTP_PASSWORD" not in problems  # quoted: read as written
    assert "${" in problems["HOTSPOT_SMTP_USER"].message
    assert all("Rahasia" not in p.line() for p in problems.values())
    # Set in the environment, the .env line is not used at all.
    assert env_file_problems(
        env, Settings.secret_names(), environ={"HOTSPOT_ROUTER_PASSWORD": "x"}
    )[0].setting != ("HOTSPOT_ROUTER_PASSWORD")


async def test_the_cli_refuses_a_cut_password_in_one_line(
    stand_ins: LocalStage, tmp_path: Path
) -> None:
    workdir = tmp_path / "bot"
    workdir.mkdir()
    (workdir / ".env").write_text("HOTSPOT_ROUTER_PASSWORD=Rahasia #2026!\n")
    env = stage_environment(stand_ins, tmp_path)
    del env["HOTSPOT_ROUTER_PASSWORD"]
    bot = await CliProcess(env, workdir).start()
    code = await bot.finish()
    assert code == 2
    assert len(bot.lines) == 1 and "HOTSPOT_ROUTER_PASSWORD" in bot.lines[0], bot.text
    assert "Rahasia" not in bot.text


@pytest.mark.parametrize(
    ("values", "setting"),
    [
        ({"outbox_retry_seconds": "60", "outbox_retry_cap_seconds": "30"}, "RETRY_CAP"),
        ({"form_reminder_minutes": "120", "form_expiry_hours": "1"}, "FORM_REMINDER"),
        ({"outbox_give_up_hours": "0.1", "outbox_alert_after_minutes": "30"}, "GIVE_UP"),
        ({"office_hours_start": "16:00", "office_hours_end": "07:30"}, "OFFICE_HOURS_END"),
        ({"timezone": "WIB"}, "HOTSPOT_TIMEZONE"),
        ({"digest_time": "25:00"}, "HOTSPOT_DIGEST_TIME"),
        ({"database_url": "sqlite+aiosqlite:///no/such/dir/hotspot.db"}, "DATABASE_URL"),
        ({"database_url": "mysql://x@y/z"}, "DATABASE_URL"),
        ({"router_ca_file": "/no/such/router.crt"}, "HOTSPOT_ROUTER_CA_FILE"),
        ({"smtp_ca_file": "/no/such/ca.pem"}, "HOTSPOT_SMTP_CA_FILE"),
        ({"admin_ids": "-1001234567890"}, "HOTSPOT_ADMIN_IDS"),
        ({"head_ids": "9002,-42"}, "HOTSPOT_HEAD_IDS"),
        ({"activation_url": "simak.uin-malang.ac.id"}, "HOTSPOT_ACTIVATION_URL"),
        ({"log_level": "LOUD"}, "HOTSPOT_LOG_LEVEL"),
        ({"log_format": "xml"}, "HOTSPOT_LOG_FORMAT"),
        ({"smtp_user": "helpdesk"}, "HOTSPOT_SMTP_USER and HOTSPOT_SMTP_PASSWORD"),
        ({"smtp_password": "s3cret"}, "HOTSPOT_SMTP_USER and HOTSPOT_SMTP_PASSWORD"),
    ],
)
def test_impossible_settings_stop_start_up_naming_the_setting(
    values: dict[str, str], setting: str
) -> None:
    with pytest.raises(ConfigError, match=setting):
        load_settings(_env_file=None, **values)


def test_the_default_database_directory_is_still_made(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'var' / 'hotspot-desk.db'}"
    assert load_settings(_env_file=None, database_url=url).database_url == url
