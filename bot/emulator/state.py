"""The emulated Telegram world: users, chats, their messages, files, and the bot's output."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

from bot.emulator.errors import CHAT_ID_EMPTY, CHAT_NOT_FOUND, bad_request, group_upgraded
from bot.emulator.markup import Markup
from bot.emulator.records import CallbackAnswer, SentMessage
from bot.emulator.text import FormattedText

ChatType = Literal["private", "group", "supergroup"]
JSON = dict[str, Any]


@dataclass
class UserInfo:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False

    def to_json(self) -> JSON:
        body: JSON = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.last_name:
            body["last_name"] = self.last_name
        if self.username:
            body["username"] = self.username
        if self.language_code:
            body["language_code"] = self.language_code
        return body


@dataclass
class ChatInfo:
    id: int
    type: ChatType
    title: str | None = None
    user: UserInfo | None = None
    members: set[int] = field(default_factory=set)

    def to_json(self) -> JSON:
        body: JSON = {"id": self.id, "type": self.type}
        if self.user is not None:
            body["first_name"] = self.user.first_name
            if self.user.last_name:
                body["last_name"] = self.user.last_name
            if self.user.username:
                body["username"] = self.user.username
        else:
            body["title"] = self.title or ""
        return body


@dataclass
class StoredMessage:
    """A message in a chat, from the bot or a user, with what edits compare against."""

    chat_id: int
    message_id: int
    from_bot: bool
    payload: JSON
    has_text: bool
    formatted: FormattedText
    reply_markup: Markup | None = None
    record: SentMessage | None = None


@dataclass(frozen=True)
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes
    mime_type: str | None
    filename: str | None


# file_id prefixes as Telegram's look for each kind, so logs read familiar.
_FILE_PREFIX = {
    "documents": "BQACAgUAAxkBAA",
    "photos": "AgACAgUAAxkBAA",
    "voice": "AwACAgUAAxkBAA",
    "stickers": "CAACAgUAAxkBAA",
}


class Signal:
    """Wakes every waiter on each change; cheaper to reason about than a Condition."""

    def __init__(self) -> None:
        self._event: asyncio.Event | None = None

    def notify(self) -> None:
        if self._event is not None:
            self._event.set()
            self._event = None

    async def wait(self, seconds: float) -> None:
        """Return on the next change, or after ``seconds`` at the latest."""
        if self._event is None:
            self._event = asyncio.Event()
        event = self._event
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), seconds)


class World:
    """All state behind one bot token. Mutated only from the event loop."""

    def __init__(self, token: str, bot_username: str, bot_first_name: str) -> None:
        prefix = token.split(":", 1)[0]
        self.token = token
        self.bot = UserInfo(
            id=int(prefix) if prefix.isdigit() else 123456789,
            first_name=bot_first_name,
            username=bot_username,
            is_bot=True,
        )
        self.users: dict[int, UserInfo] = {}
        self.chats: dict[int, ChatInfo] = {}
        self.messages: dict[int, dict[int, StoredMessage]] = {}
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self.blocked: set[int] = set()
        # Groups upgraded to supergroups: old id -> new id.
        self.migrated: dict[int, int] = {}
        self.callback_queries: dict[str, bool] = {}
        self.callback_answers: dict[str, CallbackAnswer] = {}
        self.commands: dict[tuple[str, str], list[tuple[str, str]]] = {}
        self.webhook: JSON | None = None
        self.calls: Counter[str] = Counter()
        self.sent: list[SentMessage] = []
        self.events: list[SentMessage] = []
        self.seq = 0
        self.output = Signal()
        self._message_ids: dict[int, int] = {}
        self._file_ids = itertools.count(1)
        self._query_ids = itertools.count(1)

    @staticmethod
    def now() -> int:
        return int(time.time())

    # users and chats

    def add_user(self, user: UserInfo) -> UserInfo:
        self.users[user.id] = user
        self.chats[user.id] = ChatInfo(id=user.id, type="private", user=user, members={user.id})
        return user

    def user(self, user_id: int) -> UserInfo:
        try:
            return self.users[user_id]
        except KeyError:
            raise KeyError(f"unknown user {user_id}; call add_user first") from None

    def add_group(self, chat_id: int, title: str, members: set[int]) -> ChatInfo:
        for member in members:
            self.user(member)
        chat_type: ChatType = "supergroup" if str(chat_id).startswith("-100") else "group"
        chat = ChatInfo(id=chat_id, type=chat_type, title=title, members=set(members))
        self.chats[chat_id] = chat
        return chat

    def migrate_group(self, chat_id: int, new_chat_id: int) -> ChatInfo:
        """Upgrade a group to a supergroup with a new id, as Telegram does when a group gets
        an admin feature (public link, more members): the members move, the old id answers
        every call with "group chat was upgraded to a supergroup chat" and the new id."""
        old = self.chats.get(chat_id)
        if old is None or old.type != "group":
            raise LookupError(f"no group {chat_id} to upgrade")
        if not str(new_chat_id).startswith("-100") or new_chat_id in self.chats:
            raise ValueError("a supergroup id starts with -100 and must be new")
        chat = ChatInfo(
            id=new_chat_id, type="supergroup", title=old.title, members=set(old.members)
        )
        self.chats[new_chat_id] = chat
        self.migrated[chat_id] = new_chat_id
        return chat

    def resolve_chat(self, raw: object) -> ChatInfo:
        """The chat a ``chat_id`` parameter names, or Telegram's error."""
        if raw is None or raw == "":
            raise bad_request(CHAT_ID_EMPTY)
        chat_id: int | None = None
        if isinstance(raw, bool):
            chat_id = None
        elif isinstance(raw, int):
            chat_id = raw
        elif isinstance(raw, str):
            # "@name" addresses public channels and supergroups only; none are modelled.
            try:
                chat_id = int(raw.strip())
            except ValueError:
                chat_id = None
        found = self.chats.get(chat_id) if chat_id is not None else None
        if found is None:
            raise bad_request(CHAT_NOT_FOUND)
        if found.id in self.migrated:
            raise group_upgraded(self.migrated[found.id])
        return found

    # messages

    def next_message_id(self, chat_id: int) -> int:
        value = self._message_ids.get(chat_id, 0) + 1
        self._message_ids[chat_id] = value
        return value

    def store(self, message: StoredMessage) -> StoredMessage:
        self.messages.setdefault(message.chat_id, {})[message.message_id] = message
        return message

    def message(self, chat_id: int, message_id: int) -> StoredMessage | None:
        return self.messages.get(chat_id, {}).get(message_id)

    def new_query_id(self) -> str:
        return f"{self.bot.id}{next(self._query_ids):08d}"

    # files

    def add_file(
        self, folder: str, content: bytes, *, filename: str | None, mime_type: str | None
    ) -> StoredFile:
        number = next(self._file_ids)
        suffix = ""
        if filename and "." in filename:
            suffix = "." + filename.rsplit(".", 1)[1]
        stored = StoredFile(
            file_id=f"{_FILE_PREFIX.get(folder, 'BQACAgUAAxkBAA')}{number:06d}",
            file_unique_id=f"AgAD{number:06d}",
            file_path=f"{folder}/file_{number}{suffix}",
            content=content,
            mime_type=mime_type,
            filename=filename,
        )
        self.files[stored.file_id] = stored
        self.files_by_path[stored.file_path] = stored
        return stored

    # the bot's output

    def record_output(self, record: SentMessage, *, is_new: bool) -> None:
        self.seq += 1
        record.seq = self.seq
        if is_new:
            self.sent.append(record)
        self.events.append(record.snapshot())
        self.output.notify()
