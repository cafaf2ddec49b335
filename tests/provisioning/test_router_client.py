"""RouterClient over the real routeros-api against the simulator: calls, errors, recovery."""

from __future__ import annotations

import asyncio
import dataclasses
import socket
import time
from pathlib import Path
from typing import Any

import pytest

from provisioning.router import (
    HotspotUser,
    RouterClient,
    RouterConfig,
    RouterLoginError,
    RouterPermanentError,
    RouterTemporaryError,
    UserSpec,
)
from provisioning.simulator import RouterSimulator
from tests.provisioning.helpers import HOST, PASSWORD, USERNAME


def spec(name: str = "tamu-k7m3q9", **changes: Any) -> UserSpec:
    base = UserSpec(
        name=name,
        password="Xy7pQ2mN4k",
        profile="tamu",
        comment="HS-2026-000123 Budi",
        email="budi@example.org",
        limit_uptime="1d",
    )
    return dataclasses.replace(base, **changes)


async def test_user_lifecycle(sim: RouterSimulator, client: RouterClient) -> None:
    router_id = await client.add_user(spec())
    assert router_id == "*1"
    assert await client.find_user("tamu-k7m3q9") == HotspotUser(
        router_id="*1",
        name="tamu-k7m3q9",
        profile="tamu",
        comment="HS-2026-000123 Budi",
        email="budi@example.org",
        disabled=False,
        server="all",
        limit_uptime="1d",
    )
    await client.set_password(router_id, "N3wPassw0rd")
    await client.set_comment(router_id, "HS-2026-000123 renamed")
    await client.disable_user(router_id)
    stored = sim.find_user("tamu-k7m3q9")
    assert stored is not None
    assert (stored["password"], stored["comment"]) == ("N3wPassw0rd", "HS-2026-000123 renamed")
    assert [user.disabled for user in await client.list_users()] == [True]
    await client.enable_user(router_id)
    assert sim.users[0]["disabled"] == "false"
    await client.remove_user(router_id)
    assert await client.find_user("tamu-k7m3q9") is None
    assert await client.list_users() == []
    assert sim.stats.connections == 1  # one connection, kept


async def test_the_configured_server_is_used_and_preferred(sim: RouterSimulator) -> None:
    config = RouterConfig(
        host=HOST, port=sim.port, username=USERNAME, password=PASSWORD, hotspot_server="hotspot2"
    )
    client = RouterClient(config)
    sim.add_user("same", "pw", server="hotspot1")
    try:
        await client.add_user(spec("same"))
        found = await client.find_user("same")
    finally:
        await client.close()
    assert found is not None and (found.server, found.router_id) == ("hotspot2", "*2")


async def test_refusals_are_permanent_and_keep_the_connection(
    sim: RouterSimulator, client: RouterClient
) -> None:
    with pytest.raises(RouterPermanentError) as caught:
        await client.add_user(spec(profile="vip"))
    assert caught.value.router_message == "input does not match any value of profile"
    assert "Xy7pQ2mN4k" not in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__context__ is None
    with pytest.raises(RouterPermanentError, match="no such item"):
        await client.remove_user("*42")
    await client.add_user(spec())
    assert sim.stats.connections == 1


async def test_drop_sessions_removes_active_entries_and_cookies(
    sim: RouterSimulator, client: RouterClient
) -> None:
    sim.add_active_session("a", "10.5.50.2", "AA:BB:CC:DD:EE:01")
    sim.add_active_session("a", "10.5.50.3", "AA:BB:CC:DD:EE:02")
    sim.add_active_session("b", "10.5.50.4", "AA:BB:CC:DD:EE:03")
    sim.add_cookie("a", "AA:BB:CC:DD:EE:01")
    assert await client.drop_sessions("a") == 3
    assert [row["user"] for row in sim.active_sessions] == ["b"]
    assert sim.cookies == []
    assert await client.drop_sessions("a") == 0


async def test_resource(client: RouterClient) -> None:
    resource = await client.resource()
    assert resource["version"].startswith("7.")
    assert {"uptime", "board-name", "cpu-load", "free-memory"} <= set(resource)


async def test_refused_connections_are_temporary(
    sim: RouterSimulator, client: RouterClient
) -> None:
    sim.faults.refuse_connections = 2
    for _ in range(2):
        with pytest.raises(RouterTemporaryError):
            await client.list_users()
    assert await client.list_users() == []
    sim.faults.refuse_connections_always = True
    await client.close()
    with pytest.raises(RouterTemporaryError):
        await client.resource()
    sim.faults.clear()
    assert await client.resource()
    assert sim.stats.refused_connections == 3


async def test_nothing_listening_is_temporary() -> None:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        free_port = probe.getsockname()[1]
    client = RouterClient(RouterConfig(host=HOST, port=free_port, timeout=1.0))
    with pytest.raises(RouterTemporaryError):
        await client.resource()


async def test_a_reply_cut_midway_is_temporary_then_the_client_reconnects(
    sim: RouterSimulator, client: RouterClient
) -> None:
    sim.add_user("a", "pw")
    sim.add_user("b", "pw")
    await client.resource()
    sim.faults.drop_mid_reply = 1
    with pytest.raises(RouterTemporaryError):
        await client.list_users()
    assert [user.name for user in await client.list_users()] == ["a", "b"]
    assert sim.stats.connections == 2


async def test_refused_login_is_permanent(sim: RouterSimulator, client: RouterClient) -> None:
    sim.faults.refuse_login = 1
    with pytest.raises(RouterLoginError) as caught:
        await client.resource()
    assert caught.value.router_message == "invalid user name or password (6)"
    assert await client.resource()


async def test_a_wrong_password_never_shows_in_the_error(sim: RouterSimulator) -> None:
    config = RouterConfig(host=HOST, port=sim.port, username=USERNAME, password="hunter2-secret")
    with pytest.raises(RouterPermanentError) as caught:
        await RouterClient(config).resource()
    assert isinstance(caught.value, RouterLoginError)
    assert "hunter2-secret" not in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__context__ is None
    assert "hunter2-secret" not in repr(config)
    assert "Xy7pQ2mN4k" not in repr(spec())


async def test_calls_succeed_again_after_a_router_reboot(
    sim: RouterSimulator, client: RouterClient
) -> None:
    await client.add_user(spec())
    await sim.stop()
    with pytest.raises(RouterTemporaryError):
        await client.list_users()
    with pytest.raises(RouterTemporaryError):
        await client.list_users()
    await sim.start()
    assert [user.name for user in await client.list_users()] == ["tamu-k7m3q9"]


async def test_a_slow_router_times_out_as_temporary(sim: RouterSimulator) -> None:
    config = RouterConfig(host=HOST, port=sim.port, username=USERNAME, password=PASSWORD)
    client = RouterClient(dataclasses.replace(config, timeout=0.2))
    sim.faults.reply_delay = 0.4
    try:
        with pytest.raises(RouterTemporaryError):
            await client.resource()
        sim.faults.reply_delay = 0
        assert await client.resource()
    finally:
        await client.close()


async def test_router_calls_do_not_block_the_event_loop(
    sim: RouterSimulator, client: RouterClient
) -> None:
    sim.faults.reply_delay = 0.25  # login and print: about half a second in all
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    ticking = asyncio.create_task(ticker())
    started = time.monotonic()
    try:
        assert await client.list_users() == []
    finally:
        ticking.cancel()
    assert time.monotonic() - started >= 0.5
    assert ticks >= 20


async def test_concurrent_calls_share_one_connection(
    sim: RouterSimulator, client: RouterClient
) -> None:
    specs = [spec(f"tamu-{n}") for n in range(8)]
    ids = await asyncio.gather(*(client.add_user(user) for user in specs))
    assert sorted(ids) == sorted(f"*{n:X}" for n in range(1, 9))
    assert sim.stats.connections == 1


def tls_config(sim: RouterSimulator, **changes: Any) -> RouterConfig:
    config = RouterConfig(
        host=HOST, port=sim.port, username=USERNAME, password=PASSWORD, use_tls=True, timeout=2
    )
    return dataclasses.replace(config, **changes)


async def test_tls_with_the_routers_certificate_as_ca(
    tls_sim: RouterSimulator, tls_files: tuple[Path, Path]
) -> None:
    client = RouterClient(tls_config(tls_sim, ca_file=str(tls_files[0])))
    try:
        await client.add_user(spec())
        assert [user.name for user in await client.list_users()] == ["tamu-k7m3q9"]
    finally:
        await client.close()


async def test_tls_refuses_an_untrusted_certificate(
    tls_sim: RouterSimulator, tmp_path: Path
) -> None:
    with pytest.raises(RouterPermanentError, match="not trusted"):
        await RouterClient(tls_config(tls_sim)).resource()
    with pytest.raises(RouterPermanentError, match="CA file"):
        await RouterClient(tls_config(tls_sim, ca_file=str(tmp_path / "missing.crt"))).resource()
    unverified = RouterClient(tls_config(tls_sim, tls_verify=False))
    try:
        assert await unverified.resource()
    finally:
        await unverified.close()


def test_default_ports() -> None:
    assert RouterConfig(host=HOST).resolved_port == 8728
    assert RouterConfig(host=HOST, use_tls=True).resolved_port == 8729
    assert RouterConfig(host=HOST, port=18728, use_tls=True).resolved_port == 18728
