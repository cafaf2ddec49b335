"""The RouterOS API client of the product: hotspot users and sessions on a MikroTik router.

It wraps routeros-api, which is synchronous and not thread-safe: one connection, opened on
first use, is kept behind a lock and every call runs in a worker thread (`asyncio.to_thread`),
so the event loop never waits on the router. After any connection or parsing failure the
connection is dropped, so that the next call (usually the outbox job's retry) reconnects.

Errors come in three kinds, which is what a retrying caller needs to know:
`RouterTemporaryError` (unreachable, reset, timed out, interrupted, session ended: try again
later), `RouterPermanentError` (the router understood and said no: login refused, unknown
profile, duplicate name, missing rights...; retrying the same request will not help) and
`RouterUnknownError` (a temporary error for what the classifier does not know: a `!trap` or
`!fatal` text missing from `provisioning.router_traps.TRAP_TABLE`, or a reply routeros-api
could not read). The router's texts are sorted by that one table; `verdict` on each error
says which entry matched, so callers test `error.verdict`, never the wording.

No error raised here carries a password: routeros-api puts the whole command sentence, with
`=password=`, into its own exception messages, so those are never chained or repeated.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import routeros_api
from routeros_api import exceptions as ros_errors

from provisioning.router_traps import Verdict, classify

T = TypeVar("T")

API_PORT = 8728
API_TLS_PORT = 8729

USERS_MENU = "/ip/hotspot/user"
PROFILES_MENU = "/ip/hotspot/user/profile"
ACTIVE_MENU = "/ip/hotspot/active"
COOKIE_MENU = "/ip/hotspot/cookie"
RESOURCE_MENU = "/system/resource"

# Only what HotspotUser needs; never the password, so it never travels back over the wire.
USER_PROPLIST = ".id,name,profile,comment,email,disabled,server,limit-uptime"
# routeros-api cannot parse a `!fatal` sentence: the router's text there is a bare word, not
# `=key=value`, and the parser gives up on it with this message, carrying the word.
MALFORMED_WORD = "Malformed attribute %s"


class RouterError(Exception):
    """Something went wrong talking to the router.

    `router_message` is the router's own `!trap` or `!fatal` text when there was one (never a
    password); `verdict` is what `provisioning.router_traps.classify` made of it.
    """

    def __init__(
        self, message: str, router_message: str | None = None, verdict: Verdict | None = None
    ) -> None:
        super().__init__(message)
        self.router_message = router_message
        self.verdict = verdict


class RouterTemporaryError(RouterError):
    """The router could not be reached or the conversation broke: retry later."""


class RouterUnknownError(RouterTemporaryError):
    """A failure the classifier has no entry for: retried, and told to the admins at once."""


class RouterPermanentError(RouterError):
    """The router refused the request; the same request will be refused again."""


class RouterLoginError(RouterPermanentError):
    """The router refused the configured user name and password."""


@dataclass(frozen=True)
class RouterConfig:
    """How to reach the router's API service.

    TLS (`use_tls`, the `api-ssl` service, port 8729): with `tls_verify` the router's
    certificate must chain to a trusted CA and name `host`. A router's certificate is usually
    self-signed, so trust it explicitly rather than turning verification off:

    1. on the router, create and sign a certificate whose common name / subject alt name is
       the address the bot uses (`/certificate add name=api common-name=10.0.0.1
       subject-alt-name=IP:10.0.0.1`, then `/certificate sign api`), and select it with
       `/ip service set api-ssl certificate=api`;
    2. export it (`/certificate export-certificate api`), download the `.crt` from Files;
    3. point `ca_file` at that file. Only that certificate is then trusted for this router.

    `tls_verify=False` encrypts without checking who answers; use it only on a trusted link.
    """

    host: str
    port: int | None = None
    username: str = "admin"
    password: str = field(default="", repr=False)
    use_tls: bool = False
    tls_verify: bool = True
    ca_file: str | None = None
    timeout: float = 10.0
    hotspot_server: str = "all"

    @property
    def resolved_port(self) -> int:
        if self.port is not None:
            return self.port
        return API_TLS_PORT if self.use_tls else API_PORT

    def ssl_context(self) -> ssl.SSLContext | None:
        if not self.use_tls:
            return None
        context = ssl.create_default_context(cafile=self.ca_file)
        if not self.tls_verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return context


@dataclass(frozen=True)
class UserSpec:
    """A hotspot user to create. `server=None` means the configured hotspot server."""

    name: str
    password: str = field(repr=False)
    profile: str = "default"
    server: str | None = None
    comment: str = ""
    email: str | None = None
    limit_uptime: str | None = None


@dataclass(frozen=True)
class HotspotUser:
    router_id: str
    name: str
    profile: str
    comment: str
    email: str | None
    disabled: bool
    server: str
    limit_uptime: str | None

    @classmethod
    def from_row(cls, row: Mapping[str, str]) -> HotspotUser:
        return cls(
            router_id=row["id"],
            name=row.get("name", ""),
            profile=row.get("profile", "default"),
            comment=row.get("comment", ""),
            email=row.get("email") or None,
            disabled=row.get("disabled", "false") in ("true", "yes"),
            server=row.get("server", "all"),
            limit_uptime=row.get("limit-uptime") or None,
        )


def _trap_text(error: ros_errors.RouterOsApiCommunicationError) -> str:
    original = error.original_message
    if isinstance(original, bytes):
        return original.decode("utf-8", "replace")
    return str(original)


def router_said(text: str, *, ended: bool = False, at_login: bool = False) -> RouterError:
    """The error for a router's own text: a `!trap` message, or with `ended` a `!fatal` one.

    The class follows `classify(text)`: LOGIN_REFUSED -> RouterLoginError, TEMPORARY ->
    RouterTemporaryError, UNKNOWN -> RouterUnknownError, anything else RouterPermanentError.
    The message always quotes the text, so an alert says what the router said.
    """
    verdict = classify(text)
    said = "ended the session" if ended else "said"
    if verdict is Verdict.LOGIN_REFUSED:
        return RouterLoginError(f"router login refused: {text}", text, verdict)
    if verdict is Verdict.TEMPORARY:
        return RouterTemporaryError(f"router {said} (temporary): {text}", text, verdict)
    if verdict is Verdict.UNKNOWN:
        return RouterUnknownError(f"router {said} something unrecognised: {text}", text, verdict)
    if at_login:
        return RouterPermanentError(f"router refused the API login: {text}", text, verdict)
    return RouterPermanentError(f"router refused: {text}", text, verdict)


def _fatal_text(error: BaseException) -> str | None:
    """The router's `!fatal` text, when routeros-api stumbled over one."""
    if (
        isinstance(error, ros_errors.RouterOsApiParsingError)
        and len(error.args) == 2
        and error.args[0] == MALFORMED_WORD
        and isinstance(error.args[1], bytes)
    ):
        return error.args[1].decode("utf-8", "replace")
    return None


def _broken(error: BaseException, *, connecting: bool = False) -> RouterError:
    """The error for a conversation that broke: the router ended it, the link failed (both
    temporary, unless the router's `!fatal` text is unknown), or a reply was not understood."""
    fatal = _fatal_text(error)
    if fatal is not None:
        return router_said(fatal, ended=True, at_login=connecting)
    doing = "cannot connect to router" if connecting else "router connection failed"
    if isinstance(error, ros_errors.RouterOsApiConnectionError | OSError):
        return RouterTemporaryError(f"{doing} ({_failure(error)})")
    return RouterUnknownError(f"{doing}: reply not understood ({_failure(error)})")


def _failure(error: BaseException) -> str:
    # Only the exception's type for the library's own errors: their text may hold a sentence.
    if isinstance(error, ros_errors.RouterOsApiError) and not isinstance(
        error, ros_errors.RouterOsApiConnectionError
    ):
        return type(error).__name__
    return f"{type(error).__name__}: {error}"


def _send_small_writes_at_once(pool: Any) -> None:
    # routeros-api writes each word with its own send; with Nagle's algorithm on, every word
    # after the first waits for the router's delayed ACK (about 40 ms a command on Linux).
    raw = getattr(pool.socket, "socket", None)
    if isinstance(raw, socket.socket):
        with contextlib.suppress(OSError):
            raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class RouterClient:
    def __init__(self, config: RouterConfig) -> None:
        self.config = config
        self._lock = threading.Lock()
        self._pool: Any = None
        self._api: Any = None

    # Hotspot users.

    async def find_user(self, name: str) -> HotspotUser | None:
        """The user with this name (on the configured server first, else on any)."""
        rows = await self._run(self._print, USERS_MENU, {"name": name}, USER_PROPLIST)
        users = [HotspotUser.from_row(row) for row in rows]
        preferred = [user for user in users if user.server == self.config.hotspot_server]
        candidates = preferred or users
        return candidates[0] if candidates else None

    async def list_users(self) -> list[HotspotUser]:
        rows = await self._run(self._print, USERS_MENU, {}, USER_PROPLIST)
        return [HotspotUser.from_row(row) for row in rows]

    async def add_user(self, spec: UserSpec) -> str:
        """Create the user; its router id (`*1A`)."""
        arguments = {
            "name": spec.name,
            "password": spec.password,
            "profile": spec.profile,
            "server": spec.server or self.config.hotspot_server,
        }
        if spec.comment:
            arguments["comment"] = spec.comment
        if spec.email:
            arguments["email"] = spec.email
        if spec.limit_uptime:
            arguments["limit-uptime"] = spec.limit_uptime
        return await self._run(self._add, USERS_MENU, arguments)

    async def set_password(self, router_id: str, password: str) -> None:
        await self._run(self._call, USERS_MENU, "set", {".id": router_id, "password": password})

    async def set_comment(self, router_id: str, comment: str) -> None:
        await self._run(self._call, USERS_MENU, "set", {".id": router_id, "comment": comment})

    async def disable_user(self, router_id: str) -> None:
        await self._run(self._call, USERS_MENU, "disable", {".id": router_id})

    async def enable_user(self, router_id: str) -> None:
        await self._run(self._call, USERS_MENU, "enable", {".id": router_id})

    async def remove_user(self, router_id: str) -> None:
        await self._run(self._call, USERS_MENU, "remove", {".id": router_id})

    # User profiles (where RouterOS keeps `shared-users`).

    async def find_profile(self, name: str) -> dict[str, str] | None:
        """Every property of the user profile `name` (its router id under "id"), or None."""
        rows = await self._run(self._print, PROFILES_MENU, {"name": name}, None)
        return rows[0] if rows else None

    async def add_profile(self, name: str, properties: Mapping[str, str]) -> str:
        return await self._run(self._add, PROFILES_MENU, {"name": name, **properties})

    async def set_profile(self, router_id: str, properties: Mapping[str, str]) -> None:
        await self._run(self._call, PROFILES_MENU, "set", {".id": router_id, **properties})

    # Sessions.

    async def drop_sessions(self, name: str) -> int:
        """Log the user out everywhere: remove their active sessions and login cookies.

        Returns how many entries were removed. An entry that vanishes meanwhile (the session
        timed out) is not an error.
        """
        return await self._run(self._drop_sessions, name)

    # The router itself.

    async def resource(self) -> dict[str, str]:
        """`/system/resource/print`: uptime, version, board-name, cpu-load, free-memory..."""
        rows = await self._run(self._print, RESOURCE_MENU, {}, None)
        return dict(rows[0]) if rows else {}

    async def close(self) -> None:
        await asyncio.to_thread(self._close)

    # The blocking side, run in a worker thread under the lock.

    async def _run(self, operation: Callable[..., T], *args: Any) -> T:
        return await asyncio.to_thread(self._locked, operation, *args)

    def _locked(self, operation: Callable[..., T], *args: Any) -> T:
        with self._lock:
            api = self._connect()
            failure: RouterError
            try:
                return operation(api, *args)
            except ros_errors.RouterOsApiCommunicationError as error:
                # A !trap: the router answered in full, so the connection stays usable.
                failure = router_said(_trap_text(error))
            except (ros_errors.RouterOsApiError, OSError) as error:
                self._disconnect()
                failure = _broken(error)
            except BaseException:
                self._disconnect()
                raise
            # Raised outside the except block, so that the library's exception (whose text
            # holds the command sentence, passwords included) is not even its __context__.
            raise failure

    def _connect(self) -> Any:
        if self._api is not None:
            return self._api
        config = self.config
        failure: RouterError
        try:
            context = config.ssl_context()
        except (OSError, ssl.SSLError) as error:
            raise RouterPermanentError(f"cannot load the router's CA file ({error})") from None
        pool = routeros_api.RouterOsApiPool(
            config.host,
            username=config.username,
            password=config.password,
            port=config.resolved_port,
            plaintext_login=True,
            ssl_context=context,
        )
        pool.set_timeout(config.timeout)
        try:
            api = pool.get_api()
        except ros_errors.RouterOsApiCommunicationError as error:
            failure = router_said(_trap_text(error), at_login=True)
        except ssl.SSLCertVerificationError as error:
            failure = RouterPermanentError(
                f"router TLS certificate not trusted ({error.verify_message}); see RouterConfig"
            )
        except (ros_errors.RouterOsApiError, OSError) as error:
            failure = _broken(error, connecting=True)
        else:
            _send_small_writes_at_once(pool)
            self._pool, self._api = pool, api
            return api
        # A login that failed leaves the socket open in routeros-api: close it here.
        pool.disconnect()
        raise failure

    def _disconnect(self) -> None:
        pool, self._pool, self._api = self._pool, None, None
        if pool is not None:
            with contextlib.suppress(OSError):
                pool.disconnect()

    def _close(self) -> None:
        with self._lock:
            self._disconnect()

    @staticmethod
    def _print(
        api: Any, menu: str, queries: Mapping[str, str], proplist: str | None
    ) -> list[dict[str, str]]:
        arguments = {".proplist": proplist} if proplist else {}
        rows = api.get_resource(menu).call("print", arguments, dict(queries))
        return [dict(row) for row in rows]

    @staticmethod
    def _add(api: Any, menu: str, arguments: Mapping[str, str]) -> str:
        response = api.get_resource(menu).call("add", dict(arguments))
        router_id = response.done_message.get("ret")
        if not isinstance(router_id, str) or not router_id:
            raise ros_errors.RouterOsApiParsingError("add answered without an id")
        return router_id

    @staticmethod
    def _call(api: Any, menu: str, command: str, arguments: Mapping[str, str]) -> None:
        api.get_resource(menu).call(command, dict(arguments))

    @classmethod
    def _drop_sessions(cls, api: Any, name: str) -> int:
        removed = 0
        for menu in (ACTIVE_MENU, COOKIE_MENU):
            for row in cls._print(api, menu, {"user": name}, ".id"):
                try:
                    cls._call(api, menu, "remove", {".id": row["id"]})
                except ros_errors.RouterOsApiCommunicationError as error:
                    if classify(_trap_text(error)) is not Verdict.GONE:
                        raise
                else:
                    removed += 1
        return removed
