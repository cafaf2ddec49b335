"""The simulated router's configuration and runtime tables, which survive a simulated reboot."""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from dataclasses import dataclass

from provisioning.simulator.tables import Row, Table
from provisioning.simulator.values import format_interval, parse_mac

# What a fresh row shows for the fields nobody set, as `print` on RouterOS 7 shows them.
USER_DEFAULTS: Row = {
    "server": "all",
    "profile": "default",
    "uptime": "0s",
    "bytes-in": "0",
    "bytes-out": "0",
    "packets-in": "0",
    "packets-out": "0",
    "dynamic": "false",
    "disabled": "false",
}
PROFILE_DEFAULTS: Row = {
    "idle-timeout": "none",
    "keepalive-timeout": "2m",
    "status-autorefresh": "1m",
    "shared-users": "1",
    "add-mac-cookie": "true",
    "mac-cookie-timeout": "3d",
    "address-pool": "none",
    "transparent-proxy": "false",
    "open-status-page": "always",
    "default": "false",
}
SERVER_DEFAULTS: Row = {
    "interface": "bridge-hotspot",
    "address-pool": "hs-pool",
    "profile": "hsprof1",
    "idle-timeout": "5m",
    "keepalive-timeout": "none",
    "login-timeout": "none",
    "addresses-per-mac": "2",
    "proxy-status": "running",
    "HTTPS": "false",
    "invalid": "false",
    "disabled": "false",
}
DEFAULT_PROFILE = "default"
SINCE = "_since"
# The first RouterOS version whose empty `print` answers `!empty`.
EMPTY_REPLY_SINCE = (7, 18)


@dataclass(frozen=True)
class SystemInfo:
    """The fixed part of `/system/resource/print`."""

    version: str = "7.19.4 (stable)"
    build_time: str = "2024-07-24 10:39:00"
    board_name: str = "RB5009UG+S+"
    architecture_name: str = "arm64"
    cpu: str = "ARM64"
    cpu_count: str = "4"
    cpu_frequency: str = "350"
    cpu_load: str = "2"
    free_memory: str = "864092160"
    total_memory: str = "1073741824"
    free_hdd_space: str = "933896192"
    total_hdd_space: str = "1073741824"

    @property
    def answers_empty(self) -> bool:
        """Whether a `print` that finds nothing answers `!empty` before `!done` (RouterOS 7.18+,
        changelog: "console - put !empty sentence when API query returns nothing")."""
        digits = re.match(r"(\d+)\.(\d+)", self.version)
        return digits is not None and (int(digits[1]), int(digits[2])) >= EMPTY_REPLY_SINCE


class RouterState:
    def __init__(self, profiles: Iterable[str], servers: Iterable[str], system: SystemInfo) -> None:
        self.system = system
        self.users = Table()
        self.profiles = Table()
        self.active = Table(name_key=None)
        self.cookies = Table(name_key=None)
        self.servers = Table()
        self.booted_at = time.monotonic()
        for name in dict.fromkeys([DEFAULT_PROFILE, *profiles]):
            self.profiles.insert(
                {"name": name, **PROFILE_DEFAULTS, "default": str(name == DEFAULT_PROFILE).lower()}
            )
        for name in dict.fromkeys(servers):
            self.servers.insert({"name": name, **SERVER_DEFAULTS})

    def reboot(self) -> None:
        # Every table is kept, live sessions too, so that tests can tell a reboot from a wipe.
        self.booted_at = time.monotonic()

    def server_names(self) -> list[str]:
        return [row["name"] for row in self.servers.rows]

    def profile_names(self) -> list[str]:
        return [row["name"] for row in self.profiles.rows]

    def find_user(self, name: str) -> Row | None:
        return next((row for row in self.users.rows if row.get("name") == name), None)

    def add_session(self, user: str, address: str, mac: str, server: str | None) -> str:
        return self.active.insert(
            {
                "server": server or self._server_of(user),
                "user": user,
                "domain": "",
                "address": address,
                "mac-address": parse_mac("mac-address", mac),
                "login-by": "http-chap",
                "idle-time": "0s",
                "idle-timeout": "5m",
                "keepalive-timeout": "2m",
                "bytes-in": "0",
                "bytes-out": "0",
                "packets-in": "0",
                "packets-out": "0",
                "radius": "false",
                SINCE: str(time.monotonic()),
            }
        )

    def add_cookie(self, user: str, mac: str, domain: str) -> str:
        return self.cookies.insert(
            {
                "user": user,
                "domain": domain,
                "mac-address": parse_mac("mac-address", mac),
                "expires-in": "3d",
            }
        )

    def session_view(self, row: Row) -> Row:
        """A session row as `print` shows it, with its uptime counted up to now."""
        since = float(row.get(SINCE, time.monotonic()))
        view = dict(row)
        view["uptime"] = format_interval(int(time.monotonic() - since))
        return view

    def resource(self) -> Row:
        info = self.system
        return {
            "uptime": format_interval(int(time.monotonic() - self.booted_at)),
            "version": info.version,
            "build-time": info.build_time,
            "factory-software": "7.1",
            "free-memory": info.free_memory,
            "total-memory": info.total_memory,
            "cpu": info.cpu,
            "cpu-count": info.cpu_count,
            "cpu-frequency": info.cpu_frequency,
            "cpu-load": info.cpu_load,
            "free-hdd-space": info.free_hdd_space,
            "total-hdd-space": info.total_hdd_space,
            "write-sect-since-reboot": "1024",
            "write-sect-total": "65536",
            "bad-blocks": "0",
            "architecture-name": info.architecture_name,
            "board-name": info.board_name,
            "platform": "MikroTik",
        }

    def _server_of(self, user: str) -> str:
        row = self.find_user(user)
        if row is not None and row.get("server", "all") != "all":
            return row["server"]
        names = self.server_names()
        return names[0] if names else "all"
