"""The simulator as routeros-api sees it, and as the wire carries it."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from routeros_api import query
from routeros_api.exceptions import RouterOsApiCommunicationError

from provisioning.simulator import RouterSimulator, Trap
from tests.provisioning.helpers import (
    PASSWORD,
    OpenRaw,
    library_pool,
    trap_message,
    with_api,
)


def users(api: Any) -> Any:
    return api.get_resource("/ip/hotspot/user")


async def test_login_with_the_right_password(sim: RouterSimulator) -> None:
    resource = await with_api(sim, lambda api: api.get_resource("/system/resource").get())
    assert resource[0]["version"].startswith("7.")
    assert {"uptime", "board-name", "cpu-load", "free-memory"} <= set(resource[0])
    assert (sim.stats.logins, sim.stats.connections) == (1, 1)


async def test_wrong_password_is_trapped_and_the_fifth_sentence_is_fatal(
    sim: RouterSimulator, open_raw: OpenRaw
) -> None:
    def login() -> None:
        pool = library_pool(sim.port, password="wrong")
        try:
            pool.get_api()
        finally:
            pool.disconnect()

    with pytest.raises(RouterOsApiCommunicationError) as caught:
        await asyncio.to_thread(login)
    assert caught.value.original_message == b"invalid user name or password (6)"

    # As RouterOS: each refused login is a !trap on a connection that stays open, until the
    # fifth sentence before a login, which is !fatal.
    raw = await open_raw()
    for attempt in range(1, 5):
        replies = await raw.call("/login", "=name=admin", "=password=nope", f".tag={attempt}")
        assert replies == [
            ["!trap", f".tag={attempt}", "=message=invalid user name or password (6)"],
            ["!done", f".tag={attempt}"],
        ]
    replies = await raw.call("/login", "=name=admin", f"=password={PASSWORD}")
    assert replies == [["!fatal", "too many commands before login"]]
    assert await raw.at_eof()
    assert sim.stats.failed_logins == 5

    raw = await open_raw()
    assert await raw.call("/login", "=name=admin", "=password=nope") == [
        ["!trap", "=message=invalid user name or password (6)"],
        ["!done"],
    ]
    await raw.login()


async def test_commands_before_login_are_fatal(sim: RouterSimulator, open_raw: OpenRaw) -> None:
    raw = await open_raw()
    assert await raw.call("/ip/hotspot/user/print") == [["!fatal", "not logged in"]]
    assert await raw.at_eof()


async def test_every_reply_sentence_carries_the_tag(
    sim: RouterSimulator, open_raw: OpenRaw
) -> None:
    sim.add_user("a", "pw")
    sim.add_user("b", "pw")
    raw = await open_raw()
    await raw.login()
    replies = await raw.call("/ip/hotspot/user/print", "=.proplist=name", ".tag=abc")
    assert replies == [
        ["!re", ".tag=abc", "=name=a"],
        ["!re", ".tag=abc", "=name=b"],
        ["!done", ".tag=abc"],
    ]
    trap = await raw.call("/ip/hotspot/user/remove", "=.id=*99", ".tag=x")
    assert trap == [
        ["!trap", ".tag=x", "=category=0", "=message=no such item"],
        ["!done", ".tag=x"],
    ]
    assert await raw.call("/cancel", ".tag=y") == [["!done", ".tag=y"]]
    assert await raw.call("/quit") == [["!fatal", "session terminated on request"]]
    assert await raw.at_eof()


async def test_print_filters_by_query_and_proplist(sim: RouterSimulator) -> None:
    sim.add_user("alice", "pw", comment="HS-1")
    sim.add_user("bob", "pw")

    def scenario(api: Any) -> tuple[Any, Any, Any]:
        one = users(api).get(name="alice")
        slim = users(api).call("print", {".proplist": ".id,name"}, {"name": "bob"})
        nobody = users(api).get(name="carol")
        return one, slim, nobody

    one, slim, nobody = await with_api(sim, scenario)
    assert [row["name"] for row in one] == ["alice"]
    assert one[0]["comment"] == "HS-1" and one[0]["id"] == "*1"
    assert list(slim) == [{"id": "*2", "name": "bob"}]
    assert list(nobody) == []


async def test_query_stack_operations(sim: RouterSimulator, open_raw: OpenRaw) -> None:
    sim.add_user("a", "pw", comment="x")
    sim.add_user("b", "pw", profile="tamu")
    sim.add_user("c", "pw", disabled=True)

    def names(api: Any, *queries: Any, **equal: str) -> list[str]:
        rows = users(api).call("print", {}, equal, additional_queries=queries)
        return sorted(row["name"] for row in rows)

    def scenario(api: Any) -> dict[str, list[str]]:
        either = query.OrQuery(query.IsEqualQuery("name", "a"), query.IsEqualQuery("name", "b"))
        both = query.AndQuery(
            query.IsEqualQuery("name", "b"), query.IsEqualQuery("profile", "tamu")
        )
        not_a = query.NandQuery(query.IsEqualQuery("name", "a"))
        return {
            "or": names(api, either),
            "and": names(api, both),
            "nand": names(api, not_a),
            "has": names(api, query.HasValueQuery("comment")),
            "disabled": names(api, disabled="yes"),
            "after": names(api, query.IsGreaterQuery("name", "a")),
        }

    assert await with_api(sim, scenario) == {
        "or": ["a", "b"],
        "and": ["b"],
        "nand": ["b", "c"],
        "has": ["a"],
        "disabled": ["c"],
        "after": ["b", "c"],
    }
    raw = await open_raw()
    await raw.login()
    lacking = await raw.call("/ip/hotspot/user/print", "=.proplist=name", "?-comment")
    assert lacking[:-1] == [["!re", "=name=b"], ["!re", "=name=c"]]
    assert (await raw.call("/ip/hotspot/user/print", "?#|"))[0][0] == "!trap"
    assert await raw.call("/ip/hotspot/user/print", "=count-only=") == [["!done", "=ret=3"]]


async def test_add_returns_hex_ids(sim: RouterSimulator) -> None:
    def scenario(api: Any) -> list[str]:
        return [
            users(api).call("add", {"name": f"u{n}", "password": "pw"}).done_message["ret"]
            for n in range(11)
        ]

    ids = await with_api(sim, scenario)
    assert ids[:2] == ["*1", "*2"] and ids[9:] == ["*A", "*B"]
    assert sim.stats.adds == 11
    assert sim.find_user("u10") is not None


async def test_add_refusals_use_the_routers_words(sim: RouterSimulator) -> None:
    sim.add_user("taken", "pw", server="hotspot1")

    def scenario(api: Any) -> list[str]:
        add = users(api).call
        # The same name on another server is a different user.
        add("add", {"name": "taken", "password": "pw", "server": "hotspot2"})
        return [
            trap_message(lambda: add("add", {"name": "taken", "server": "hotspot1"})),
            trap_message(lambda: add("add", {"name": "new", "profile": "vip"})),
            trap_message(lambda: add("add", {"name": "new", "server": "nowhere"})),
            trap_message(lambda: add("add", {"name": "new", "colour": "red"})),
            trap_message(lambda: add("add", {"password": "pw"})),
        ]

    assert await with_api(sim, scenario) == [
        "failure: already have user with this name for this server",
        "input does not match any value of profile",
        "input does not match any value of server",
        "unknown parameter colour",
        "failure: name must be set",
    ]
    assert len(sim.users) == 2


async def test_set_enable_disable_remove(sim: RouterSimulator) -> None:
    first = sim.add_user("a", "old", comment="HS-1", limit_uptime="1d")
    sim.add_user("b", "pw")

    def scenario(api: Any) -> list[str]:
        call = users(api).call
        call("set", {".id": first, "password": "new", "comment": ""})
        call("set", {".id": "b", "limit-uptime": "90m"})  # a name works where an id does
        call("disable", {".id": f"{first},b"})
        call("enable", {".id": "b"})
        return [
            trap_message(lambda: call("set", {".id": "*77", "password": "x"})),
            trap_message(lambda: call("set", {".id": "b", "name": "a"})),
            trap_message(lambda: call("remove", {".id": "*77"})),
        ]

    assert await with_api(sim, scenario) == [
        "no such item",
        "failure: already have user with this name for this server",
        "no such item",
    ]
    a, b = sim.find_user("a"), sim.find_user("b")
    assert a is not None and b is not None
    assert (a["password"], a["disabled"], "comment" in a) == ("new", "true", False)
    assert (b["limit-uptime"], b["disabled"]) == ("1h30m", "false")
    await with_api(sim, lambda api: users(api).call("remove", {".id": first}))
    assert [user["name"] for user in sim.users] == ["b"]


async def test_unknown_commands(sim: RouterSimulator) -> None:
    def scenario(api: Any) -> list[str]:
        return [
            trap_message(lambda: users(api).call("frobnicate")),
            trap_message(lambda: api.get_resource("/no/such/menu").get()),
            trap_message(lambda: api.get_resource("/ip/hotspot/active").call("add", {})),
        ]

    assert await with_api(sim, scenario) == ["no such command"] * 3


async def test_active_sessions_and_cookies(sim: RouterSimulator) -> None:
    sim.add_user("a", "pw")
    session = sim.add_active_session("a", "10.5.50.2", "aa:bb:cc:dd:ee:01")
    sim.add_active_session("b", "10.5.50.3", "AA:BB:CC:DD:EE:02", server="hotspot2")
    sim.add_cookie("a", "AA:BB:CC:DD:EE:01")

    def scenario(api: Any) -> tuple[Any, Any]:
        active = api.get_resource("/ip/hotspot/active")
        cookies = api.get_resource("/ip/hotspot/cookie")
        mine = active.get(user="a")
        active.call("remove", {".id": session})
        cookies.call("remove", {".id": cookies.get(user="a")[0]["id"]})
        return mine, trap_message(lambda: active.call("remove", {".id": session}))

    mine, again = await with_api(sim, scenario)
    assert mine[0]["address"] == "10.5.50.2"
    assert mine[0]["mac-address"] == "AA:BB:CC:DD:EE:01"
    assert mine[0]["server"] == "hotspot1" and mine[0]["uptime"] == "0s"
    assert again == "no such item"
    assert [row["user"] for row in sim.active_sessions] == ["b"]
    assert sim.cookies == []


async def test_profiles_servers_and_resource(sim: RouterSimulator) -> None:
    def scenario(api: Any) -> tuple[list[str], list[str], list[str]]:
        profiles = api.get_resource("/ip/hotspot/user/profile")
        profiles.call("add", {"name": "staff", "shared-users": "2", "rate-limit": "2M/2M"})
        traps = [
            trap_message(lambda: profiles.call("add", {"name": "staff"})),
            trap_message(lambda: profiles.call("remove", {".id": "default"})),
        ]
        names = [row["name"] for row in profiles.get()]
        servers = [row["name"] for row in api.get_resource("/ip/hotspot").get()]
        return names, servers, traps

    names, servers, traps = await with_api(sim, scenario)
    assert names == ["default", "tamu", "staff"]
    assert servers == ["hotspot1", "hotspot2"]
    assert traps == [
        "failure: already have profile with this name",
        "failure: default profile can not be removed",
    ]
    sim.add_profile("guest", shared_users="3")
    assert sim.profiles[-1]["shared-users"] == "3"
    with pytest.raises(Trap, match="profile"):
        sim.add_user("x", profile="missing")


async def test_restart_keeps_port_and_tables(sim: RouterSimulator, open_raw: OpenRaw) -> None:
    sim.add_user("a", "pw")
    port = sim.port
    raw = await open_raw()
    await raw.login()
    await sim.stop()
    assert not sim.running
    assert await raw.at_eof()
    await sim.start()
    assert sim.port == port
    new_id = await with_api(
        sim, lambda api: users(api).call("add", {"name": "b", "password": PASSWORD})
    )
    assert new_id.done_message["ret"] == "*2"
    assert [user["name"] for user in sim.users] == ["a", "b"]
