"""The `!trap` errors the simulated router answers with, worded as RouterOS words them."""

from __future__ import annotations

from enum import IntEnum


class TrapCategory(IntEnum):
    """The `=category=` values of the RouterOS API manual."""

    MISSING_ITEM_OR_COMMAND = 0
    ARGUMENT_VALUE_FAILURE = 1
    INTERRUPTED = 2
    SCRIPTING_FAILURE = 3
    GENERAL_FAILURE = 4
    API_FAILURE = 5


class Trap(Exception):
    """A command failed; the reply is `!trap` (with the category when the router gives one)."""

    def __init__(self, message: str, category: TrapCategory | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.category = category


LOGIN_FAILED = "invalid user name or password (6)"
LOGIN_NOT_ALLOWED = "cannot log in"
NOT_LOGGED_IN = "not logged in"
SESSION_TERMINATED = "session terminated on request"
# `!fatal` on the fifth sentence of a session that has not logged in (four refused logins).
TOO_MANY_BEFORE_LOGIN = "too many commands before login"
# A user whose group lacks the `write` (or `api`) policy.
NOT_ENOUGH_PERMISSIONS = "not enough permissions (9)"
INTERRUPTED = "interrupted"
ACTION_TIMED_OUT = (
    "action timed out - try again, if error continues contact MikroTik support "
    "and send a supout file (13)"
)
NO_SUCH_COMMAND = "no such command"
NO_SUCH_ITEM = "no such item"
DUPLICATE_USER = "failure: already have user with this name for this server"
DUPLICATE_PROFILE = "failure: already have profile with this name"
DEFAULT_PROFILE_REMOVAL = "failure: default profile can not be removed"


def interrupted() -> Trap:
    return Trap(INTERRUPTED, TrapCategory.INTERRUPTED)


def no_such_command() -> Trap:
    return Trap(NO_SUCH_COMMAND, TrapCategory.MISSING_ITEM_OR_COMMAND)


def no_such_item() -> Trap:
    return Trap(NO_SUCH_ITEM, TrapCategory.MISSING_ITEM_OR_COMMAND)


def unknown_parameter(name: str) -> Trap:
    return Trap(f"unknown parameter {name}", TrapCategory.ARGUMENT_VALUE_FAILURE)


def no_matching_value(argument: str) -> Trap:
    return Trap(
        f"input does not match any value of {argument}", TrapCategory.ARGUMENT_VALUE_FAILURE
    )


def bad_value(argument: str, expected: str) -> Trap:
    return Trap(f"value of {argument} must be {expected}", TrapCategory.ARGUMENT_VALUE_FAILURE)


def missing_value(argument: str) -> Trap:
    return Trap(f"failure: {argument} must be set")
