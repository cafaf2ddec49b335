"""Reaching Telegram at start, and the polling loop's errors once running.

At start the bot asks Telegram who it is (getMe) and sets its command menus. A campus
network blip or a Bot API answering 5xx must not end the process: those calls are tried
again with back-off (one log line per failed try) for a bounded time. A token Telegram
refuses (401 Unauthorized, or 404 from a wrong base URL; python-telegram-bot raises
`InvalidToken` for both) cannot get better by waiting and stops start-up at once.

While polling, a second process polling with the same token makes Telegram answer
`409 Conflict: terminated by other getUpdates request; make sure that only one bot
instance is running` to one of them at every poll; that is told once, not logged as a
traceback per poll.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from telegram.error import BadRequest, Conflict, InvalidToken, NetworkError, RetryAfter
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_delay,
    wait_exponential,
)

log = logging.getLogger(__name__)

FIRST_DELAY = 1.0
MAX_DELAY = 30.0


class TelegramStartError(Exception):
    """Start-up cannot reach or use Telegram; the message is one line naming the setting."""


def _reason(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:200]


def _passing(error: BaseException) -> bool:
    """Network errors, 5xx and flood control; a Bad Request (also a NetworkError) is ours."""
    return isinstance(error, NetworkError | RetryAfter) and not isinstance(error, BadRequest)


async def connect_with_retry(
    connect: Callable[[], Awaitable[None]],
    *,
    budget: float,
    first_delay: float = FIRST_DELAY,
    max_delay: float = MAX_DELAY,
) -> None:
    """Runs `connect` (getMe and the command menus) until it succeeds, retrying network
    errors and 5xx answers with back-off doubling from `first_delay` to `max_delay` seconds
    (a flood-control answer waits its retry_after), for up to `budget` seconds in all.

    Raises TelegramStartError when Telegram refuses the token (InvalidToken) or is still
    unreachable when the budget runs out. A Bad Request passes through unchanged.
    """
    backoff = wait_exponential(multiplier=first_delay, max=max_delay)

    def pause(state: RetryCallState) -> float:
        assert state.outcome is not None and state.seconds_since_start is not None
        error = state.outcome.exception()
        wait = error.retry_after if isinstance(error, RetryAfter) else None
        seconds = float(wait) if isinstance(wait, int | float) else backoff(state)
        # The last pause ends at the budget, so the last try is made right there.
        return max(0.0, min(seconds, budget - state.seconds_since_start))

    def tell(state: RetryCallState) -> None:
        assert state.outcome is not None
        error = state.outcome.exception()
        assert error is not None
        log.warning(
            "Telegram unreachable at start (%s); try %d in %.0f s",
            _reason(error),
            state.attempt_number + 1,
            state.upcoming_sleep,
        )

    def give_up(state: RetryCallState) -> None:
        assert state.outcome is not None
        error = state.outcome.exception()
        assert error is not None
        raise TelegramStartError(
            f"Telegram unreachable at HOTSPOT_TELEGRAM_BASE_URL after {state.attempt_number} "
            f"tries ({_reason(error)})"
        ) from None

    retrying = AsyncRetrying(
        retry=retry_if_exception(_passing),
        wait=pause,
        stop=stop_after_delay(budget),
        before_sleep=tell,
        retry_error_callback=give_up,
    )
    try:
        # The loop form awaits whatever `connect` returns, a coroutine function or not.
        async for attempt in retrying:
            with attempt:
                await connect()
    except InvalidToken:
        # Its message repeats the token, so it is not shown.
        raise TelegramStartError(
            "HOTSPOT_TELEGRAM_TOKEN was refused by Telegram (401 Unauthorized): check the "
            "token from @BotFather (and HOTSPOT_TELEGRAM_BASE_URL for a self-hosted Bot API "
            "server)"
        ) from None
    tries = retrying.statistics["attempt_number"]
    if tries > 1:
        log.info("Telegram reached at try %d", tries)


class PollingErrors:
    """The polling loop's error callback (python-telegram-bot calls it synchronously for each
    failed getUpdates, then backs off by itself up to 30 s).

    A 409 Conflict is logged as one line and told to the admins once per run through
    `alert` (a coroutine function taking the text); other failures are one warning line
    each, without a traceback.
    """

    def __init__(self, alert: Callable[[str], Awaitable[None]], conflict_text: str) -> None:
        self.alert = alert
        self.conflict_text = conflict_text
        self.conflicts = 0
        self._tasks: set[asyncio.Task[None]] = set()

    def __call__(self, error: Exception) -> None:
        if isinstance(error, Conflict):
            self.conflicts += 1
            if self.conflicts > 1:
                log.debug("still in conflict with another instance (%d)", self.conflicts)
                return
            log.error(
                "another instance is polling with this bot token (409 %s); only one may run",
                error.message,
            )
            task = asyncio.get_running_loop().create_task(self._tell(self.conflict_text))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            return
        log.warning("polling Telegram failed (%s); retrying", _reason(error))

    async def _tell(self, text: str) -> None:
        try:
            await self.alert(text)
        except Exception as error:  # best effort: the log line already says it
            log.warning("could not tell the admins about the conflict: %s", _reason(error))
