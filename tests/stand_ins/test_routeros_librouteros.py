"""The RouterOS simulator against a second real client: librouteros (asyncio API).

routeros-api (what the product uses) is checked in tests/provisioning; librouteros words its
requests differently (`?=name=x` queries, `?#` operations, `=.id=` with several ids) and the
simulator must understand them as a router does.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from librouteros import async_connect
from librouteros.api import AsyncApi
from librouteros.exceptions import FatalError, TrapError
from librouteros.query import And, Key, Or

from provisioning.simulator import RouterSimulator, SystemInfo
from tests.provisioning.helpers import HOST, PASSWORD, USERNAME, OpenRaw, RawConnection

USERS = "/ip/hotspot/user"
PROFILES = "/ip/hotspot/user/profile"


async def connect(sim: RouterSimulator, password: str = PASSWORD) -> AsyncApi:
    return await async_connect(HOST, USERNAME, password, port=sim.port, timeout=5)


@pytest.fixture
async def api(sim: RouterSimulator) -> AsyncIterator[AsyncApi]:
    connection = await connect(sim)
    yield connection
    await connection.close()


async def rows(api: AsyncApi, path: str, *query: object, keys: tuple[str, ...] = ()) -> list[dict]:
    selected = api.path(path).select(*(Key(key) for key in keys))
    if query:
        selected = selected.where(*query)  # type: ignore[arg-type]
    return [dict(row) async for row in selected]


async def names(api: AsyncApi, *query: object) -> list[str]:
    return [row["name"] for row in await rows(api, USERS, *query, keys=("name",))]


@pytest.fixture
def three_users(sim: RouterSimulator) -> None:
    sim.add_user("ani", "pw", profile="tamu", comment="HS-1", limit_uptime="1h")
    sim.add_user("budi", "pw", server="hotspot2", limit_uptime="2h")
    sim.add_user("citra", "pw", profile="tamu", disabled=True)


async def test_login_and_a_refused_login(sim: RouterSimulator) -> None:
    api = await connect(sim)
    await api.close()
    with pytest.raises(TrapError) as caught:
        await connect(sim, "wrong")
    assert caught.value.message == "invalid user name or password (6)"


@pytest.mark.usefixtures("three_users")
async def test_equality_in_the_documented_form(api: AsyncApi) -> None:
    # librouteros sends `?=name=budi`, the form the RouterOS manual documents.
    assert await names(api, Key("name") == "budi") == ["budi"]
    assert await names(api, Key("profile") == "tamu") == ["ani", "citra"]
    assert await names(api, Key("disabled") == True) == ["citra"]  # noqa: E712
    assert await names(api, Key("comment") == "HS-9") == []


@pytest.mark.usefixtures("three_users")
async def test_not_in_and_or(api: AsyncApi) -> None:
    assert await names(api, Key("name") != "budi") == ["ani", "citra"]
    assert await names(api, Key("name").In("ani", "citra", "nobody")) == ["ani", "citra"]
    assert await names(api, And(Key("profile") == "tamu", Key("disabled") == False)) == ["ani"]  # noqa: E712
    assert await names(api, Or(Key("name") == "ani", Key("server") == "hotspot2")) == [
        "ani",
        "budi",
    ]


async def test_less_and_greater(sim: RouterSimulator, api: AsyncApi) -> None:
    sim.add_profile("tamu-2dev", shared_users="2")
    sim.add_profile("tamu-10dev", shared_users="10")
    found = await rows(api, PROFILES, Key("shared-users") > 1, keys=("name",))
    assert [row["name"] for row in found] == ["tamu-2dev", "tamu-10dev"]
    found = await rows(api, PROFILES, Key("shared-users") < 2, keys=("name",))
    assert [row["name"] for row in found] == ["default", "tamu"]


@pytest.mark.usefixtures("three_users")
async def test_proplist_and_typed_values(api: AsyncApi) -> None:
    (row,) = await rows(api, USERS, Key("name") == "ani", keys=(".id", "name", "disabled"))
    assert row == {".id": "*1", "name": "ani", "disabled": False}
    (row,) = await rows(api, USERS, Key("name") == "budi")
    assert row["limit-uptime"] == "2h" and row["server"] == "hotspot2"
    assert "password" in row


async def test_add_set_remove_by_id(sim: RouterSimulator, api: AsyncApi) -> None:
    users = api.path(USERS)
    first = await users.add(name="tamu-aaaaaa", password="pw", profile="tamu")
    second = await users.add(name="tamu-bbbbbb", password="pw", disabled=True)
    assert (first, second) == ("*1", "*2")
    await users.update(**{".id": first, "comment": "HS-2026-000001", "limit-uptime": "8h"})
    user = sim.find_user("tamu-aaaaaa")
    assert user is not None and user["comment"] == "HS-2026-000001"
    assert user["limit-uptime"] == "8h"
    assert sim.find_user("tamu-bbbbbb") == {**sim.users[1], "disabled": "true"}
    await users.remove(first, second)
    assert sim.users == []


async def test_traps_carry_message_and_category(api: AsyncApi) -> None:
    users = api.path(USERS)
    with pytest.raises(TrapError) as caught:
        await users.add(name="x", profile="vip")
    assert caught.value.message == "input does not match any value of profile"
    assert caught.value.category == 1
    with pytest.raises(TrapError) as caught:
        await users.remove("*99")
    assert (caught.value.message, caught.value.category) == ("no such item", 0)


@pytest.mark.usefixtures("three_users")
async def test_count_only_answers_in_done_ret(api: AsyncApi) -> None:
    answer = [row async for row in api(f"{USERS}/print", **{"count-only": ""})]
    assert answer == [{"ret": 3}]


async def test_an_empty_print(api: AsyncApi) -> None:
    assert await rows(api, USERS) == []
    assert await names(api, Key("name") == "nobody") == []


async def test_quit_is_fatal(api: AsyncApi) -> None:
    with pytest.raises(FatalError, match="session terminated on request"):
        [row async for row in api("/quit")]


async def test_empty_replies_from_routeros_7_18(open_raw: OpenRaw) -> None:
    """RouterOS 7.18 and later answer a print that finds nothing with `!empty`, then `!done`."""
    raw = await open_raw()
    await raw.login()
    assert await raw.call(f"{USERS}/print", ".tag=7") == [["!empty", ".tag=7"], ["!done", ".tag=7"]]
    assert await raw.call(f"{PROFILES}/print", "?=name=default", "=.proplist=name") == [
        ["!re", "=name=default"],
        ["!done"],
    ]


async def test_empty_replies_only_since_routeros_7_18() -> None:
    older = RouterSimulator(
        HOST, username=USERNAME, password=PASSWORD, system=SystemInfo(version="7.15.3 (stable)")
    )
    async with older:
        raw = await RawConnection.open(older)
        try:
            await raw.login()
            assert await raw.call(f"{USERS}/print") == [["!done"]]
        finally:
            await raw.close()
        api = await connect(older)
        try:
            assert await rows(api, USERS) == []
        finally:
            await api.close()


async def test_query_stack_indexes(sim: RouterSimulator, open_raw: OpenRaw) -> None:
    """`?#` takes stack indexes too: `0` copies the top, a final index keeps only that value."""
    sim.add_user("ani", "pw", profile="tamu")
    sim.add_user("budi", "pw")
    raw = await open_raw()
    await raw.login()

    async def found(*query: str) -> list[str]:
        replies = await raw.call(f"{USERS}/print", "=.proplist=name", *query)
        return [sentence[1].removeprefix("=name=") for sentence in replies if sentence[0] == "!re"]

    # name=ani, profile=tamu; then keep only the value at index 1 (name=ani).
    assert await found("?=name=ani", "?=profile=default", "?#1") == ["ani"]
    # name=budi; copy it (0.), or the two copies: still name=budi.
    assert await found("?=name=budi", "?#0.|") == ["budi"]
    # An index past the stack is a malformed query.
    replies = await raw.call(f"{USERS}/print", "?=name=ani", "?#5")
    assert replies[0][0] == "!trap"
