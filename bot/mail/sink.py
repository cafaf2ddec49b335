"""A local SMTP server that keeps every message as an ``.eml`` file.

It stands in for the real mail server in ``hotspot-desk demo`` and in tests.
It runs inside the caller's event loop (``loop.create_server`` with aiosmtpd's
``SMTP`` protocol) rather than in aiosmtpd's threaded ``Controller``, so the bot
and its sink share one loop and the tests need no threads.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import fnmatch
import logging
import os
import re
import ssl
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from types import TracebackType
from typing import Any, AnyStr, Literal, NamedTuple, Self

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from bot.mail.sender import SmtpSecurity

log = logging.getLogger(__name__)

FaultCommand = Literal["MAIL", "RCPT", "DATA"]

_FILE_UNSAFE = re.compile(r"[^A-Za-z0-9@._-]+")
_COUNTER_PREFIX = re.compile(r"^(\d+)-")
_REPLY_TEXT = re.compile(r"^[\x20-\x7e]*$")
_UNICODE_ADDRESS = "553 5.6.7 Must declare SMTPUTF8 to send unicode address"
_POSTFIX_WORDING = {
    # aiosmtpd with enable_SMTPUTF8=False, on a command line with non-ASCII bytes.
    "500 Error: strict ASCII mode": _UNICODE_ADDRESS,
    "501 Error: SMTPUTF8 disabled": "555 5.5.4 Unsupported option: SMTPUTF8",
}


class ReceivedMessage(NamedTuple):
    path: Path
    message: EmailMessage
    mail_from: str
    rcpt_tos: list[str]


@dataclass
class _ReplyFault:
    code: int
    text: str
    remaining: int

    @property
    def reply(self) -> str:
        return f"{self.code} {self.text}"


@dataclass
class SinkFaults:
    """Failures to inject, consumed in order, so tests can script a bad server."""

    _replies: dict[str, deque[_ReplyFault]] = field(default_factory=dict)
    _drops: dict[str, int] = field(default_factory=dict)
    _refused: list[tuple[str, str]] = field(default_factory=list)

    def fail_next(self, command: FaultCommand, code: int, text: str, *, times: int = 1) -> None:
        """Answer the next ``times`` ``command``\\ s with ``code text``.

        A DATA fault answers after the whole message was read, as real servers do.
        """
        if not 400 <= code < 600:
            raise ValueError("a fault reply needs a 4xx or 5xx code")
        if not _REPLY_TEXT.match(text):
            raise ValueError("reply text must be printable ASCII on one line")
        _check_times(times)
        self._replies.setdefault(command, deque()).append(_ReplyFault(code, text, times))

    def refuse_recipient(
        self, pattern: str, code: int = 550, text: str = "5.1.1 Mailbox unavailable"
    ) -> None:
        """Refuse every RCPT whose address matches the glob ``pattern`` (any case).

        ``{address}`` in ``text`` becomes the refused address, as servers echo it.
        """
        if not 400 <= code < 600:
            raise ValueError("a refusal needs a 4xx or 5xx code")
        if not _REPLY_TEXT.match(text):
            raise ValueError("reply text must be printable ASCII on one line")
        self._refused.append((pattern.lower(), f"{code} {text}"))

    def deny_relay(self, pattern: str = "*") -> None:
        """Refuse matching RCPTs as Postfix refuses a domain it will not relay to
        (``smtpd_relay_restrictions`` ending in ``reject_unauth_destination``)."""
        self.refuse_recipient(pattern, 554, "5.7.1 <{address}>: Relay access denied")

    def drop(self, command: FaultCommand = "DATA", *, times: int = 1) -> None:
        """Cut the connection, without a reply, at the next ``times`` ``command``\\ s."""
        _check_times(times)
        self._drops[command] = self._drops.get(command, 0) + times

    def clear(self) -> None:
        self._replies.clear()
        self._drops.clear()
        self._refused.clear()

    def _take_drop(self, command: str) -> bool:
        left = self._drops.get(command, 0)
        if left:
            self._drops[command] = left - 1
        return left > 0

    def _take_reply(self, command: str) -> str | None:
        queue = self._replies.get(command)
        if not queue:
            return None
        fault = queue[0]
        fault.remaining -= 1
        if fault.remaining == 0:
            queue.popleft()
        return fault.reply

    def _refusal(self, address: str) -> str | None:
        lowered = address.lower()
        for pattern, reply in self._refused:
            if fnmatch.fnmatchcase(lowered, pattern):
                return reply.replace("{address}", address)
        return None


class SmtpSink:
    """An SMTP server writing each accepted message to ``directory``.

    ``security`` is "starttls" (offer STARTTLS) or "tls" (TLS from the first
    byte); both need ``ssl_context``, a server-side context with its
    certificate loaded. With ``credentials`` a client must AUTH before MAIL.

    ``smtputf8`` says whether the server offers SMTPUTF8 (RFC 6531); it is read
    at each connection, so a test may switch it on a running sink. Either way a
    non-ASCII address in MAIL or RCPT without the SMTPUTF8 parameter is refused
    as Postfix refuses it (``553 5.6.7``); with it off, the parameter itself is
    refused (``555 5.5.4``), as Postfix with ``smtputf8_enable = no`` does.
    """

    def __init__(
        self,
        directory: Path,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        security: SmtpSecurity = "none",
        ssl_context: ssl.SSLContext | None = None,
        credentials: tuple[str, str] | None = None,
        hostname: str = "hotspot-desk-sink",
        smtputf8: bool = True,
    ) -> None:
        if security != "none" and ssl_context is None:
            raise ValueError(f"security={security!r} needs an ssl_context")
        self.directory = directory
        self.host = host
        self._port = port
        self._security = security
        self._ssl_context = ssl_context
        self._credentials = credentials
        self._hostname = hostname
        self.smtputf8 = smtputf8
        self.faults = SinkFaults()
        self.messages: list[ReceivedMessage] = []
        self._server: asyncio.Server | None = None
        self._connections: set[_SinkSMTP] = set()
        self._arrived = asyncio.Condition()
        self._counter = 1

    @property
    def port(self) -> int:
        """The bound port once started (useful with ``port=0``)."""
        return self._port

    async def start(self) -> None:
        if self._server is not None:
            raise RuntimeError("sink already started")
        # aiosmtpd logs every command (addresses included) at INFO and every
        # DATA line at DEBUG: the lines carry the credentials we mail out.
        smtp_log = logging.getLogger("mail.log")
        smtp_log.setLevel(max(smtp_log.level, logging.WARNING))
        await asyncio.to_thread(self.directory.mkdir, parents=True, exist_ok=True)
        self._counter = await asyncio.to_thread(_next_counter, self.directory)
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            lambda: self._make_protocol(loop),
            self.host,
            self._port,
            ssl=self._ssl_context if self._security == "tls" else None,
        )
        self._port = self._server.sockets[0].getsockname()[1]
        log.info(
            "SMTP sink listening on %s:%d, writing to %s", self.host, self._port, self.directory
        )

    async def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.close()
        # Python 3.11's Server.close leaves accepted connections open.
        tasks = [task for conn in list(self._connections) if (task := conn.close_now()) is not None]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=2)
        await server.wait_closed()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # A timeout argument, unlike the usual asyncio.timeout() around the call,
    # because a sink that never receives must fail a test quickly by default.
    async def wait_for(
        self,
        count: int,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[ReceivedMessage]:
        """Wait until at least ``count`` messages have arrived; return them all."""
        async with asyncio.timeout(timeout), self._arrived:
            await self._arrived.wait_for(lambda: len(self.messages) >= count)
        return list(self.messages)

    def _make_protocol(self, loop: asyncio.AbstractEventLoop) -> _SinkSMTP:
        user, password = self._credentials or ("", "")
        return _SinkSMTP(
            _Handler(self),
            on_lost=self._connections.discard,
            on_made=self._connections.add,
            hostname=self._hostname,
            enable_SMTPUTF8=self.smtputf8,
            tls_context=self._ssl_context if self._security == "starttls" else None,
            # aiosmtpd only knows about TLS it negotiated itself (STARTTLS);
            # on implicit TLS, and on the plain local demo, AUTH is allowed as is.
            auth_require_tls=self._security == "starttls",
            authenticator=_Authenticator(user, password) if self._credentials else None,
            loop=loop,
        )

    async def _store(self, envelope: Envelope) -> None:
        # CRLF is the wire's line ending; the email package and text editors
        # both want the local one, so the file and the parsed copy use "\n".
        content = (envelope.original_content or b"").replace(b"\r\n", b"\n")
        message = email.message_from_bytes(content, policy=email.policy.default)
        stem = _FILE_UNSAFE.sub("_", str(message.get("Message-ID", "")).strip(" <>"))[:80]
        number, self._counter = self._counter, self._counter + 1
        name = f"{number:06d}-{stem or 'no-message-id'}.eml"
        path = await asyncio.to_thread(_write_file, self.directory / name, content)
        received = ReceivedMessage(path, message, envelope.mail_from or "", list(envelope.rcpt_tos))
        async with self._arrived:
            self.messages.append(received)
            self._arrived.notify_all()


class _SinkSMTP(SMTP):
    """aiosmtpd's protocol, made known to the sink so that stop() can close it."""

    def __init__(
        self,
        handler: _Handler,
        *,
        on_made: Callable[[_SinkSMTP], None],
        on_lost: Callable[[_SinkSMTP], None],
        **kwargs: Any,
    ) -> None:
        super().__init__(handler, **kwargs)
        self._on_made = on_made
        self._on_lost = on_lost

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self._on_made(self)

    def connection_lost(self, error: Exception | None) -> None:
        self._on_lost(self)
        super().connection_lost(error)

    async def push(self, status: AnyStr) -> None:
        # aiosmtpd's own wording for SMTPUTF8 refusals, replaced by Postfix's
        # (smtpd.c), so that what a client sees matches the server it stands for.
        if isinstance(status, str):
            status = _POSTFIX_WORDING.get(status, status)
        await super().push(status)

    def close_now(self) -> asyncio.Task[None] | None:
        """Abort the connection; return the task serving it, if any."""
        transport = self.transport
        if isinstance(transport, asyncio.WriteTransport):
            transport.abort()
        elif transport is not None:
            transport.close()
        task: asyncio.Task[None] | None = self._handler_coroutine
        return task


class _Handler:
    """aiosmtpd hooks: store messages and play the scripted faults."""

    def __init__(self, sink: SmtpSink) -> None:
        self._sink = sink

    async def handle_MAIL(
        self,
        server: _SinkSMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        mail_options: list[str],
    ) -> str:
        await self._maybe_drop(server, "MAIL")
        if self._sink._credentials is not None and not session.authenticated:
            return "530 5.7.0 Authentication required"
        if (reply := self._sink.faults._take_reply("MAIL")) is not None:
            return reply
        if not address.isascii() and not envelope.smtp_utf8:
            return _UNICODE_ADDRESS
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(
        self,
        server: _SinkSMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        await self._maybe_drop(server, "RCPT")
        faults = self._sink.faults
        if (reply := faults._refusal(address) or faults._take_reply("RCPT")) is not None:
            return reply
        if not address.isascii() and not envelope.smtp_utf8:
            return _UNICODE_ADDRESS
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server: _SinkSMTP, session: Session, envelope: Envelope) -> str:
        await self._maybe_drop(server, "DATA")
        if (reply := self._sink.faults._take_reply("DATA")) is not None:
            return reply
        try:
            await self._sink._store(envelope)
        except OSError as exc:
            log.warning("SMTP sink could not store a message: %s", type(exc).__name__)
            return "451 4.3.0 Could not store the message"
        return "250 OK: message accepted"

    async def _maybe_drop(self, server: _SinkSMTP, command: str) -> None:
        if self._sink.faults._take_drop(command):
            server.close_now()
            # Wait to be cancelled by connection_lost, as on a real reset.
            await server.loop.create_future()


class _Authenticator:
    def __init__(self, user: str, password: str) -> None:
        self._user = user.encode()
        self._password = password.encode()

    def __call__(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == self._user
            and auth_data.password == self._password
        )
        # handled=False: let aiosmtpd send its own 535 on failure.
        return AuthResult(success=ok, handled=False)


def _check_times(times: int) -> None:
    if times < 1:
        raise ValueError("times must be at least 1")


def _next_counter(directory: Path) -> int:
    # Continue numbering after an earlier run so the files keep arrival order.
    numbers = (
        int(match.group(1))
        for entry in os.scandir(directory)
        if (match := _COUNTER_PREFIX.match(entry.name))
    )
    return max(numbers, default=0) + 1


def _write_file(path: Path, content: bytes) -> Path:
    # Write then rename, so a reader watching the directory never sees half a file.
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(content)
    os.replace(partial, path)
    return path
