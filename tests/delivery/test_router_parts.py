"""The provisioning helpers against the simulator: profiles per device count, stop, renew."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from provisioning.accounts import account_comment, expire_user, renew_user
from provisioning.profiles import MissingProfileError, ensure_profile
from provisioning.router import RouterClient, RouterConfig
from provisioning.simulator import RouterSimulator

USER, PASSWORD = "api", "router-secret"


@pytest.fixture
async def sim() -> AsyncIterator[RouterSimulator]:
    async with RouterSimulator(
        username=USER, password=PASSWORD, profiles=("default",), servers=("hotspot1",)
    ) as running:
        running.add_profile("tamu", shared_users="1", idle_timeout="10m", rate_limit="1M/2M")
        yield running


@pytest.fixture
async def client(sim: RouterSimulator) -> AsyncIterator[RouterClient]:
    router = RouterClient(RouterConfig("127.0.0.1", sim.port, USER, PASSWORD, timeout=2))
    yield router
    await router.close()


async def test_a_profile_per_device_count_made_once(
    sim: RouterSimulator, client: RouterClient
) -> None:
    assert await ensure_profile(client, "tamu", 1) == "tamu"
    assert await ensure_profile(client, "tamu", 2) == "tamu-2dev"
    assert await ensure_profile(client, "tamu", 2) == "tamu-2dev"
    derived = [p for p in sim.profiles if p["name"] == "tamu-2dev"]
    assert len(derived) == 1
    assert derived[0]["shared-users"] == "2"
    assert derived[0]["idle-timeout"] == "10m" and derived[0]["rate-limit"] == "1M/2M"
    assert sim.stats.commands["/ip/hotspot/user/profile/add"] == 1


async def test_a_derived_profile_changed_by_hand_gets_its_device_count_back(
    sim: RouterSimulator, client: RouterClient
) -> None:
    sim.add_profile("tamu-3dev", shared_users="1", rate_limit="5M/5M")
    assert await ensure_profile(client, "tamu", 3) == "tamu-3dev"
    profile = next(p for p in sim.profiles if p["name"] == "tamu-3dev")
    assert profile["shared-users"] == "3" and profile["rate-limit"] == "5M/5M"


async def test_a_missing_category_profile_is_named(client: RouterClient) -> None:
    with pytest.raises(MissingProfileError, match="'vip'"):
        await ensure_profile(client, "vip", 1)


async def test_stop_and_renew_touch_only_the_tickets_user(
    sim: RouterSimulator, client: RouterClient
) -> None:
    from datetime import date

    ours = account_comment("HS-2026-000001", date(2026, 12, 8))
    sim.add_user("tamu-aaaaaa", "x", profile="tamu", comment=ours)
    sim.add_user("tamu-bbbbbb", "y", profile="tamu", comment="Budi")
    sim.add_active_session("tamu-bbbbbb", "10.5.50.9", "AA:BB:CC:DD:EE:09")
    assert await expire_user(client, "tamu-bbbbbb", "HS-2026-000001") is False
    assert sim.find_user("tamu-bbbbbb")["disabled"] == "false"  # type: ignore[index]
    assert len(sim.active_sessions) == 1

    assert await expire_user(client, "tamu-aaaaaa", "HS-2026-000001") is True
    assert sim.find_user("tamu-aaaaaa")["disabled"] == "true"  # type: ignore[index]
    later = account_comment("HS-2026-000001", date(2026, 12, 20))
    assert await renew_user(client, "tamu-aaaaaa", "HS-2026-000001", later) is not None
    user = sim.find_user("tamu-aaaaaa")
    assert user is not None and user["disabled"] == "false" and user["comment"] == later
    assert await renew_user(client, "tamu-bbbbbb", "HS-2026-000001", later) is None

    assert await expire_user(client, "tamu-aaaaaa", "HS-2026-000001", remove=True) is True
    assert sim.find_user("tamu-aaaaaa") is None
