"""``BotApiEmulator``: a local Telegram Bot API server for the real python-telegram-bot.

Point the bot at it with
``Application.builder().token(emu.token).base_url(emu.base_url).base_file_url(emu.base_file_url)``,
then play users through it (``add_user``, ``send_text``, ``press``...) and read what the bot
did (``sent``, ``wait_for_message``, ``callback_answers``, ``commands``, ``calls``).
Everything runs on the caller's event loop; nothing is shared between instances.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Iterable
from types import TracebackType

from aiohttp import web

from bot.emulator.api import Activity, BotApi
from bot.emulator.api_bot import scope_key
from bot.emulator.context import ApiContext
from bot.emulator.control import build_control_app
from bot.emulator.faults import Delay, Fault, FaultPlan
from bot.emulator.records import CallbackAnswer, InboundMessage, SentMessage
from bot.emulator.server import build_app
from bot.emulator.state import ChatInfo, UserInfo, World
from bot.emulator.updates import UpdateQueue
from bot.emulator.users import Users

DEFAULT_TOKEN = "123456789:TEST-TOKEN"
MessagePredicate = Callable[[SentMessage], bool]


class BotApiEmulator:
    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        host: str = "127.0.0.1",
        port: int = 0,
        bot_username: str = "hotspot_desk_bot",
        *,
        bot_first_name: str = "Hotspot Desk",
        strict_html: bool = True,
        group_privacy: bool = True,
        first_update_id: int = 1,
    ) -> None:
        self.token = token
        self.host = host
        self._requested_port = port
        self.world = World(token, bot_username, bot_first_name)
        self.queue = UpdateQueue(first_update_id)
        self.faults = FaultPlan()
        self.activity = Activity()
        self._ctx = ApiContext(self.world, self.queue, strict_html, group_privacy)
        self.api = BotApi(self._ctx, self.faults, self.activity)
        self._users = Users(self._ctx)
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

    # lifecycle

    async def start(self) -> None:
        if self._runner is not None:
            return
        app = build_app(self.api, build_control_app(self))
        # Cancelling the handler of a client that hung up drops its long poll at once.
        runner = web.AppRunner(app, access_log=None, handler_cancellation=True)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self._requested_port)
        await site.start()
        self._runner = runner
        self._port = int(runner.addresses[0][1])

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> BotApiEmulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("the emulator is not started")
        return self._port

    @property
    def root_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder.base_url``: python-telegram-bot appends the token."""
        return f"{self.root_url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.root_url}/file/bot"

    @property
    def control_url(self) -> str:
        return f"{self.root_url}/_emulator"

    # the cast

    @property
    def bot_user(self) -> UserInfo:
        return self.world.bot

    def add_user(
        self,
        user_id: int,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "id",
    ) -> UserInfo:
        return self.world.add_user(
            UserInfo(
                id=user_id,
                first_name=first_name,
                last_name=last_name,
                username=username,
                language_code=language_code,
            )
        )

    def add_group(self, chat_id: int, title: str, members: Iterable[int]) -> ChatInfo:
        return self.world.add_group(chat_id, title, set(members))

    def migrate_group(self, chat_id: int, new_chat_id: int | None = None) -> ChatInfo:
        """Upgrade the group `chat_id` to a supergroup (default id: -100 and the old digits).
        From then on every call naming the old id fails as on Telegram: 400 "Bad Request:
        group chat was upgraded to a supergroup chat" with `parameters.migrate_to_chat_id`."""
        new_id = new_chat_id if new_chat_id is not None else int(f"-100{abs(chat_id)}")
        return self.world.migrate_group(chat_id, new_id)

    def block(self, user_id: int) -> None:
        """The user blocks the bot: sends to them fail with 403 until they write again."""
        self._users.block(user_id)

    def unblock(self, user_id: int) -> None:
        self._users.unblock(user_id)

    # user actions (async so that callers need not care how delivery happens)

    async def send_text(
        self,
        user_id: int,
        text: str,
        chat_id: int | None = None,
        *,
        reply_to: SentMessage | int | None = None,
    ) -> InboundMessage:
        return self._users.text(user_id, text, chat_id=chat_id, reply_to=reply_to)

    async def edit_text(self, message: InboundMessage, text: str) -> InboundMessage:
        """The user edits their message; the bot gets ``edited_message`` if it asked for it."""
        return self._users.edit_text(message, text)

    async def edit_caption(self, message: InboundMessage, caption: str) -> InboundMessage:
        return self._users.edit_caption(message, caption)

    async def press(
        self,
        user_id: int,
        message: SentMessage | int,
        callback_data: str | None = None,
        button_text: str | None = None,
        chat_id: int | None = None,
        *,
        forge: bool = False,
    ) -> str:
        return self._users.press(
            user_id,
            message,
            callback_data=callback_data,
            button_text=button_text,
            chat_id=chat_id,
            forge=forge,
        )

    async def send_document(
        self,
        user_id: int,
        filename: str,
        content: bytes,
        mime_type: str | None = None,
        *,
        caption: str | None = None,
        chat_id: int | None = None,
    ) -> InboundMessage:
        return self._users.document(
            user_id, filename, content, mime_type, caption=caption, chat_id=chat_id
        )

    async def send_photo(
        self,
        user_id: int,
        content: bytes,
        *,
        caption: str | None = None,
        chat_id: int | None = None,
    ) -> InboundMessage:
        return self._users.photo(user_id, content, caption=caption, chat_id=chat_id)

    async def send_sticker(
        self, user_id: int, emoji: str = "👍", *, chat_id: int | None = None
    ) -> InboundMessage:
        return self._users.sticker(user_id, emoji, chat_id=chat_id)

    async def send_voice(
        self,
        user_id: int,
        content: bytes = b"OggS",
        *,
        duration: int = 1,
        mime_type: str = "audio/ogg",
        chat_id: int | None = None,
    ) -> InboundMessage:
        return self._users.voice(
            user_id, content, duration=duration, mime_type=mime_type, chat_id=chat_id
        )

    async def send_location(
        self, user_id: int, latitude: float, longitude: float, *, chat_id: int | None = None
    ) -> InboundMessage:
        return self._users.location(user_id, latitude, longitude, chat_id=chat_id)

    async def send_contact(
        self,
        user_id: int,
        phone_number: str,
        first_name: str,
        *,
        last_name: str | None = None,
        contact_user_id: int | None = None,
        chat_id: int | None = None,
    ) -> InboundMessage:
        return self._users.contact(
            user_id,
            phone_number,
            first_name,
            last_name=last_name,
            contact_user_id=contact_user_id,
            chat_id=chat_id,
        )

    async def send_forwarded(
        self,
        user_id: int,
        text: str,
        *,
        from_user_id: int | None = None,
        sender_name: str | None = None,
        chat_id: int | None = None,
    ) -> InboundMessage:
        """A forwarded text: from a known user, or (without ``from_user_id``) a hidden one."""
        return self._users.forwarded(
            user_id, text, from_user_id=from_user_id, sender_name=sender_name, chat_id=chat_id
        )

    # what the bot did

    @property
    def sent(self) -> list[SentMessage]:
        """Every message the bot sent, in order, each as it is now."""
        return self.world.sent

    @property
    def seq(self) -> int:
        """The sequence number of the bot's latest send or edit; a ``since`` mark."""
        return self.world.seq

    def messages_to(self, chat_id: int) -> list[SentMessage]:
        return [record for record in self.world.sent if record.chat_id == chat_id]

    def last_message_to(self, chat_id: int) -> SentMessage:
        messages = self.messages_to(chat_id)
        if not messages:
            raise LookupError(f"the bot sent nothing to chat {chat_id}")
        return messages[-1]

    def events_since(self, since: int, chat_id: int | None = None) -> list[SentMessage]:
        """Snapshots of sends and edits after ``since``, oldest first."""
        return [
            event
            for event in self.world.events
            if event.seq > since and (chat_id is None or event.chat_id == chat_id)
        ]

    async def wait_for_message(
        self,
        chat_id: int,
        predicate: MessagePredicate | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - a deadline for the whole wait, part of the API
        since: int | None = None,
    ) -> SentMessage:
        """Wait for a send or edit to ``chat_id`` after ``since`` (default: now) that matches.

        Returns a snapshot of the message as that send or edit left it.
        """
        mark = self.world.seq if since is None else since
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            for event in self.events_since(mark, chat_id):
                mark = event.seq
                if predicate is None or predicate(event):
                    return event
            left = deadline - loop.time()
            if left <= 0:
                recent = [m.plain[:80] for m in self.messages_to(chat_id)[-5:]]
                raise TimeoutError(
                    f"no matching message to chat {chat_id} within {timeout}s; last ones: {recent}"
                )
            await self.world.output.wait(left)

    @property
    def callback_answers(self) -> dict[str, CallbackAnswer]:
        return self.world.callback_answers

    @property
    def commands(self) -> dict[tuple[str, str], list[tuple[str, str]]]:
        """(scope JSON with sorted keys, language code or "") -> [(command, description)]."""
        return self.world.commands

    def commands_for(
        self,
        scope_type: str = "default",
        language_code: str = "",
        *,
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> list[tuple[str, str]]:
        return self.world.commands.get((scope_key(scope_type, chat_id, user_id), language_code), [])

    @property
    def calls(self) -> Counter[str]:
        """How often each Bot API method was called, by its canonical name."""
        return self.world.calls

    @property
    def webhook(self) -> dict[str, object] | None:
        return self.world.webhook

    @property
    def pending_updates(self) -> int:
        return self.queue.pending

    async def wait_idle(
        self,
        timeout: float = 5.0,  # noqa: ASYNC109 - a deadline for the whole wait, part of the API
        quiet: float = 0.2,
    ) -> None:
        """Wait until every update is confirmed and the bot made no call for ``quiet`` s.

        Raises ``TimeoutError`` if that does not happen within ``timeout``.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            now = loop.time()
            if (
                self.queue.pending == 0
                and self.activity.in_flight == 0
                and now - self.activity.last_change >= quiet
            ):
                return
            if now >= deadline:
                raise TimeoutError(
                    f"bot not idle after {timeout}s: {self.queue.pending} update(s) "
                    f"unconfirmed, {self.activity.in_flight} request(s) in flight"
                )
            await asyncio.sleep(min(0.02, max(deadline - now, 0.001)))

    # faults

    def fail_next(
        self,
        status: int = 429,
        times: int = 1,
        *,
        method: str | None = None,
        retry_after: int = 1,
        description: str | None = None,
    ) -> None:
        """Answer the next ``times`` calls (of ``method``; default: any but getUpdates)
        with ``status``: 429 carries ``parameters.retry_after``, 5xx "Internal Server Error".
        """
        self.faults.faults.append(Fault(status, times, method, retry_after, description))

    def delay(self, seconds: float, *, method: str | None = None, after: bool = False) -> None:
        """Hold every call (of ``method``; default: any but getUpdates) for ``seconds``.

        With ``after`` the call takes effect first and only the answer is late: a client
        that times out then sees a failure for a message that was in fact sent.
        """
        self.faults.delays.append(Delay(seconds, method, after))

    def clear_faults(self) -> None:
        self.faults.clear()
