"""Failures the simulated router can be told to show, to test the client's recovery.

Counted faults fire on the next N occasions and then clear themselves; the `*_always` flags
fire for as long as they are set. Tests set them directly: `sim.faults.drop_mid_reply = 1`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from provisioning.simulator.traps import LOGIN_FAILED, Trap


@dataclass
class Faults:
    # Close the connection right after accepting it, before reading anything.
    refuse_connections: int = 0
    refuse_connections_always: bool = False
    # Answer a right login with "invalid user name or password", as a changed password would.
    refuse_login: int = 0
    refuse_login_always: bool = False
    # The router's words for a refused login ("cannot log in" when the address or the
    # user's group is not allowed).
    login_refusal: str = LOGIN_FAILED
    # The next logged-in commands are each answered with one of these `!trap`s instead, as a
    # busy router answers ("interrupted", "action timed out - try again ... (13)").
    traps: list[Trap] = field(default_factory=list)
    # The same for one command only, by its path: {"/ip/hotspot/user/disable": [no_such_item()]}
    # shows a user removed by hand between a look-up and a change.
    command_traps: dict[str, list[Trap]] = field(default_factory=dict)
    # The next sentences (a login too) are each answered `!fatal <text>`, then the router
    # hangs up ("session terminated on request", "too many commands before login").
    fatal: list[str] = field(default_factory=list)
    # Write the first sentence of a reply (or half of a one-sentence reply), then close;
    # login replies are spared, so the fault hits the command a test aims at.
    drop_mid_reply: int = 0
    # Carry out an add, then close the connection before its `!done =ret=` is written.
    lose_add_reply: int = 0
    # Seconds to wait before writing each reply, login replies included.
    reply_delay: float = 0.0

    def take_refuse_connection(self) -> bool:
        if self.refuse_connections_always:
            return True
        if self.refuse_connections > 0:
            self.refuse_connections -= 1
            return True
        return False

    def take_refuse_login(self) -> bool:
        if self.refuse_login_always:
            return True
        if self.refuse_login > 0:
            self.refuse_login -= 1
            return True
        return False

    def take_trap(self, path: str) -> Trap | None:
        aimed = self.command_traps.get(path)
        if aimed:
            return aimed.pop(0)
        return self.traps.pop(0) if self.traps else None

    def take_fatal(self) -> str | None:
        return self.fatal.pop(0) if self.fatal else None

    def take_drop_mid_reply(self) -> bool:
        if self.drop_mid_reply > 0:
            self.drop_mid_reply -= 1
            return True
        return False

    def take_lose_add_reply(self) -> bool:
        if self.lose_add_reply > 0:
            self.lose_add_reply -= 1
            return True
        return False

    def clear(self) -> None:
        self.refuse_connections = 0
        self.refuse_connections_always = False
        self.refuse_login = 0
        self.refuse_login_always = False
        self.login_refusal = LOGIN_FAILED
        self.traps.clear()
        self.command_traps.clear()
        self.fatal.clear()
        self.drop_mid_reply = 0
        self.lose_add_reply = 0
        self.reply_delay = 0.0
