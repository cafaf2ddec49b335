"""Who acts on a ticket, and the staff directory that says who may."""

from __future__ import annotations

from dataclasses import dataclass, field

from handlers.statuses import Role


@dataclass(frozen=True)
class Actor:
    role: Role
    id: int | None = None
    name: str | None = None


SYSTEM = Actor(Role.SYSTEM, None, "Hotspot Desk")


@dataclass(frozen=True)
class StaffDirectory:
    """The configured staff; every staff action is checked against it at the time of the act."""

    admins: frozenset[int] = field(default_factory=frozenset)
    heads: frozenset[int] = field(default_factory=frozenset)
    admin_chat_id: int | None = None
    # The SOP has an admin verify every form before the head decides; switched off, the head
    # gets the card at once and decides a submitted form directly.
    verification: bool = True

    def roles_of(self, user_id: int) -> frozenset[Role]:
        roles: set[Role] = set()
        if user_id in self.admins:
            roles.add(Role.ADMIN)
        if user_id in self.heads:
            roles.add(Role.HEAD)
        return frozenset(roles)

    def is_staff(self, user_id: int) -> bool:
        return bool(self.roles_of(user_id))

    def admin_chats(self) -> list[int]:
        chats = sorted(self.admins)
        if self.admin_chat_id is not None:
            chats.append(self.admin_chat_id)
        return chats

    def head_chats(self) -> list[int]:
        return sorted(self.heads)

    def everyone(self) -> list[int]:
        return sorted(self.admins | self.heads)
