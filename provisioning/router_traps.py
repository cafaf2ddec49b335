"""What the router's own error texts mean: one table, one classifier for every RouterOS failure.

RouterOS answers a refused command with `!trap =message=<text>` and ends a session with
`!fatal <text>`; the API passes no stable code for most of them (`=category=` is optional and
routeros-api drops it), so the texts are matched on stable tokens, case-insensitively, in the
order of `TRAP_TABLE` (first match wins, so narrow tokens come before broad ones). The texts
are RouterOS's own, as RouterOS 6.43+ and 7.x word them (the API manual, the menus' own
refusals, and what MikroTik's forum and the API client libraries quote).

A text that matches nothing is `Verdict.UNKNOWN`: the caller retries it like a temporary
failure and tells the admins at once, with the router's words, so an unrecognised refusal is
never retried in silence until the give-up time.
"""

from __future__ import annotations

from enum import Enum


class Verdict(Enum):
    """What a caller should do about a router failure."""

    # The item exists already ("failure: already have user with this name for this server"):
    # the caller decides (adopt our own earlier attempt's user, or pick another name).
    DUPLICATE = "duplicate"
    # The item is gone ("no such item"): removed meanwhile, by hand or by the router.
    GONE = "gone"
    # The router understood and refused; the same request will be refused again.
    PERMANENT = "permanent"
    # The router refused the configured user name and password (only at login).
    LOGIN_REFUSED = "login refused"
    # The router was busy, interrupted or ended the session: the same request may work later.
    TEMPORARY = "temporary"
    # No entry in the table: retried, and reported to the admins at once.
    UNKNOWN = "unknown"


# (token, verdict, where the text comes from). Tokens are lower case; texts are compared
# lower-cased, so "No such item" and "no such item" are the same failure.
TRAP_TABLE: tuple[tuple[str, Verdict, str], ...] = (
    # Login (`/login` with =name= =password=, RouterOS 6.43+).
    ("invalid user name or password", Verdict.LOGIN_REFUSED, "login, error code 6"),
    ("cannot log in", Verdict.LOGIN_REFUSED, "login refused for this user or address"),
    ("too many commands before login", Verdict.TEMPORARY, "!fatal after failed logins"),
    ("not logged in", Verdict.TEMPORARY, "!fatal: a command on a session that lost its login"),
    ("session terminated on request", Verdict.TEMPORARY, "!fatal: /quit or the session killed"),
    # Rights: the router user's group lacks a policy (api, read, write); error code 9.
    ("not enough permissions", Verdict.PERMANENT, "missing policy, error code 9"),
    # Items.
    ("already have", Verdict.DUPLICATE, "failure: already have user/profile with this name"),
    ("no such item", Verdict.GONE, "a .id or name that is not (or no longer) there"),
    # Arguments: before the "timeout" tokens, since argument names such as idle-timeout
    # appear in these texts.
    ("input does not match any value of", Verdict.PERMANENT, "unknown profile or server"),
    ("unknown parameter", Verdict.PERMANENT, "an argument this RouterOS does not have"),
    ("value of", Verdict.PERMANENT, "value of <argument> must be / out of range"),
    ("invalid value", Verdict.PERMANENT, "invalid value for argument <argument>"),
    ("expected end of command", Verdict.PERMANENT, "a malformed argument"),
    ("no such command", Verdict.PERMANENT, "a menu or command this RouterOS does not have"),
    ("invalid query", Verdict.PERMANENT, "a malformed ?query word"),
    ("can not be removed", Verdict.PERMANENT, "failure: default profile can not be removed"),
    ("must be set", Verdict.PERMANENT, "failure: <argument> must be set"),
    # The router was busy or the command was cut short (=category=2 "execution interrupted").
    ("interrupted", Verdict.TEMPORARY, "execution of the command interrupted"),
    ("timed out", Verdict.TEMPORARY, "action timed out - try again ... (13)"),
    ("timeout", Verdict.TEMPORARY, "timeout"),
    ("try again", Verdict.TEMPORARY, "the router asks to retry"),
    ("busy", Verdict.TEMPORARY, "item or resource busy"),
)


def classify(text: str | None) -> Verdict:
    """The verdict for a router's `!trap` or `!fatal` text; UNKNOWN for None or no match."""
    if not text:
        return Verdict.UNKNOWN
    lowered = text.lower()
    for token, verdict, _source in TRAP_TABLE:
        if token in lowered:
            return verdict
    return Verdict.UNKNOWN
