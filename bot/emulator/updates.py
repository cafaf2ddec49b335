"""The bot's update queue and long polling, with the Bot API server's offset rules.

- An update is confirmed, and forgotten, once getUpdates is called with a higher offset.
- A negative offset counts from the end of the queue; everything before it is forgotten.
- ``allowed_updates`` filters updates as they are *created* (so a change does not touch
  updates already queued); an empty list restores the default, which leaves out
  chat_member and the reaction updates.
- A new long poll terminates the pending one, which answers 409.
"""

from __future__ import annotations

import asyncio
import json
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from bot.emulator.errors import CONFLICT_GET_UPDATES, ApiError

JSON = dict[str, Any]

ALL_UPDATE_TYPES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "message_reaction",
        "message_reaction_count",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)
DEFAULT_UPDATE_TYPES = ALL_UPDATE_TYPES - {
    "chat_member",
    "message_reaction",
    "message_reaction_count",
}
MAX_LONG_POLL_TIMEOUT = 50
# Telegram tolerates an offset slightly past the end; further out it is ignored.
_FUTURE_OFFSET_SLACK = 10


@dataclass
class _Poll:
    offset: int
    limit: int
    future: asyncio.Future[list[JSON]] = field(repr=False)


class UpdateQueue:
    def __init__(self, first_update_id: int = 1) -> None:
        self._updates: deque[JSON] = deque()
        self._next_id = first_update_id
        self._allowed = DEFAULT_UPDATE_TYPES
        self._poll: _Poll | None = None

    @property
    def pending(self) -> int:
        """Updates not yet confirmed by the bot."""
        return len(self._updates)

    @property
    def polling(self) -> bool:
        return self._poll is not None

    @property
    def allowed(self) -> frozenset[str]:
        return self._allowed

    def push(self, update_type: str, payload: JSON) -> int | None:
        """Queue an update; returns its id, or None when allowed_updates filters it out."""
        if update_type not in self._allowed:
            return None
        update_id = self._next_id
        self._next_id += 1
        self._updates.append({"update_id": update_id, update_type: payload})
        self._wake()
        return update_id

    def clear(self) -> None:
        self._updates.clear()

    def set_allowed(self, raw: object) -> None:
        """Apply an ``allowed_updates`` parameter: absent or malformed keeps the setting."""
        value = raw
        if isinstance(raw, str):
            if not raw:
                return
            try:
                value = json.loads(raw)
            except ValueError:
                return
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return
        chosen = frozenset(v.lower() for v in value) & ALL_UPDATE_TYPES
        self._allowed = chosen or DEFAULT_UPDATE_TYPES

    def _confirm(self, offset: int) -> int:
        """Forget what ``offset`` confirms; returns the first update id to hand out."""
        head = self._updates[0]["update_id"] if self._updates else self._next_id
        if offset < 0 and self._updates:
            offset += self._next_id
        if offset > self._next_id + _FUTURE_OFFSET_SLACK:
            return head
        offset = max(offset, head)
        while self._updates and self._updates[0]["update_id"] < offset:
            self._updates.popleft()
        return offset

    def _read(self, offset: int, limit: int) -> list[JSON]:
        batch: list[JSON] = []
        for update in self._updates:
            if update["update_id"] >= offset:
                batch.append(update)
                if len(batch) >= limit:
                    break
        return batch

    def _wake(self) -> None:
        poll = self._poll
        if poll is None or poll.future.done():
            return
        batch = self._read(poll.offset, poll.limit)
        if batch:
            self._poll = None
            poll.future.set_result(batch)

    def abort_poll(self, error: ApiError) -> None:
        poll, self._poll = self._poll, None
        if poll is not None and not poll.future.done():
            poll.future.set_exception(error)

    async def get_updates(self, offset: int, limit: int, wait_seconds: float) -> list[JSON]:
        limit = min(max(limit, 1), 100)
        timeout = min(max(wait_seconds, 0.0), float(MAX_LONG_POLL_TIMEOUT))
        start = self._confirm(offset)
        batch = self._read(start, limit)
        if batch or timeout <= 0:
            return batch
        self.abort_poll(ApiError(409, CONFLICT_GET_UPDATES))
        poll = _Poll(start, limit, asyncio.get_running_loop().create_future())
        self._poll = poll
        try:
            done, _ = await asyncio.wait({poll.future}, timeout=timeout)
        finally:
            # A client that hung up (handler cancelled) or a timeout leaves no poll behind.
            if self._poll is poll:
                self._poll = None
        if not done:
            return []
        return poll.future.result()
