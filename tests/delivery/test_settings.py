"""The provisioning and delivery settings: parsed, refused when impossible, documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings
from bot.worker.outbox import RetryPolicy

ROOT = Path(__file__).resolve().parents[2]
DELIVERY_SETTINGS = (
    "outbox_retry_cap_seconds",
    "outbox_lease_seconds",
    "outbox_alert_after_minutes",
    "outbox_give_up_hours",
    "expiry_action",
    "expiry_notice_hours",
    "password_length",
)


def test_the_defaults_and_the_retry_policy() -> None:
    settings = load_settings(_env_file=None)
    assert settings.router_port is None and settings.expiry_action == "disable"
    policy = RetryPolicy.from_settings(settings)
    assert policy.cap == 300 and policy.lease.total_seconds() == 60
    assert policy.alert_after.total_seconds() == 30 * 60
    assert policy.give_up.total_seconds() == 72 * 3600


def test_category_servers_and_uptime_limits() -> None:
    settings = load_settings(
        _env_file=None, categories='{"tamu": {"server": "hs-tamu", "limit_uptime": "1d12h"}}'
    )
    assert settings.categories["tamu"].server == "hs-tamu"
    assert settings.categories["tamu"].limit_uptime == "1d12h"
    assert settings.categories["tamu"].profile == "tamu"  # the rest kept
    assert settings.categories["mitra"].limit_uptime is None


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("expiry_action", "delete", "HOTSPOT_EXPIRY_ACTION"),
        ("password_length", "6", "HOTSPOT_PASSWORD_LENGTH"),
        ("outbox_lease_seconds", "0", "HOTSPOT_OUTBOX_LEASE_SECONDS"),
        ("categories", '{"tamu": {"limit_uptime": "soon"}}', "LIMIT_UPTIME"),
    ],
)
def test_impossible_values_stop_start_up(name: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(_env_file=None, **{name: value})


@pytest.mark.parametrize("name", DELIVERY_SETTINGS)
def test_each_setting_is_documented(name: str) -> None:
    assert f"`{name.upper()}`" in (ROOT / "README.md").read_text()
    assert f"HOTSPOT_{name.upper()}=" in (ROOT / ".env.example").read_text()
