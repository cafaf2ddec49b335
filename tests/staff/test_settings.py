"""The staff side's settings: parsed from the environment's forms, refused when impossible,
and each one documented in README.md and .env.example."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest

from bot.config import ConfigError, Settings, load_settings
from bot.sla_config import sla_rules

ROOT = Path(__file__).resolve().parents[2]
STAFF_SETTINGS = (
    "verification_required",
    "office_hours_start",
    "office_hours_end",
    "office_days",
    "holidays",
    "sla_answer_minutes",
    "sla_triage_minutes",
    "sla_decide_minutes",
    "sla_create_minutes",
    "sla_reminder_percent",
    "reject_reasons",
)


def test_the_forms_an_env_file_uses() -> None:
    settings = load_settings(
        _env_file=None,
        office_days="1-6",
        holidays="2026-12-25, 2027-01-01",
        reject_reasons="Kuota penuh;Data tidak lengkap",
        office_hours_start="08:00",
        sla_decide_minutes="45",
        sla_reminder_percent="75",
    )
    assert settings.office_days == [1, 2, 3, 4, 5, 6]
    assert settings.holidays == [date(2026, 12, 25), date(2027, 1, 1)]
    assert settings.reject_reasons == ["Kuota penuh", "Data tidak lengkap"]
    rules = sla_rules(settings)
    assert rules.hours.opens == time(8) and rules.reminder_share == 0.75
    assert rules.standards[4].total_seconds() == 45 * 60


def test_the_defaults_follow_the_sop() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.verification_required
    assert [settings.sla_answer_minutes, settings.sla_triage_minutes] == [5, 5]
    assert [settings.sla_decide_minutes, settings.sla_create_minutes] == [30, 30]
    assert settings.office_days == [1, 2, 3, 4, 5]
    assert (settings.office_hours_start, settings.office_hours_end) == (time(7, 30), time(16))


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("office_days", "0,8", "HOTSPOT_OFFICE_DAYS"),
        ("office_hours_end", "07:00", "HOTSPOT_OFFICE_HOURS_END"),
        ("holidays", "25/12/2026", "HOTSPOT_HOLIDAYS"),
        ("sla_decide_minutes", "0", "HOTSPOT_SLA_DECIDE_MINUTES"),
        ("sla_reminder_percent", "100", "HOTSPOT_SLA_REMINDER_PERCENT"),
        ("reject_reasons", ";".join(f"alasan {i}" for i in range(9)), "HOTSPOT_REJECT_REASONS"),
        ("reject_reasons", "ok;no", "HOTSPOT_REJECT_REASONS"),
    ],
)
def test_impossible_values_stop_start_up_naming_the_setting(
    name: str, value: str, message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(_env_file=None, **{name: value})


def test_every_staff_setting_is_documented() -> None:
    readme = (ROOT / "README.md").read_text()
    example = (ROOT / ".env.example").read_text()
    for name in STAFF_SETTINGS:
        assert f"`{name.upper()}`" in readme or f"{name.upper()}`" in readme, name
        assert f"HOTSPOT_{name.upper()}=" in example, name
    Settings(_env_file=ROOT / ".env.example")  # type: ignore[call-arg]
