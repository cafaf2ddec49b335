"""How router failures are sorted: the trap table, and each case through the real routeros-api.

Each case is the router's own text, shown by the simulator as RouterOS shows it; the client
must tell temporary (retry) from permanent (stop) from unknown (retry and tell the admins).
"""

from __future__ import annotations

import pytest

from bot.worker.account_jobs import router_failure
from bot.worker.errors import JobPermanentError, JobTemporaryError, JobUnknownError
from provisioning.accounts import ensure_user, expire_user, renew_user
from provisioning.router import (
    RouterClient,
    RouterConfig,
    RouterError,
    RouterLoginError,
    RouterPermanentError,
    RouterTemporaryError,
    RouterUnknownError,
    UserSpec,
)
from provisioning.router_traps import Verdict, classify
from provisioning.simulator import RouterSimulator, Trap
from provisioning.simulator.traps import ACTION_TIMED_OUT, interrupted, no_such_item
from tests.provisioning.helpers import HOST, PASSWORD, USERNAME

SECRET = "Xy7pQ2mN4k"


def spec(name: str = "tamu-k7m3q9") -> UserSpec:
    return UserSpec(name=name, password=SECRET, profile="tamu", comment="HS-2026-000001")


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("failure: already have user with this name for this server", Verdict.DUPLICATE),
        ("failure: already have profile with this name", Verdict.DUPLICATE),
        ("FAILURE: Already Have User With This Name", Verdict.DUPLICATE),
        ("no such item", Verdict.GONE),
        ("No such item", Verdict.GONE),
        ("input does not match any value of profile", Verdict.PERMANENT),
        ("input does not match any value of server", Verdict.PERMANENT),
        ("value of idle-timeout must be a time interval", Verdict.PERMANENT),
        ("unknown parameter keepalive-timeout", Verdict.PERMANENT),
        ("not enough permissions (9)", Verdict.PERMANENT),
        ("invalid user name or password (6)", Verdict.LOGIN_REFUSED),
        ("cannot log in", Verdict.LOGIN_REFUSED),
        ("interrupted", Verdict.TEMPORARY),
        (ACTION_TIMED_OUT, Verdict.TEMPORARY),
        ("timeout", Verdict.TEMPORARY),
        ("session terminated on request", Verdict.TEMPORARY),
        ("too many commands before login", Verdict.TEMPORARY),
        ("failure: hotspot is being reconfigured", Verdict.UNKNOWN),
        ("", Verdict.UNKNOWN),
    ],
)
def test_the_trap_table(text: str, verdict: Verdict) -> None:
    assert classify(text) is verdict


@pytest.mark.parametrize(
    ("error", "job_error"),
    [
        (RouterUnknownError("router said something unrecognised: x", "x"), JobUnknownError),
        (RouterTemporaryError("router connection failed"), JobTemporaryError),
        (RouterPermanentError("router refused: no such item", "no such item"), JobPermanentError),
        (RouterLoginError("router login refused: cannot log in"), JobPermanentError),
    ],
)
def test_router_errors_become_job_errors(error: RouterError, job_error: type[Exception]) -> None:
    mapped = router_failure(error)
    assert type(mapped) is job_error
    assert str(error) in str(mapped)


async def test_an_interrupted_command_is_temporary_on_the_same_connection(
    sim: RouterSimulator, client: RouterClient
) -> None:
    await client.resource()
    sim.faults.traps.append(interrupted())
    with pytest.raises(RouterTemporaryError) as caught:
        await client.add_user(spec())
    assert not isinstance(caught.value, RouterUnknownError)
    assert caught.value.router_message == "interrupted"
    assert await client.add_user(spec()) == "*1"
    assert sim.stats.connections == 1


async def test_an_action_timed_out_is_temporary(sim: RouterSimulator, client: RouterClient) -> None:
    sim.faults.traps.append(Trap(ACTION_TIMED_OUT))
    with pytest.raises(RouterTemporaryError) as caught:
        await client.list_users()
    assert not isinstance(caught.value, RouterUnknownError)
    assert "action timed out" in str(caught.value)


async def test_an_unknown_trap_is_retried_and_says_what_the_router_said(
    sim: RouterSimulator, client: RouterClient
) -> None:
    sim.faults.traps.append(Trap("failure: hotspot is being reconfigured"))
    with pytest.raises(RouterUnknownError) as caught:
        await client.add_user(spec())
    assert caught.value.router_message == "failure: hotspot is being reconfigured"
    assert "failure: hotspot is being reconfigured" in str(caught.value)
    assert SECRET not in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__context__ is None
    job_error = router_failure(caught.value)
    assert isinstance(job_error, JobUnknownError)
    assert "hotspot is being reconfigured" in str(job_error) and SECRET not in str(job_error)


async def test_missing_write_rights_are_permanent(
    sim: RouterSimulator, client: RouterClient
) -> None:
    sim.read_only = True
    assert await client.list_users() == []
    with pytest.raises(RouterPermanentError) as caught:
        await client.add_user(spec())
    assert not isinstance(caught.value, RouterLoginError)
    assert caught.value.router_message == "not enough permissions (9)"
    assert caught.value.verdict is Verdict.PERMANENT


async def test_missing_profile_is_permanent(client: RouterClient) -> None:
    with pytest.raises(RouterPermanentError) as caught:
        await client.add_user(UserSpec(name="x", password=SECRET, profile="vip"))
    assert caught.value.verdict is Verdict.PERMANENT
    assert "input does not match any value of profile" in str(caught.value)


@pytest.mark.parametrize("refusal", ["invalid user name or password (6)", "cannot log in"])
async def test_refused_logins(sim: RouterSimulator, client: RouterClient, refusal: str) -> None:
    sim.faults.refuse_login = 1
    sim.faults.login_refusal = refusal
    with pytest.raises(RouterLoginError) as caught:
        await client.resource()
    assert caught.value.router_message == refusal
    assert refusal in str(caught.value) and PASSWORD not in str(caught.value)
    assert await client.resource()


async def test_too_many_commands_before_login_is_temporary(
    sim: RouterSimulator, client: RouterClient
) -> None:
    sim.faults.fatal.append("too many commands before login")
    with pytest.raises(RouterTemporaryError) as caught:
        await client.resource()
    assert not isinstance(caught.value, RouterUnknownError)
    assert caught.value.router_message == "too many commands before login"
    assert await client.resource()


async def test_a_session_ended_by_the_router_is_temporary_then_reconnects(
    sim: RouterSimulator, client: RouterClient
) -> None:
    await client.resource()
    sim.faults.fatal.append("session terminated on request")
    with pytest.raises(RouterTemporaryError) as caught:
        await client.list_users()
    assert not isinstance(caught.value, RouterUnknownError)
    assert caught.value.router_message == "session terminated on request"
    assert await client.list_users() == []
    assert sim.stats.connections == 2


async def test_an_unknown_fatal_is_unknown(sim: RouterSimulator, client: RouterClient) -> None:
    await client.resource()
    sim.faults.fatal.append("out of memory")
    with pytest.raises(RouterUnknownError) as caught:
        await client.list_users()
    assert caught.value.router_message == "out of memory"
    assert await client.list_users() == []


async def test_a_connection_error_is_temporary_not_unknown(sim: RouterSimulator) -> None:
    port = sim.port
    await sim.stop()
    client = RouterClient(RouterConfig(host=HOST, port=port, username=USERNAME, password=PASSWORD))
    with pytest.raises(RouterTemporaryError) as caught:
        await client.resource()
    assert not isinstance(caught.value, RouterUnknownError)


# A user removed by hand between a look-up and a change: the router says "no such item".

TICKET = "HS-2026-000001"


async def test_expiry_of_a_user_removed_meanwhile_still_drops_its_sessions(
    sim: RouterSimulator, client: RouterClient
) -> None:
    sim.add_user(spec().name, "pw", profile="tamu", comment=TICKET)
    sim.add_active_session(spec().name, "10.5.50.2", "AA:BB:CC:DD:EE:01")
    sim.faults.command_traps["/ip/hotspot/user/disable"] = [no_such_item()]
    sim.faults.command_traps["/ip/hotspot/user/remove"] = [no_such_item()]
    assert await expire_user(client, spec().name, TICKET, remove=True) is True
    assert sim.active_sessions == []


async def test_renewal_of_a_user_removed_meanwhile_says_it_is_gone(
    sim: RouterSimulator, client: RouterClient
) -> None:
    sim.add_user(spec().name, "pw", profile="tamu", comment=TICKET, disabled=True)
    sim.faults.command_traps["/ip/hotspot/user/set"] = [no_such_item()]
    assert await renew_user(client, spec().name, TICKET, f"{TICKET} until 2026-12-31") is None


async def test_taking_over_a_user_removed_meanwhile_is_temporary(
    sim: RouterSimulator, client: RouterClient
) -> None:
    sim.add_user(spec().name, "pw", profile="tamu", comment=TICKET)
    sim.faults.command_traps["/ip/hotspot/user/set"] = [no_such_item()]
    with pytest.raises(RouterTemporaryError) as caught:
        await ensure_user(client, spec(), TICKET)
    assert not isinstance(caught.value, RouterUnknownError)
