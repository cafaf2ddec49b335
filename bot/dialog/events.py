"""The channel-agnostic vocabulary: one inbound event type, one outbound reply type."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    COMMAND = "command"
    TEXT = "text"
    BUTTON = "button"
    FILE = "file"
    # The user changed a message already sent: `message_id` is that message, `text` its new text.
    EDIT = "edit"
    UNSUPPORTED = "unsupported"


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    username: str | None = None
    language_code: str | None = None


@dataclass(frozen=True)
class Upload:
    """A file the user sent. The bytes are fetched only if the dialog accepts the file."""

    filename: str
    mime_type: str
    size: int
    fetch: Callable[[], Awaitable[bytes]] = field(compare=False, repr=False)


@dataclass(frozen=True)
class Inbound:
    person: Person
    chat_id: int
    kind: Kind
    private: bool = True
    text: str = ""
    command: str | None = None
    args: str = ""
    data: str | None = None
    message_id: int | None = None
    # The bot message this one replies to (a staff member answering a relayed message).
    reply_to: int | None = None
    forwarded: bool = False
    upload: Upload | None = None


@dataclass(frozen=True)
class Button:
    text: str
    data: str | None = None
    url: str | None = None


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True)
class Reply:
    """One message. `chat_id` None means the chat the event came from; `edit` replaces the
    message whose button was pressed instead of sending a new one."""

    text: str
    buttons: Keyboard = ()
    chat_id: int | None = None
    edit: bool = False
    # A file sent with `text` as its caption: (filename, content).
    document: tuple[str, bytes] | None = None


@dataclass
class Outcome:
    replies: list[Reply] = field(default_factory=list)
    # The short answer to a button press (Telegram shows it as a toast).
    toast: str | None = None
    alert: bool = False
    # Side effects were queued: the outbox worker should look now rather than at its next tick.
    wake_worker: bool = False

    def say(self, text: str, buttons: Keyboard = (), *, edit: bool = False) -> Outcome:
        self.replies.append(Reply(text, buttons, edit=edit))
        return self
