"""What every Bot API method implementation works with."""

from __future__ import annotations

from dataclasses import dataclass

from bot.emulator.errors import BLOCKED, ApiError
from bot.emulator.state import ChatInfo, World
from bot.emulator.updates import UpdateQueue


@dataclass
class ApiContext:
    world: World
    queue: UpdateQueue
    strict_html: bool = True
    group_privacy: bool = True

    def check_not_blocked(self, chat: ChatInfo) -> None:
        if chat.type == "private" and chat.id in self.world.blocked:
            raise ApiError(403, BLOCKED)
