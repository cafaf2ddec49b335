"""The demo's clock: real time, shifted to a chosen Monday morning, that can jump ahead.

Time flows as usual (retries, timeouts and the dialog behave normally), but the demo starts
inside office hours on a working day and can skip to "12 minutes later" or "the next
morning", so that the SLA clocks and the daily digest have something to show.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class DemoClock:
    def __init__(self, start: datetime) -> None:
        self.offset = start - datetime.now(UTC)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def jump(self, delta: timedelta) -> None:
        self.offset += delta

    def jump_to(self, moment: datetime) -> None:
        self.offset += moment - self.now()
