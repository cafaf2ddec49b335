"""Staff commands: a small registry so each part of the staff side adds its own commands.

Every command is checked against the configured roles at the time it is used; anyone else
gets a polite refusal and the attempt is logged.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.dialog.events import Inbound, Outcome
from handlers.actors import Actor
from handlers.statuses import Role

Handler = Callable[[Inbound, Actor], Awaitable[Outcome]]


@dataclass(frozen=True)
class StaffCommand:
    """`names`: the Indonesian name first, then aliases (English). `roles`: who may use it."""

    names: tuple[str, ...]
    roles: frozenset[Role]
    handler: Handler
    # Catalog key of the one-line description shown in the staff command menu.
    description_key: str


class StaffCommandBook:
    def __init__(self) -> None:
        self._by_name: dict[str, StaffCommand] = {}
        self.commands: list[StaffCommand] = []

    def add(self, command: StaffCommand) -> None:
        for name in command.names:
            if name in self._by_name:
                raise ValueError(f"staff command /{name} registered twice")
            self._by_name[name] = command
        self.commands.append(command)

    def find(self, name: str | None) -> StaffCommand | None:
        return self._by_name.get(name or "")
