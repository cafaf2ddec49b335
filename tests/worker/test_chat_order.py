"""Messages to one chat keep their causal order while Telegram throttles the bot.

The real bot on the local stand-ins: the Head approves while the emulator answers several
sendMessage calls with Telegram's own `429 Too Many Requests: retry after N`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.demo.stage import ADMIN_ID, HEAD_ID, LocalStage
from tests.delivery.process import until
from tests.e2e.flows import latest_ticket, submit

GUEST = 4001
APPROVED = "disetujui. Akun hotspot Anda sedang dibuat"
CREDENTIALS = "Kata sandi:"


@pytest.fixture
async def stage(tmp_path: Path, sqlite_url: str) -> AsyncIterator[LocalStage]:
    async with LocalStage(
        tmp_path,
        database_url=sqlite_url,
        # Telegram's flood control outlasts the rate limiter's own retries: the notice
        # goes back to the outbox and waits its back-off, while the account is made.
        outbox_retry_seconds=2.0,
        outbox_retry_cap_seconds=2.0,
        outbox_interval_seconds=0.2,
    ) as running:
        running.emulator.add_user(GUEST, "Siti", "Aminah", username="siti")
        yield running


def _position(texts: list[str], part: str) -> int:
    found = [index for index, text in enumerate(texts) if part in text]
    assert len(found) == 1, f"{part!r} arrived {len(found)} times"
    return found[0]


async def test_the_applicant_hears_approved_before_the_credentials_under_flood_control(
    stage: LocalStage,
) -> None:
    await submit(stage, GUEST)
    await stage.tap(ADMIN_ID, "Verifikasi")
    stage.emulator.fail_next(429, times=6, method="sendMessage", retry_after=1)
    await stage.tap(HEAD_ID, "Setujui")

    async def closed() -> bool:
        return (await latest_ticket(stage)).status == "closed"

    # The held notice waits out its back-off, beyond what `settle` looks ahead.
    await until(closed, 30, "the request closed")
    await stage.settle()
    texts = [m.plain for m in stage.emulator.messages_to(GUEST)]
    assert _position(texts, APPROVED) < _position(texts, CREDENTIALS)
