"""How the router reads and prints typed values: yes/no flags, time intervals, MAC addresses."""

from __future__ import annotations

import re

from provisioning.simulator.traps import bad_value

_INTERVAL = re.compile(r"^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")
_CLOCK = re.compile(r"^(?:(\d+)w)?(?:(\d+)d)?(\d+):(\d\d):(\d\d)$")
_MAC = re.compile(r"^[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}$")
_UNITS = (("w", 7 * 86400), ("d", 86400), ("h", 3600), ("m", 60), ("s", 1))


def parse_flag(argument: str, value: str) -> str:
    lowered = value.lower()
    if lowered in ("yes", "true"):
        return "true"
    if lowered in ("no", "false"):
        return "false"
    raise bad_value(argument, "yes or no")


def format_interval(seconds: int) -> str:
    """RouterOS style: 1w2d3h4m5s, with zero parts left out, and 0s for nothing."""
    parts: list[str] = []
    for unit, size in _UNITS:
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts) or "0s"


def interval_seconds(argument: str, value: str) -> int:
    if value.isdigit():
        return int(value)
    clock = _CLOCK.match(value)
    if clock:
        weeks, days, hours, minutes, secs = (int(part or 0) for part in clock.groups())
        return (((weeks * 7 + days) * 24 + hours) * 60 + minutes) * 60 + secs
    interval = _INTERVAL.match(value)
    if value and interval:
        weeks, days, hours, minutes, secs = (int(part or 0) for part in interval.groups())
        return (((weeks * 7 + days) * 24 + hours) * 60 + minutes) * 60 + secs
    raise bad_value(argument, "a time interval")


def parse_interval(argument: str, value: str) -> str:
    if value == "none":
        return value
    return format_interval(interval_seconds(argument, value))


def parse_mac(argument: str, value: str) -> str:
    if not _MAC.match(value):
        raise bad_value(argument, "a MAC address")
    return value.upper()


def parse_number(argument: str, value: str) -> str:
    if not value.isdigit():
        raise bad_value(argument, "a number")
    return str(int(value))
