"""ensure_user and expire_user: repeatable, and never a second account."""

from __future__ import annotations

import dataclasses

import pytest

from provisioning.accounts import (
    EnsureResult,
    NameTakenError,
    carries_ticket,
    ensure_user,
    expire_user,
)
from provisioning.router import HotspotUser, RouterClient, RouterTemporaryError, UserSpec
from provisioning.simulator import RouterSimulator

TICKET = "HS-2026-000123"
SPEC = UserSpec(name="tamu-k7m3q9", password="Xy7pQ2mN4k", profile="tamu", comment=f"{TICKET} Budi")


async def test_ensure_user_twice_makes_one_user(sim: RouterSimulator, client: RouterClient) -> None:
    first = await ensure_user(client, SPEC, TICKET)
    again = await ensure_user(client, dataclasses.replace(SPEC, password="R3tryPass9"), TICKET)
    assert first == EnsureResult(router_id="*1", created=True)
    assert again == EnsureResult(router_id="*1", created=False)
    assert len(sim.users) == 1
    assert sim.users[0]["password"] == "R3tryPass9"
    assert sim.stats.adds == 1


async def test_a_lost_add_reply_then_a_retry_makes_one_user(
    sim: RouterSimulator, client: RouterClient
) -> None:
    sim.faults.lose_add_reply = 1
    with pytest.raises(RouterTemporaryError):
        await ensure_user(client, SPEC, TICKET)
    assert len(sim.users) == 1  # created, though the reply never came
    result = await ensure_user(client, SPEC, TICKET)
    assert result == EnsureResult(router_id="*1", created=False)
    assert len(sim.users) == 1


async def test_a_name_used_by_someone_else_is_not_taken_over(
    sim: RouterSimulator, client: RouterClient
) -> None:
    sim.add_user(SPEC.name, "theirs", comment="HS-2026-000999 Siti")
    with pytest.raises(NameTakenError) as caught:
        await ensure_user(client, SPEC, TICKET)
    assert caught.value.name == SPEC.name
    assert sim.users[0]["password"] == "theirs"
    # A ticket number that merely starts the same is not ours either.
    sim.add_user("other", "theirs", comment=f"{TICKET}4")
    with pytest.raises(NameTakenError):
        await ensure_user(client, dataclasses.replace(SPEC, name="other"), TICKET)


@pytest.mark.parametrize("comment", [f"{TICKET} Budi", "HS-2026-000999 Siti"])
async def test_an_add_that_races_a_lost_reply_applies_the_same_rule(
    sim: RouterSimulator, client: RouterClient, monkeypatch: pytest.MonkeyPatch, comment: str
) -> None:
    looked_up = client.find_user

    async def find_then_race(name: str) -> HotspotUser | None:
        found = await looked_up(name)
        if not sim.users:
            # Between our look-up and our add, the user appears (an earlier attempt's add).
            sim.add_user(name, "earlier", comment=comment)
        return found

    monkeypatch.setattr(client, "find_user", find_then_race)
    if comment.startswith(TICKET):
        assert await ensure_user(client, SPEC, TICKET) == EnsureResult("*1", created=False)
        assert sim.users[0]["password"] == SPEC.password
    else:
        with pytest.raises(NameTakenError):
            await ensure_user(client, SPEC, TICKET)
    assert len(sim.users) == 1


async def test_the_comment_must_carry_the_ticket(client: RouterClient) -> None:
    with pytest.raises(ValueError, match="ticket"):
        await ensure_user(client, dataclasses.replace(SPEC, comment="Budi"), TICKET)


def test_ticket_tokens() -> None:
    assert carries_ticket(f"{TICKET} Budi", TICKET)
    assert carries_ticket(f"tamu; {TICKET}", TICKET)
    assert not carries_ticket(f"{TICKET}4", TICKET)
    assert not carries_ticket(f"X{TICKET}", TICKET)


async def test_expire_user_disables_and_logs_out(
    sim: RouterSimulator, client: RouterClient
) -> None:
    await ensure_user(client, SPEC, TICKET)
    sim.add_active_session(SPEC.name, "10.5.50.2", "AA:BB:CC:DD:EE:01")
    sim.add_cookie(SPEC.name, "AA:BB:CC:DD:EE:01")
    sim.add_active_session("someone", "10.5.50.3", "AA:BB:CC:DD:EE:02")
    assert await expire_user(client, SPEC.name) is True
    assert sim.users[0]["disabled"] == "true"
    assert [row["user"] for row in sim.active_sessions] == ["someone"]
    assert sim.cookies == []
    # Again (a retried job): still fine, and a session that came back is dropped.
    sim.add_active_session(SPEC.name, "10.5.50.2", "AA:BB:CC:DD:EE:01")
    assert await expire_user(client, SPEC.name) is True
    assert [row["user"] for row in sim.active_sessions] == ["someone"]
    assert await expire_user(client, "nobody") is False
