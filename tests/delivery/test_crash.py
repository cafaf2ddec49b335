"""SIGKILL the bot at each point between approval and delivery, restart it, count what came out.

The bot runs as a real child process (`python -m bot.cli run`), configured only through
HOTSPOT_* variables, against a Telegram emulator, a RouterOS simulator and an SMTP sink that
live in this test process. Requests are approved through the real use cases in the shared
SQLite database while the bot runs. Faults of the stand-ins hold the bot inside each window
until it is killed; then the bot is started again and the test counts, per request, the
router users carrying its ticket number, the credentials emails and the chat copies.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiosmtpd.smtp import Envelope

from bot.clock import SystemClock
from bot.demo.stage import ADMIN_ID, HEAD_ID, ROUTER_PASSWORD, ROUTER_USER
from bot.dialog.context import DeskContext
from bot.emulator import BotApiEmulator
from bot.mail.sink import SmtpSink
from bot.runtime import desk_context
from db.migrate import upgrade
from db.repositories.outbox import PENDING
from db.uow import Database
from provisioning.simulator import RouterSimulator
from tests.delivery.process import BotProcess, bot_environment, settings_from, until
from tests.delivery.support import NIK, Request, approved

FIRST_APPLICANT = 5001


@dataclass
class Outside:
    """Everything the bot talks to, plus the shared database."""

    workdir: Path
    emulator: BotApiEmulator
    router: RouterSimulator
    mail: SmtpSink
    db: Database
    ctx: DeskContext
    bot: BotProcess
    # Called with each message the sink has just stored, before it answers 250.
    on_store: list[Callable[[Envelope], Awaitable[None]]] = field(default_factory=list)
    applicants: int = FIRST_APPLICANT
    applicants_of: dict[int, int] = field(default_factory=dict)

    def new_applicant(self) -> int:
        self.applicants += 1
        self.emulator.add_user(self.applicants, "Pemohon", str(self.applicants))
        return self.applicants

    async def closed(self, request: Request) -> bool:
        async with self.ctx.unit() as uow:
            ticket = await uow.tickets.get(request.ticket_id)
            return ticket is not None and ticket.status == "closed"

    async def chat_recorded(self, request: Request) -> bool:
        async with self.ctx.unit() as uow:
            account = await uow.accounts.for_ticket(request.ticket_id)
            return account is not None and account.chat_sent_at is not None

    async def email_job_error(self, request: Request) -> str | None:
        async with self.ctx.unit() as uow:
            job = await uow.outbox.by_key(f"email:{request.ticket_id}:credentials")
            return job.last_error if job is not None and job.status == PENDING else None

    def count(self, request: Request) -> Counts:
        marker = f"email-{request.ticket_id}-credentials"
        ids = [
            str(m.message["Message-ID"])
            for m in self.mail.messages
            if marker in str(m.message["Message-ID"])
        ]
        chats = [
            m
            for m in self.emulator.messages_to(self.applicants_of[request.ticket_id])
            if "Kata sandi:" in m.plain
        ]
        return Counts(
            users=sum(request.number in u.get("comment", "") for u in self.router.users),
            emails=len(ids),
            message_ids=len(set(ids)),
            chat_copies=len(chats),
        )


@dataclass(frozen=True)
class Counts:
    users: int
    emails: int
    message_ids: int
    chat_copies: int


@pytest.fixture
async def outside(tmp_path: Path) -> AsyncIterator[Outside]:
    emulator = BotApiEmulator()
    router = RouterSimulator(
        username=ROUTER_USER,
        password=ROUTER_PASSWORD,
        profiles=("default", "tamu", "mitra", "peserta"),
        servers=("hotspot1",),
    )
    mail = SmtpSink(tmp_path / "mail")
    await emulator.start()
    await router.start()
    await mail.start()
    emulator.add_user(ADMIN_ID, "Admin", "PTIPD")
    emulator.add_user(HEAD_ID, "Kepala", "PTIPD")
    url = f"sqlite+aiosqlite:///{tmp_path / 'hotspot-desk.db'}"
    environment = bot_environment(emulator, router, mail, url)
    await upgrade(url)
    db = Database(url)
    ctx = desk_context(settings_from(environment), db, SystemClock())
    world = Outside(tmp_path, emulator, router, mail, db, ctx, BotProcess(tmp_path, environment))

    store = mail._store

    async def store_then_hooks(envelope: Envelope) -> None:
        await store(envelope)
        for hook in list(world.on_store):
            await hook(envelope)

    mail._store = store_then_hooks  # type: ignore[method-assign]
    try:
        yield world
    finally:
        await world.bot.stop()
        await db.dispose()
        await mail.stop()
        await router.stop()
        await emulator.stop()


class Hold:
    """Makes the sink keep a stored message's 250 until released: the message is with the
    server, the bot has not heard so."""

    def __init__(self) -> None:
        self.stored = asyncio.Event()
        self.release = asyncio.Event()

    async def __call__(self, envelope: Envelope) -> None:
        if not self.stored.is_set():
            self.stored.set()
            await self.release.wait()


class HoldChat:
    """Once the credentials email is stored, Telegram holds every sendMessage: before
    carrying it out, or (`after`) after carrying it out but before answering."""

    def __init__(self, world: Outside, *, after: bool = False) -> None:
        self.world = world
        self.after = after
        self.calls_at_email: int | None = None

    async def __call__(self, envelope: Envelope) -> None:
        if self.calls_at_email is None:
            self.calls_at_email = self.world.emulator.calls["sendMessage"]
            self.world.emulator.delay(30.0, method="sendMessage", after=self.after)

    def inside(self) -> bool:
        return (
            self.calls_at_email is not None
            and self.world.emulator.calls["sendMessage"] > self.calls_at_email
        )


async def _approve(world: Outside, devices: int = 1) -> Request:
    user_id = world.new_applicant()
    request = await approved(world.ctx, user_id, devices=devices)
    world.applicants_of[request.ticket_id] = user_id
    return request


def _passwords(world: Outside) -> set[str]:
    found: set[str] = set()
    for received in world.mail.messages:
        body = received.message.get_body(("plain",))
        assert body is not None
        found.update(re.findall(r"Kata sandi: (\S+)", body.get_content()))
    return found


async def test_a_killed_bot_ends_with_one_account_and_one_email_per_request(
    outside: Outside,
) -> None:
    world = outside
    results: list[tuple[str, Counts, int, int]] = []
    await world.bot.start()

    async def finish(
        name: str, request: Request, expected_emails: int = 1, expected_chats: int = 1
    ) -> None:
        await world.bot.start()
        await until(lambda: world.closed(request), 40, f"{name}: delivered after the restart")
        # Let a second copy show itself if one were on its way.
        await asyncio.sleep(0.5)
        results.append((name, world.count(request), expected_emails, expected_chats))

    # 1. The approval is committed while the bot is down: nothing was claimed yet.
    await world.bot.kill()
    request = await _approve(world)
    await finish("approved while the bot was down", request)

    # 2-4. Inside the router conversation (the simulator answers 3 s late).
    stats = world.router.stats
    router_points = (
        (
            "router: profile lookup sent, no answer yet",
            lambda: stats.commands["/ip/hotspot/user/profile/print"],
            1,
        ),
        (
            "router: derived profile added, no answer yet",
            lambda: stats.commands["/ip/hotspot/user/profile/add"],
            3,
        ),
        ("router: user added, its reply not yet written", lambda: stats.adds, 1),
    )
    for name, counter, devices in router_points:
        before = counter()
        world.router.faults.reply_delay = 3.0
        request = await _approve(world, devices=devices)
        await until(lambda c=counter, b=before: c() > b, 20, name)
        await world.bot.kill()
        world.router.faults.reply_delay = 0.0
        await finish(name, request)

    # 5. Provisioned; the mail server answers 451, the email job waits for its retry.
    world.mail.faults.fail_next("DATA", 451, "4.3.0 Try again later", times=10_000)
    request = await _approve(world)

    async def deferred(r: Request = request) -> bool:
        error = await world.email_job_error(r)
        return error is not None and "451" in error and await world.chat_recorded(r)

    await until(deferred, 20, "the 451 retry, with the chat copy recorded")
    await world.bot.kill()
    world.mail.faults.clear()
    await finish("email: 451 received, retry pending", request)

    # 6. The server has the message, the bot has not yet heard its 250.
    hold = Hold()
    world.on_store.append(hold)
    request = await _approve(world)
    await until(hold.stored.is_set, 20, "the email stored by the server")
    await world.bot.kill()
    hold.release.set()
    world.on_store.remove(hold)
    await finish("email: accepted by the server, 250 not yet read", request, expected_emails=2)

    # 7. The email went out; the chat copy is in flight at Telegram.
    chat = HoldChat(world)
    world.on_store.append(chat)
    request = await _approve(world)
    await until(chat.inside, 20, "the chat copy in flight")
    await world.bot.kill()
    world.on_store.remove(chat)
    world.emulator.clear_faults()
    await finish("chat: email accepted, chat copy in flight", request)

    # 8. Telegram has carried out the chat copy; the bot has not yet read the answer.
    chat = HoldChat(world, after=True)
    world.on_store.append(chat)
    request = await _approve(world)
    await until(chat.inside, 20, "the chat copy carried out")
    await until(lambda r=request: world.count(r).chat_copies == 1, 20, "the copy at Telegram")
    await world.bot.kill()
    world.on_store.remove(chat)
    world.emulator.clear_faults()
    await finish("chat: sent by Telegram, answer not yet read", request, expected_chats=2)

    await world.bot.stop()
    print("\nkill point                                        users emails ids chats")
    for name, counts, _, _ in results:
        print(
            f"{name:50} {counts.users:5} {counts.emails:6} {counts.message_ids:3}"
            f" {counts.chat_copies:5}"
        )
    for name, counts, expected_emails, expected_chats in results:
        assert counts.users == 1, name
        assert counts.message_ids == 1, name
        assert counts.emails == expected_emails, name
        assert counts.chat_copies == expected_chats, name
    assert len(world.router.users) == len(results)
    assert world.bot.runs == len(results) + 1
    logs = world.bot.logs()
    assert "Hotspot Desk is running" in logs
    secrets = {*_passwords(world), NIK, ROUTER_PASSWORD, world.emulator.token}
    leaked = [secret for secret in secrets if secret in logs]
    assert not leaked, "secrets in the bot's log"


async def test_a_restarted_bot_takes_its_killed_predecessors_job_at_once(
    outside: Outside,
) -> None:
    """SIGKILL while the router adds the user, start again: the new process sees that the
    lease's holder is gone (same host, its pid ended) and does not wait out the lease."""
    world = outside
    world.bot.environment["HOTSPOT_OUTBOX_LEASE_SECONDS"] = "60"  # the default
    loop = asyncio.get_running_loop()
    stored: dict[str, float] = {}

    async def note_arrival(envelope: Envelope) -> None:
        for request_id in re.findall(rb"email-(\d+)-credentials", envelope.content or b""):
            stored.setdefault(request_id.decode(), loop.time())

    world.on_store.append(note_arrival)
    await world.bot.start()
    await until(lambda: "Hotspot Desk is running" in world.bot.logs(), 30, "the bot running")
    figures: list[tuple[float, float]] = []
    for _ in range(3):
        before = world.router.stats.adds
        # A router answering in half a second: the kill lands while the add is answered.
        world.router.faults.reply_delay = 0.5
        pressed = loop.time()
        request = await _approve(world)
        await until(lambda b=before: world.router.stats.adds > b, 20, "the router's add")
        await world.bot.kill()
        killed = loop.time()
        world.router.faults.reply_delay = 0.0
        async with world.ctx.unit() as uow:
            job = await uow.outbox.by_key(f"provision:{request.ticket_id}")
            assert job is not None and job.locked_until is not None and job.locked_by
            lease_end = loop.time() + (job.locked_until - uow.now).total_seconds()
        await world.bot.start()
        key = str(request.ticket_id)
        await until(lambda k=key: k in stored, 60, "the credentials email after the restart")
        await until(lambda r=request: world.closed(r), 20, "the ticket closed")
        # Taken over while the dead process's lease still ran, not after it.
        assert stored[key] < lease_end
        figures.append((stored[key] - pressed, stored[key] - killed))
        counts = world.count(request)
        assert (counts.users, counts.message_ids, counts.chat_copies) == (1, 1, 1)
    print("\npress -> email, kill -> email (s):", [f"{a:.2f}/{b:.2f}" for a, b in figures])
