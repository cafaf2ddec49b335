"""Creating and expiring a ticket's hotspot account, safely repeatable.

The outbox worker may run `ensure_user` again after a crash, a timeout or a reply lost on the
way back from the router, so it never creates a second user. A user is recognised as ours by
the ticket number in its comment: the router keeps nothing else that links it to the ticket.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import date

from provisioning.router import (
    HotspotUser,
    RouterClient,
    RouterPermanentError,
    RouterTemporaryError,
    UserSpec,
)
from provisioning.router_traps import Verdict


class NameTakenError(RouterPermanentError):
    """A user with the wanted name exists on the router and does not belong to this ticket."""

    def __init__(self, name: str, ticket_number: str) -> None:
        super().__init__(
            f"hotspot user name {name!r} is taken by another account (not {ticket_number})"
        )
        self.name = name
        self.ticket_number = ticket_number


@dataclass(frozen=True)
class EnsureResult:
    router_id: str
    # False when the user was already there from an earlier attempt for the same ticket.
    created: bool


def account_comment(ticket_number: str, valid_until: date) -> str:
    """What the router shows next to the user: whose it is and until when (for people; the
    bot itself expires accounts from its database, never from this comment)."""
    return f"{ticket_number} until {valid_until.isoformat()} (Hotspot Desk)"


def carries_ticket(comment: str, ticket_number: str) -> bool:
    """Whether `comment` names this ticket as a whole token (HS-1 is not in HS-12)."""
    pattern = rf"(?<![\w-]){re.escape(ticket_number)}(?![\w-])"
    return re.search(pattern, comment) is not None


async def ensure_user(client: RouterClient, spec: UserSpec, ticket_number: str) -> EnsureResult:
    """Make sure the ticket's user exists on the router with `spec.password`.

    An existing user whose comment carries the ticket number is ours (from an attempt whose
    reply was lost): its password is set to `spec.password` and it is returned, created=False.
    A user of that name that is not ours raises NameTakenError.
    """
    if not carries_ticket(spec.comment, ticket_number):
        # Without it a retry could not recognise its own user and would call it taken.
        raise ValueError("the user's comment must carry the ticket number")
    existing = await client.find_user(spec.name)
    if existing is not None:
        return await _adopt(client, existing, spec, ticket_number)
    try:
        router_id = await client.add_user(spec)
    except RouterPermanentError as error:
        if error.verdict is not Verdict.DUPLICATE:
            raise
        # Someone (maybe our own earlier attempt, whose reply was lost) added it since we looked.
        existing = await client.find_user(spec.name)
        if existing is None:
            raise RouterTemporaryError(
                "the router refused a duplicate name it does not list"
            ) from None
        return await _adopt(client, existing, spec, ticket_number)
    return EnsureResult(router_id=router_id, created=True)


async def _adopt(
    client: RouterClient, user: HotspotUser, spec: UserSpec, ticket_number: str
) -> EnsureResult:
    if not carries_ticket(user.comment, ticket_number):
        raise NameTakenError(spec.name, ticket_number)
    if not await _unless_gone(client.set_password(user.router_id, spec.password)):
        raise RouterTemporaryError("the user vanished from the router while being taken over")
    return EnsureResult(router_id=user.router_id, created=False)


async def _unless_gone(change: Awaitable[None]) -> bool:
    """Make one change to a user; False when the router says the user is gone ("no such
    item": removed by hand between our look-up and the change)."""
    try:
        await change
    except RouterPermanentError as error:
        if error.verdict is not Verdict.GONE:
            raise
        return False
    return True


async def expire_user(
    client: RouterClient, name: str, ticket_number: str | None = None, *, remove: bool = False
) -> bool:
    """Disable (or remove) the user and log out their devices.

    False if the router has no such user, or, given `ticket_number`, if the user of that
    name is not this ticket's (someone else's user is never touched).
    """
    user = await client.find_user(name)
    if user is None:
        return False
    if ticket_number is not None and not carries_ticket(user.comment, ticket_number):
        return False
    # A user removed by hand meanwhile is stopped too; its sessions still go.
    if not user.disabled:
        await _unless_gone(client.disable_user(user.router_id))
    # Sessions go even when the user was already disabled: a disable leaves them running.
    # A removal too comes after them, so no device can log in again in between.
    await client.drop_sessions(name)
    if remove:
        await _unless_gone(client.remove_user(user.router_id))
    return True


async def renew_user(
    client: RouterClient, name: str, ticket_number: str, comment: str
) -> HotspotUser | None:
    """Enable the ticket's user with a new comment (a longer stay); None if it is gone."""
    user = await client.find_user(name)
    if user is None or not carries_ticket(user.comment, ticket_number):
        return None
    if user.comment != comment and not await _unless_gone(
        client.set_comment(user.router_id, comment)
    ):
        return None
    if user.disabled and not await _unless_gone(client.enable_user(user.router_id)):
        return None
    return user
