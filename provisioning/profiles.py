"""The user profile a new hotspot user gets: the category's, with `shared-users` for its devices.

RouterOS keeps `shared-users` (how many devices may be logged in at once) on the user
profile, not on the user. So a request for more devices than the category's profile allows
gets a profile derived from it, `<profile>-<n>dev`, which copies the category profile's
settings and sets `shared-users=n`. The derived profile is created on the router the first
time it is needed; the operator keeps managing only the category profiles (rate limits,
timeouts), and may re-create a derived one at any time by deleting it.
"""

from __future__ import annotations

from provisioning.router import RouterClient, RouterPermanentError
from provisioning.router_traps import Verdict

# What a derived profile copies from its category profile; `shared-users` is set.
COPIED = (
    "rate-limit",
    "session-timeout",
    "idle-timeout",
    "keepalive-timeout",
    "status-autorefresh",
    "add-mac-cookie",
    "mac-cookie-timeout",
    "address-pool",
    "address-list",
    "transparent-proxy",
    "open-status-page",
    "incoming-filter",
    "outgoing-filter",
    "on-login",
    "on-logout",
)


class MissingProfileError(RouterPermanentError):
    """The category's profile does not exist on the router: an operator must create it."""

    def __init__(self, name: str) -> None:
        super().__init__(f"hotspot user profile {name!r} does not exist on the router")
        self.name = name


def derived_name(profile: str, devices: int) -> str:
    return f"{profile}-{devices}dev"


async def ensure_profile(client: RouterClient, profile: str, devices: int) -> str:
    """The name of a profile like `profile` that lets `devices` devices in at once."""
    if devices < 1:
        raise ValueError("devices must be at least 1")
    base = await client.find_profile(profile)
    if base is None:
        raise MissingProfileError(profile)
    wanted = str(devices)
    if base.get("shared-users") == wanted:
        return profile
    name = derived_name(profile, devices)
    existing = await client.find_profile(name)
    if existing is None:
        properties = {key: base[key] for key in COPIED if base.get(key)}
        properties["shared-users"] = wanted
        try:
            await client.add_profile(name, properties)
        except RouterPermanentError as error:
            # Another worker made it between our look and our add: that one will do.
            if error.verdict is not Verdict.DUPLICATE:
                raise
    elif existing.get("shared-users") != wanted:
        await client.set_profile(existing["id"], {"shared-users": wanted})
    return name
