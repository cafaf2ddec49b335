"""A per-person limit on how fast the bot is written to.

Kept in memory on purpose: it protects this process from one person's flood, and losing it
on a restart costs nothing.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum


class Verdict(Enum):
    OK = "ok"
    WARN = "warn"  # the first event over the limit: say so once
    DROP = "drop"  # further events in the same window: stay quiet


@dataclass
class FloodGuard:
    limit: int = 20
    window: timedelta = timedelta(minutes=1)
    _events: dict[int, deque[datetime]] = field(default_factory=dict)
    _warned: dict[int, datetime] = field(default_factory=dict)
    _checks: int = 0

    def check(self, person_id: int, now: datetime) -> Verdict:
        self._checks += 1
        if self._checks % 1000 == 0:
            self.forget_idle(now)
        events = self._events.setdefault(person_id, deque())
        while events and now - events[0] >= self.window:
            events.popleft()
        if len(events) < self.limit:
            events.append(now)
            return Verdict.OK
        warned = self._warned.get(person_id)
        if warned is not None and now - warned < self.window:
            return Verdict.DROP
        self._warned[person_id] = now
        return Verdict.WARN

    def forget_idle(self, now: datetime) -> None:
        """Drops people who have been quiet for a window, so memory stays small."""
        for person_id in [
            p for p, e in self._events.items() if not e or now - e[-1] >= self.window
        ]:
            self._events.pop(person_id, None)
            self._warned.pop(person_id, None)
