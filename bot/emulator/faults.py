"""Injected failures and delays, to exercise a bot's retries and timeouts."""

from __future__ import annotations

from dataclasses import dataclass

from bot.emulator.errors import INTERNAL, ApiError, too_many_requests


@dataclass
class Fault:
    """Answer the next ``times`` matching calls with an error instead of running them.

    ``method`` None matches every method except getUpdates (long polling is not what a
    rate-limit test means to hit).
    """

    status: int
    times: int
    method: str | None = None
    retry_after: int = 1
    description: str | None = None

    def matches(self, method: str) -> bool:
        if self.method is None:
            return method != "getupdates"
        return self.method.lower() == method

    def error(self) -> ApiError:
        if self.status == 429:
            return too_many_requests(self.retry_after)
        if self.description is not None:
            return ApiError(self.status, self.description)
        if self.status >= 500:
            return ApiError(self.status, INTERNAL)
        return ApiError(self.status, f"Error {self.status}")


@dataclass
class Delay:
    """Hold matching calls for ``seconds``: before running them, or, with ``after``, after
    running them and before answering, so that a client timing out leaves the call done
    but unconfirmed (the "did my message go out?" case retries must survive).
    """

    seconds: float
    method: str | None = None
    after: bool = False

    def matches(self, method: str) -> bool:
        if self.method is None:
            return method != "getupdates"
        return self.method.lower() == method


class FaultPlan:
    def __init__(self) -> None:
        self.faults: list[Fault] = []
        self.delays: list[Delay] = []

    def take(self, method: str) -> ApiError | None:
        """The error for this call, consuming one use of the first matching fault."""
        for fault in self.faults:
            if fault.times > 0 and fault.matches(method):
                fault.times -= 1
                if fault.times == 0:
                    self.faults.remove(fault)
                return fault.error()
        return None

    def delay_for(self, method: str, *, after: bool = False) -> float:
        return sum(
            delay.seconds for delay in self.delays if delay.after == after and delay.matches(method)
        )

    def clear(self) -> None:
        self.faults.clear()
        self.delays.clear()
