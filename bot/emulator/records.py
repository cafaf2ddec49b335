"""What the emulator remembers of the bot's output and of the users' input, for tests."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal

from bot.emulator.markup import Button, Markup

SentKind = Literal["message", "document", "photo"]


@dataclass(frozen=True)
class SentFile:
    """A file the bot sent (uploaded, or re-sent by file_id)."""

    file_id: str
    filename: str | None
    mime_type: str | None
    content: bytes


@dataclass(frozen=True)
class MessageVersion:
    """One earlier state of an edited message."""

    text: str
    plain: str
    parse_mode: str | None
    buttons: list[list[Button]]
    reply_markup: Markup | None
    edit_date: int | None


@dataclass
class SentMessage:
    """A message the bot sent, as it is now; ``edits`` holds its earlier versions.

    ``text`` is what the bot sent (markup included; the caption for files), ``plain`` what
    the user sees: tags removed, character references decoded, ends trimmed.
    """

    seq: int
    chat_id: int
    message_id: int
    kind: SentKind
    text: str
    plain: str
    parse_mode: str | None
    buttons: list[list[Button]]
    reply_markup: Markup | None
    date: int
    entities: list[dict[str, Any]] = field(default_factory=list)
    reply_to_message_id: int | None = None
    link_preview_disabled: bool = False
    document: SentFile | None = None
    edits: list[MessageVersion] = field(default_factory=list)
    edit_date: int | None = None
    deleted: bool = False

    @property
    def edited(self) -> bool:
        return bool(self.edits)

    @property
    def button_labels(self) -> list[str]:
        return [button.text for row in self.buttons for button in row]

    @property
    def callback_data(self) -> list[str]:
        return [button.data for row in self.buttons for button in row if button.data is not None]

    def snapshot(self) -> SentMessage:
        """A copy that later edits will not change."""
        return dataclasses.replace(self, edits=list(self.edits))

    def version(self) -> MessageVersion:
        return MessageVersion(
            text=self.text,
            plain=self.plain,
            parse_mode=self.parse_mode,
            buttons=self.buttons,
            reply_markup=self.reply_markup,
            edit_date=self.edit_date,
        )

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "seq": self.seq,
            "chat_id": self.chat_id,
            "message_id": self.message_id,
            "kind": self.kind,
            "text": self.text,
            "plain": self.plain,
            "parse_mode": self.parse_mode,
            "buttons": [[[b.text, b.data] for b in row] for row in self.buttons],
            "date": self.date,
            "edit_date": self.edit_date,
            "edits": len(self.edits),
            "deleted": self.deleted,
            "reply_to_message_id": self.reply_to_message_id,
        }
        if self.document is not None:
            body["document"] = {
                "file_id": self.document.file_id,
                "filename": self.document.filename,
                "mime_type": self.document.mime_type,
                "size": len(self.document.content),
            }
        return body


@dataclass(frozen=True)
class InboundMessage:
    """A message a user sent to the bot; ``update_id`` is None if allowed_updates dropped it."""

    chat_id: int
    message_id: int
    user_id: int
    update_id: int | None
    payload: dict[str, Any]

    @property
    def text(self) -> str | None:
        value = self.payload.get("text")
        return value if isinstance(value, str) else None


@dataclass(frozen=True)
class CallbackAnswer:
    """How the bot answered a button press (answerCallbackQuery)."""

    query_id: str
    text: str | None
    show_alert: bool
    url: str | None
    cache_time: int
