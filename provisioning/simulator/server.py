"""An asyncio TCP (or TLS) server that answers the RouterOS API as a hotspot router would.

It is product code: `hotspot-desk demo` runs it in place of a router, and the provisioning
tests run the real routeros-api client against it. Nothing it receives is logged, since
sentences carry passwords.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import ssl
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from types import TracebackType

from provisioning.simulator.faults import Faults
from provisioning.simulator.menus import READ_VERBS, Sentence, execute
from provisioning.simulator.protocol import (
    Command,
    ProtocolError,
    encode_sentence,
    parse_command,
    read_sentence,
    to_bytes,
)
from provisioning.simulator.state import RouterState, SystemInfo
from provisioning.simulator.tables import visible
from provisioning.simulator.traps import (
    NOT_ENOUGH_PERMISSIONS,
    NOT_LOGGED_IN,
    SESSION_TERMINATED,
    TOO_MANY_BEFORE_LOGIN,
    Trap,
)

logger = logging.getLogger(__name__)

# Far above any real sentence, low enough that a stray client cannot make us allocate gigabytes.
DEFAULT_MAX_WORD_LENGTH = 64 * 1024 * 1024
CLOSE_GRACE_SECONDS = 1.0
# RouterOS answers four refused logins on one connection with a `!trap` each and the fifth
# sentence before a login with `!fatal too many commands before login`, then hangs up.
MAX_SENTENCES_BEFORE_LOGIN = 4


@dataclass
class SimulatorStats:
    connections: int = 0
    refused_connections: int = 0
    logins: int = 0
    failed_logins: int = 0
    # Hotspot users created through the API (not those added from Python).
    adds: int = 0
    # Every command sentence received, by its command word ("/ip/hotspot/user/add").
    commands: Counter[str] = field(default_factory=Counter)


@dataclass
class _Session:
    logged_in: bool = False
    sentences_before_login: int = 0


@dataclass
class _Outcome:
    sentences: list[Sentence]
    close: bool = False
    added: bool = False


def _trap_sentences(trap: Trap) -> list[Sentence]:
    words = ["!trap"]
    if trap.category is not None:
        words.append(f"=category={int(trap.category)}")
    words.append(f"=message={trap.message}")
    # The router ends a failed command with !done too; routeros-api waits for it.
    return [words, ["!done"]]


def _encode(sentence: Sentence, tag: str | None) -> bytes:
    words = [sentence[0], *([f".tag={tag}"] if tag is not None else []), *sentence[1:]]
    return encode_sentence(to_bytes(word) for word in words)


async def _close(writer: asyncio.StreamWriter) -> None:
    writer.close()
    with contextlib.suppress(OSError, TimeoutError):
        await asyncio.wait_for(writer.wait_closed(), CLOSE_GRACE_SECONDS)


class RouterSimulator:
    """A RouterOS hotspot router on a local port.

    `start()` binds (port 0 picks a free port, then kept), `stop()` closes every connection;
    starting again on the same port simulates a reboot with every table kept. `faults` makes
    it misbehave on purpose; `stats` counts what it was asked.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        username: str = "admin",
        password: str = "",
        profiles: Iterable[str] = ("default",),
        servers: Iterable[str] = ("hotspot1",),
        ssl_context: ssl.SSLContext | None = None,
        *,
        system: SystemInfo | None = None,
        max_word_length: int = DEFAULT_MAX_WORD_LENGTH,
        read_only: bool = False,
    ) -> None:
        self.host = host
        # The API user's group has `read` but not `write`: every change is refused with
        # "not enough permissions (9)", as RouterOS refuses it.
        self.read_only = read_only
        self.faults = Faults()
        self.stats = SimulatorStats()
        self._requested_port = port
        self._bound_port: int | None = None
        self._username = username
        self._password = password
        self._ssl_context = ssl_context
        self._max_word_length = max_word_length
        self._state = RouterState(profiles, servers, system or SystemInfo())
        self._server: asyncio.Server | None = None
        self._connections: dict[asyncio.Task[None], asyncio.StreamWriter] = {}

    # Lifecycle.

    async def start(self) -> None:
        if self._server is not None:
            raise RuntimeError("the router simulator is already running")
        port = self._bound_port if self._bound_port is not None else self._requested_port
        self._server = await asyncio.start_server(
            self._on_connection, self.host, port, ssl=self._ssl_context
        )
        self._bound_port = self._server.sockets[0].getsockname()[1]
        self._state.reboot()

    async def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.close()
        for task, writer in list(self._connections.items()):
            # Abort rather than close: a power cut does not wait for clients to read.
            writer.transport.abort()
            task.cancel()
        await asyncio.gather(*self._connections, return_exceptions=True)
        await server.wait_closed()

    async def __aenter__(self) -> RouterSimulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        if self._bound_port is None:
            raise RuntimeError("the router simulator has not been started")
        return self._bound_port

    @property
    def running(self) -> bool:
        return self._server is not None

    # The router's tables, as copies a test or the demo may read freely.

    @property
    def users(self) -> list[dict[str, str]]:
        return [visible(row) for row in self._state.users.rows]

    @property
    def profiles(self) -> list[dict[str, str]]:
        return [visible(row) for row in self._state.profiles.rows]

    @property
    def servers(self) -> list[dict[str, str]]:
        return [visible(row) for row in self._state.servers.rows]

    @property
    def active_sessions(self) -> list[dict[str, str]]:
        return [visible(self._state.session_view(row)) for row in self._state.active.rows]

    @property
    def cookies(self) -> list[dict[str, str]]:
        return [visible(row) for row in self._state.cookies.rows]

    def find_user(self, name: str) -> dict[str, str] | None:
        row = self._state.find_user(name)
        return None if row is None else visible(row)

    # Changing the tables from Python; the same rules as over the API (a Trap if refused).

    def add_user(
        self,
        name: str,
        password: str = "",
        *,
        profile: str = "default",
        server: str = "all",
        comment: str | None = None,
        email: str | None = None,
        limit_uptime: str | None = None,
        disabled: bool = False,
    ) -> str:
        attributes = {
            "name": name,
            "password": password,
            "profile": profile,
            "server": server,
            "disabled": "yes" if disabled else "no",
        }
        optional = {"comment": comment, "email": email, "limit-uptime": limit_uptime}
        attributes.update({key: value for key, value in optional.items() if value is not None})
        return self._run("/ip/hotspot/user/add", attributes)

    def add_profile(self, name: str, **attributes: str) -> str:
        """Add a user profile; keyword names use _ for - (shared_users="2")."""
        fields = {key.replace("_", "-"): value for key, value in attributes.items()}
        return self._run("/ip/hotspot/user/profile/add", {"name": name, **fields})

    def add_active_session(
        self, user: str, address: str, mac: str, server: str | None = None
    ) -> str:
        """A logged-in hotspot client, as if `user` had just logged in from `mac`."""
        return self._state.add_session(user, address, mac, server)

    def add_cookie(self, user: str, mac: str, domain: str = "") -> str:
        """A hotspot login cookie, which would let `mac` log in again without a password."""
        return self._state.add_cookie(user, mac, domain)

    def _run(self, path: str, attributes: dict[str, str]) -> str:
        replies = execute(self._state, Command(path=path, attributes=attributes))
        for word in replies[-1][1:]:
            key, _, value = word[1:].partition("=")
            if key == "ret":
                return value
        return ""

    # The conversation with one client.

    async def _on_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        task = asyncio.current_task()
        if task is None:  # pragma: no cover - asyncio always runs this callback in a task
            raise RuntimeError("connection handler outside a task")
        self._connections[task] = writer
        self.stats.connections += 1
        try:
            if self.faults.take_refuse_connection():
                self.stats.refused_connections += 1
                logger.debug("router simulator: refusing a connection (fault)")
                return
            await self._converse(reader, writer)
        except (asyncio.IncompleteReadError, ProtocolError, OSError):
            # The client went away or sent bytes that are no API: the router just hangs up.
            pass
        except asyncio.CancelledError:
            # stop() cancels on purpose; asyncio (3.11) would log a cancelled connection task.
            if self._server is not None:
                raise
        finally:
            del self._connections[task]
            await _close(writer)

    async def _converse(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        session = _Session()
        while True:
            words = await read_sentence(reader, self._max_word_length)
            if not words:
                continue
            command = parse_command(words)
            self.stats.commands[command.path] += 1
            outcome = self._answer(command, session)
            if not await self._reply(writer, command, outcome) or outcome.close:
                return

    def _answer(self, command: Command, session: _Session) -> _Outcome:
        fatal = self.faults.take_fatal()
        if fatal is not None:
            return _Outcome([["!fatal", fatal]], close=True)
        if not session.logged_in:
            session.sentences_before_login += 1
            if session.sentences_before_login > MAX_SENTENCES_BEFORE_LOGIN:
                return _Outcome([["!fatal", TOO_MANY_BEFORE_LOGIN]], close=True)
        if command.path == "/login":
            return self._login(command, session)
        if not session.logged_in:
            return _Outcome([["!fatal", NOT_LOGGED_IN]], close=True)
        if command.path == "/quit":
            return _Outcome([["!fatal", SESSION_TERMINATED]], close=True)
        if command.path == "/cancel":
            # Every command here finishes before the next is read: nothing is left to cancel.
            return _Outcome([["!done"]])
        try:
            trap = self.faults.take_trap(command.path)
            if trap is not None:
                raise trap
            if self.read_only and command.verb not in READ_VERBS:
                raise Trap(NOT_ENOUGH_PERMISSIONS)
            sentences = execute(self._state, command)
        except Trap as trap:
            return _Outcome(_trap_sentences(trap))
        added = command.verb == "add"
        if added and command.menu == "/ip/hotspot/user":
            self.stats.adds += 1
        return _Outcome(sentences, added=added)

    def _login(self, command: Command, session: _Session) -> _Outcome:
        name = command.attributes.get("name")
        password = command.attributes.get("password")
        # Only the plain login of RouterOS 6.43+; the old MD5 challenge is gone since 6.45.1.
        accepted = (
            name is not None
            and password is not None
            and hmac.compare_digest(to_bytes(name), to_bytes(self._username))
            and hmac.compare_digest(to_bytes(password), to_bytes(self._password))
            and not self.faults.take_refuse_login()
        )
        if not accepted:
            self.stats.failed_logins += 1
            # The router keeps the connection for another try (see MAX_SENTENCES_BEFORE_LOGIN).
            return _Outcome(_trap_sentences(Trap(self.faults.login_refusal)))
        session.logged_in = True
        self.stats.logins += 1
        return _Outcome([["!done"]])

    async def _reply(
        self, writer: asyncio.StreamWriter, command: Command, outcome: _Outcome
    ) -> bool:
        """Write the reply; False when a fault cut the connection instead."""
        if outcome.added and self.faults.take_lose_add_reply():
            logger.debug("router simulator: losing an add reply (fault)")
            return False
        if self.faults.reply_delay > 0:
            await asyncio.sleep(self.faults.reply_delay)
        encoded = [_encode(sentence, command.tag) for sentence in outcome.sentences]
        if command.path != "/login" and self.faults.take_drop_mid_reply():
            logger.debug("router simulator: dropping a connection mid-reply (fault)")
            writer.write(encoded[0] if len(encoded) > 1 else encoded[0][: len(encoded[0]) // 2])
            await writer.drain()
            return False
        writer.write(b"".join(encoded))
        await writer.drain()
        return True
